package org.dmabuf4j.core.heap;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A simulated physical page allocator for the system heap's chunks: it only hands out addresses (the CPU memory is
 * elsewhere), so that dumps show the chunks scattered the way the kernel's buddy allocator scatters them. Freed
 * frames are reused last-in first-out; new frames leave a hole after each chunk, so neighbouring chunks of one buffer
 * are never physically adjacent.
 */
final class PhysicalFrames {
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long next;

    PhysicalFrames(long base) {
        this.next = base;
    }

    synchronized long allocate(long size) {
        ArrayDeque<Long> f = free.get(size);
        if (f != null && !f.isEmpty()) {
            return f.pop();
        }
        long at = (next + size - 1) & -size;
        next = at + 2 * size;
        return at;
    }

    synchronized void free(long address, long size) {
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).push(address);
    }
}
