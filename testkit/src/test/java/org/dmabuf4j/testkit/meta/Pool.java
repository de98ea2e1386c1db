package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.dmabuf4j.api.DmaBufSystem;

/**
 * Reused memory for heap-like test exporters: freed blocks go back to the pool, not to the system. The blocks are
 * the pool's own memory ({@link Arena#ofAuto()}): a pool keeps what it frees, so its memory must not come from an
 * exporter arena, which the system counts as live until it is closed. Blocks are kept per system, so that a system's
 * buffers never share memory with another's.
 */
final class Pool {
    private final Map<DmaBufSystem, Map<Long, Deque<MemorySegment>>> free = new IdentityHashMap<>();
    private final Map<MemorySegment, DmaBufSystem> owners = new IdentityHashMap<>();
    private final boolean zero;
    private long live;

    Pool(boolean zero) {
        this.zero = zero;
    }

    synchronized MemorySegment take(DmaBufSystem system, long size) {
        Deque<MemorySegment> q = free.computeIfAbsent(system, k -> new HashMap<>()).get(size);
        MemorySegment m;
        if (q == null || q.isEmpty()) {
            m = Arena.ofAuto().allocate(size, 4096);
            owners.put(m, system);
        } else {
            m = q.pop();
        }
        if (zero) {
            m.fill((byte) 0);
        }
        live += size;
        return m;
    }

    synchronized void give(MemorySegment m) {
        free.computeIfAbsent(owners.get(m), k -> new HashMap<>())
                .computeIfAbsent(m.byteSize(), k -> new ArrayDeque<>()).push(m);
        live -= m.byteSize();
    }

    synchronized long liveBytes() {
        return live;
    }
}
