package org.dmabuf4j.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Deterministic byte patterns for byte-exact checks across processes: byte i of pattern s. */
final class Patterns {
    private Patterns() {
    }

    static byte at(long i, long seed) {
        return (byte) ((i * 31 + seed * 7 + (i >>> 11)) & 0xFF);
    }

    static void fill(MemorySegment s, long seed) {
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, at(i, seed));
        }
    }

    /** The first offset that differs from the pattern, or -1. */
    static long firstMismatch(MemorySegment s, long seed) {
        for (long i = 0; i < s.byteSize(); i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != at(i, seed)) {
                return i;
            }
        }
        return -1;
    }
}
