package org.dmabuf4j.api;

/**
 * A named allocator of buffers (/dev/dma_heap/NAME): zeroed memory ({@link Rule#HEAP_1 HEAP-1}), page-rounded sizes
 * ({@link Rule#HEAP_2 HEAP-2}).
 *
 * @see "DMA_HEAP_IOCTL_ALLOC"
 */
public interface DmaHeap {
    /**
     * The heap's name, unique within its system ("system", "contiguous", ...).
     *
     * @return the name
     */
    String name();

    /**
     * Allocates a buffer of at least {@code size} bytes, rounded up to the page size ({@link Rule#HEAP_2 HEAP-2}),
     * zeroed ({@link Rule#HEAP_1 HEAP-1}).
     *
     * @param size bytes; positive
     * @return the first handle of the buffer
     * @throws RuleViolationException ({@link Rule#HEAP_3 HEAP-3}) on a zero or negative size
     * @throws HeapExhaustedException ({@link Rule#HEAP_3 HEAP-3}, {@link Rule#HEAP_7 HEAP-7}) if the heap cannot
     *     satisfy it; nothing is allocated
     */
    default DmaBuf allocate(long size) {
        return allocate(size, 0L);
    }

    /**
     * Allocates a buffer with heap flags.
     *
     * @param size bytes; positive
     * @param heapFlags the flags; only bits of {@link #validFlags()} ({@link Rule#HEAP_4 HEAP-4})
     * @return the first handle of the buffer
     * @throws RuleViolationException ({@link Rule#HEAP_3 HEAP-3}, {@link Rule#HEAP_4 HEAP-4}) on a bad size or unknown
     *     flags
     * @throws HeapExhaustedException ({@link Rule#HEAP_3 HEAP-3}, {@link Rule#HEAP_7 HEAP-7}) if the heap cannot
     *     satisfy it; nothing is allocated
     */
    DmaBuf allocate(long size, long heapFlags);

    /**
     * Allocates a buffer for an image layout: size is the layout's {@link BufferLayout#minimumSize()} rounded up.
     *
     * @param layout the layout; not null
     * @return the first handle of the buffer, with the layout
     * @throws RuleViolationException ({@link Rule#HEAP_3 HEAP-3}) on a null layout; ({@link Rule#HEAP_8 HEAP-8}) on a
     *     tiled layout for a heap whose memory is linear (only the tiled heap takes tiled layouts)
     * @throws HeapExhaustedException ({@link Rule#HEAP_3 HEAP-3}, {@link Rule#HEAP_7 HEAP-7}) if the heap cannot
     *     satisfy it
     */
    DmaBuf allocate(BufferLayout layout);

    /**
     * The heap flags this heap knows.
     *
     * @return a bit mask; 0 for the standard heaps
     */
    default long validFlags() {
        return 0L;
    }

    /**
     * Bytes currently allocated from this heap (live buffers).
     *
     * @return the byte count
     */
    long liveBytes();
}
