package org.dmabuf4j.api;

/**
 * The direction of a device mapping: which way data flows between memory and the device.
 *
 * <p>The numeric values are the kernel's {@code enum dma_data_direction}. A device may read only through mappings
 * whose direction {@linkplain #allowsDeviceRead() allows it}, and write only through those that
 * {@linkplain #allowsDeviceWrite() allow that} ({@link Rule#DEV_4 DEV-4}).
 *
 * @see "enum dma_data_direction"
 */
public enum Direction {
    /** The device reads and writes ({@code DMA_BIDIRECTIONAL} = 0). */
    BIDIRECTIONAL(0),
    /** Memory to device: the device reads ({@code DMA_TO_DEVICE} = 1). */
    TO_DEVICE(1),
    /** Device to memory: the device writes ({@code DMA_FROM_DEVICE} = 2). */
    FROM_DEVICE(2);

    private final int kernelValue;

    Direction(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    /**
     * The kernel's value of this direction.
     *
     * @return 0, 1 or 2
     */
    public int kernelValue() {
        return kernelValue;
    }

    /**
     * The direction with a kernel value.
     *
     * @param value 0 ({@code DMA_BIDIRECTIONAL}), 1 ({@code DMA_TO_DEVICE}) or 2 ({@code DMA_FROM_DEVICE})
     * @return the direction
     * @throws RuleViolationException ({@link Rule#MAP_10 MAP-10}) for any other value, such as {@code DMA_NONE} = 3
     */
    public static Direction ofKernelValue(int value) {
        for (Direction d : values()) {
            if (d.kernelValue == value) {
                return d;
            }
        }
        throw new RuleViolationException(Rule.MAP_10,
                "no DMA direction has kernel value " + value + " (0 bidirectional, 1 to device, 2 from device)");
    }

    /**
     * Whether a device may read memory through a mapping of this direction.
     *
     * @return true for TO_DEVICE and BIDIRECTIONAL
     */
    public boolean allowsDeviceRead() {
        return this != FROM_DEVICE;
    }

    /**
     * Whether a device may write memory through a mapping of this direction.
     *
     * @return true for FROM_DEVICE and BIDIRECTIONAL
     */
    public boolean allowsDeviceWrite() {
        return this != TO_DEVICE;
    }

    /**
     * Whether a mapping made in this direction serves a request in {@code other} ({@link Rule#MAP_7 MAP-7}):
     * BIDIRECTIONAL covers all.
     *
     * @param other the direction asked for; not null
     * @return true if this is BIDIRECTIONAL or equal to {@code other}
     * @throws RuleViolationException ({@link Rule#MAP_7 MAP-7}) if {@code other} is null, whatever this direction is
     */
    public boolean covers(Direction other) {
        Check.notNull(other, Rule.MAP_7, "direction asked of a " + this + " mapping");
        return this == BIDIRECTIONAL || this == other;
    }
}
