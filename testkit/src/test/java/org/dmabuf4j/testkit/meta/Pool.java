package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Reused memory for heap-like test exporters: freed blocks go back to the pool, not to the system. */
final class Pool {
    private final Map<Long, Deque<MemorySegment>> free = new HashMap<>();
    private final Arena arena = Arena.ofAuto();
    private final boolean zero;
    private long live;

    Pool(boolean zero) {
        this.zero = zero;
    }

    synchronized MemorySegment take(long size) {
        Deque<MemorySegment> q = free.get(size);
        MemorySegment m = q == null || q.isEmpty() ? arena.allocate(size, 4096) : q.pop();
        if (zero) {
            m.fill((byte) 0);
        }
        live += size;
        return m;
    }

    synchronized void give(MemorySegment m) {
        free.computeIfAbsent(m.byteSize(), k -> new ArrayDeque<>()).push(m);
        live -= m.byteSize();
    }

    synchronized long liveBytes() {
        return live;
    }
}
