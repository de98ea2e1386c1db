package org.dmabuf4j.testkit.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Byte patterns that depend on the buffer offset, so misplaced bytes are caught as well as wrong ones. */
public final class Pattern {
    private Pattern() {
    }

    /**
     * The pattern's byte at a buffer offset.
     *
     * @param seed the pattern
     * @param offset the buffer offset
     * @return the byte
     */
    public static byte at(int seed, long offset) {
        long h = (offset + 1) * 0x9E3779B97F4A7C15L + seed * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        byte b = (byte) (h ^ (h >>> 11));
        return b == 0 ? 1 : b;
    }

    /**
     * Fills a segment with the pattern.
     *
     * @param segment the bytes to fill
     * @param bufferOffset the buffer offset of the segment's first byte
     * @param seed the pattern
     */
    public static void fill(MemorySegment segment, long bufferOffset, int seed) {
        for (long i = 0; i < segment.byteSize(); i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, at(seed, bufferOffset + i));
        }
    }

    /**
     * The first byte that differs from the pattern.
     *
     * @param segment the bytes to check
     * @param bufferOffset the buffer offset of the segment's first byte
     * @param seed the pattern
     * @return the buffer offset of the first wrong byte, or -1
     */
    public static long mismatch(MemorySegment segment, long bufferOffset, int seed) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != at(seed, bufferOffset + i)) {
                return bufferOffset + i;
            }
        }
        return -1;
    }

    /**
     * The first byte that differs from a constant.
     *
     * @param segment the bytes to check
     * @param bufferOffset the buffer offset of the segment's first byte
     * @param value the expected byte
     * @return the buffer offset of the first wrong byte, or -1
     */
    public static long mismatchConstant(MemorySegment segment, long bufferOffset, byte value) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != value) {
                return bufferOffset + i;
            }
        }
        return -1;
    }
}
