package org.dmabuf4j.benchmarks;

/**
 * How the system heap splits a buffer (kernel system heap, DESIGN §7): greedily into 1 MiB, then 64 KiB, then 4 KiB
 * chunks, never a larger chunk after a smaller one. The number of chunks is the number of scatter-list segments of an
 * uncached mapping, which is what map/unmap cost should be linear in.
 */
public final class HeapChunks {
    /** Page size. */
    public static final long PAGE = 4096;
    private static final long[] CHUNK_SIZES = {1L << 20, 64L << 10, PAGE};

    private HeapChunks() {
    }

    /**
     * The number of chunks of a system-heap buffer of {@code size} bytes.
     *
     * @param size bytes; positive; rounded up to the page size
     * @return the chunk count
     * @throws IllegalArgumentException if size is not positive
     */
    public static long count(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        long rest = (size + PAGE - 1) / PAGE * PAGE;
        long n = 0;
        for (long chunk : CHUNK_SIZES) {
            n += rest / chunk;
            rest %= chunk;
        }
        return n;
    }

    /**
     * The chunk sizes of a system-heap buffer, in buffer order.
     *
     * @param size bytes; positive
     * @return one length per chunk
     */
    static long[] sizes(long size) {
        long[] out = new long[Math.toIntExact(count(size))];
        long rest = (size + PAGE - 1) / PAGE * PAGE;
        int i = 0;
        for (long chunk : CHUNK_SIZES) {
            for (; rest >= chunk; rest -= chunk) {
                out[i++] = chunk;
            }
        }
        return out;
    }
}
