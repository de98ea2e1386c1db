package org.dmabuf4j.api;

/**
 * What a CPU access does with a buffer: read, write, or both.
 *
 * <p>The access decides which fences {@link DmaBuf#beginCpuAccess(Access, Region)} waits for
 * ({@link Rule#CPU_2 CPU-2}), what cache maintenance a non-coherent buffer needs ({@link Rule#CPU_9 CPU-9}) and whether
 * the window is writable ({@link Rule#CPU_6 CPU-6}). Kernel sync flags map as {@code DMA_BUF_SYNC_READ} = 1,
 * {@code DMA_BUF_SYNC_WRITE} = 2, {@code DMA_BUF_SYNC_RW} = 3.
 *
 * @see "DMA_BUF_IOCTL_SYNC"
 */
public enum Access {
    /** Read only ({@code DMA_BUF_SYNC_READ}). */
    READ(1),
    /** Write only ({@code DMA_BUF_SYNC_WRITE}); the window's previous contents are not guaranteed fresh. */
    WRITE(2),
    /** Read and write ({@code DMA_BUF_SYNC_RW}). */
    READ_WRITE(3);

    /** {@code DMA_BUF_SYNC_END}: the bit that ends an access rather than starting it. */
    public static final long SYNC_END = 4;

    private final int syncFlags;

    Access(int syncFlags) {
        this.syncFlags = syncFlags;
    }

    /**
     * The kernel's {@code DMA_BUF_SYNC_*} bits for this access.
     *
     * @return 1, 2 or 3
     */
    public int syncFlags() {
        return syncFlags;
    }

    /**
     * Decodes kernel sync flags ({@link Rule#CPU_13 CPU-13}).
     *
     * @param flags the {@code flags} of a {@code struct dma_buf_sync}: READ (1) and/or WRITE (2), optionally END (4)
     * @return the access named by the READ/WRITE bits
     * @throws RuleViolationException ({@link Rule#CPU_13 CPU-13}) if an unknown bit is set or neither READ nor WRITE is
     */
    public static Access ofSyncFlags(long flags) {
        if ((flags & ~(3L | SYNC_END)) != 0) {
            throw new RuleViolationException(Rule.CPU_13, "unknown sync flag bits 0x" + Long.toHexString(flags & ~7L)
                    + " in 0x" + Long.toHexString(flags) + "; valid are READ=1, WRITE=2, END=4");
        }
        int rw = (int) (flags & 3);
        if (rw == 0) {
            throw new RuleViolationException(Rule.CPU_13,
                    "sync flags 0x" + Long.toHexString(flags) + " name neither READ (1) nor WRITE (2)");
        }
        return rw == 1 ? READ : rw == 2 ? WRITE : READ_WRITE;
    }

    /**
     * Whether the access reads.
     *
     * @return true for READ and READ_WRITE
     */
    public boolean reads() {
        return this != WRITE;
    }

    /**
     * Whether the access writes.
     *
     * @return true for WRITE and READ_WRITE
     */
    public boolean writes() {
        return this != READ;
    }

    /**
     * The DMA direction of this access as the kernel derives it: READ is FROM_DEVICE (the CPU reads what a device
     * wrote), WRITE is TO_DEVICE, READ_WRITE is BIDIRECTIONAL.
     *
     * @return the direction
     */
    public Direction direction() {
        return switch (this) {
            case READ -> Direction.FROM_DEVICE;
            case WRITE -> Direction.TO_DEVICE;
            case READ_WRITE -> Direction.BIDIRECTIONAL;
        };
    }

    /**
     * The usage of the fences this access waits for ({@link Rule#CPU_2 CPU-2}) and exports
     * ({@link Rule#SYNC_5 SYNC-5}).
     *
     * @return {@link FenceUsage#forAccess(boolean)} of {@link #writes()}
     */
    public FenceUsage waitUsage() {
        return FenceUsage.forAccess(writes());
    }

    /**
     * The usage a fence imported for this access is added with ({@link Rule#SYNC_6 SYNC-6}).
     *
     * @return WRITE if the access writes, else READ
     */
    public FenceUsage importUsage() {
        return writes() ? FenceUsage.WRITE : FenceUsage.READ;
    }
}
