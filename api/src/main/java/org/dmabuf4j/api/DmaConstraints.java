package org.dmabuf4j.api;

/**
 * What a device's DMA engine can address: how many address bits, how long one segment may be, and which boundary a
 * segment may not cross. Exporters honour them in every mapping ({@link Rule#MAP_4 MAP-4}) and device DMA mapping
 * enforces them ({@link Rule#DEV_3 DEV-3}).
 *
 * <pre>
 *   addressBits = 32           every entry lies in [0, 2^32)
 *   maxSegmentSize = 64 KiB    a 1 MiB chunk becomes 16 entries
 *   segmentBoundary = 1 MiB    no entry crosses a multiple of 1 MiB
 * </pre>
 *
 * @param addressBits bits of DMA address; 12 to 64
 * @param maxSegmentSize longest entry in bytes; a positive multiple of the page size
 * @param segmentBoundary power-of-two boundary no entry may cross, at least the page size; 0 for none
 * @see "struct device_dma_parameters"
 */
public record DmaConstraints(int addressBits, long maxSegmentSize, long segmentBoundary) {
    /** The page size, 4 KiB: the granule of every mapping ({@link Rule#MAP_3 MAP-3}). */
    public static final long PAGE_SIZE = 4096;

    /** No limits: 64-bit addresses, unbounded segments, no boundary. */
    public static final DmaConstraints NONE = new DmaConstraints(64, Long.MAX_VALUE & -PAGE_SIZE, 0);

    /**
     * Validates the constraints.
     *
     * @throws RuleViolationException ({@link Rule#DEV_3 DEV-3}) if a value is out of range
     */
    public DmaConstraints {
        if (addressBits < 12 || addressBits > 64) {
            throw new RuleViolationException(Rule.DEV_3, "address bits must be 12..64, was " + addressBits);
        }
        if (maxSegmentSize <= 0 || maxSegmentSize % PAGE_SIZE != 0) {
            throw new RuleViolationException(Rule.DEV_3,
                    "max segment size must be a positive multiple of " + PAGE_SIZE + ", was " + maxSegmentSize);
        }
        if (segmentBoundary != 0 && (segmentBoundary < PAGE_SIZE || Long.bitCount(segmentBoundary) != 1)) {
            throw new RuleViolationException(Rule.DEV_3,
                    "segment boundary must be 0 or a power of two >= " + PAGE_SIZE + ", was " + segmentBoundary);
        }
    }

    /**
     * A device with a 32-bit DMA mask and no other limit.
     *
     * @return the constraints
     */
    public static DmaConstraints bits32() {
        return NONE.withAddressBits(32);
    }

    /**
     * A copy with another address width.
     *
     * @param bits 12 to 64
     * @return the constraints
     */
    public DmaConstraints withAddressBits(int bits) {
        return new DmaConstraints(bits, maxSegmentSize, segmentBoundary);
    }

    /**
     * A copy with another maximum segment size.
     *
     * @param bytes a positive multiple of the page size
     * @return the constraints
     */
    public DmaConstraints withMaxSegmentSize(long bytes) {
        return new DmaConstraints(addressBits, bytes, segmentBoundary);
    }

    /**
     * A copy with another segment boundary.
     *
     * @param bytes 0, or a power of two of at least the page size
     * @return the constraints
     */
    public DmaConstraints withSegmentBoundary(long bytes) {
        return new DmaConstraints(addressBits, maxSegmentSize, bytes);
    }

    /**
     * The highest address the device can reach.
     *
     * @return {@code 2^addressBits - 1} (all ones for 64 bits)
     */
    public long dmaMask() {
        return addressBits == 64 ? -1L : (1L << addressBits) - 1;
    }

    /**
     * Whether an entry at {@code address} of {@code length} bytes meets these constraints ({@link Rule#MAP_4 MAP-4}).
     *
     * @param address the entry's DMA address
     * @param length the entry's length; positive
     * @return true if it lies under the mask, is short enough and crosses no boundary
     */
    public boolean admits(long address, long length) {
        if (length <= 0 || length > maxSegmentSize) {
            return false;
        }
        long last = address + length - 1;
        if (Long.compareUnsigned(last, address) < 0 || Long.compareUnsigned(last, dmaMask()) > 0) {
            return false;
        }
        return segmentBoundary == 0 || (address & -segmentBoundary) == (last & -segmentBoundary);
    }
}
