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
 * Reused memory for heap-like test exporters: freed blocks go back to the pool, not to the system. The memory of each
 * system comes from one of its exporter arenas (SAFE-1), which the system frees when it closes.
 */
final class Pool {
    private final Map<DmaBufSystem, Map<Long, Deque<MemorySegment>>> free = new IdentityHashMap<>();
    private final Map<DmaBufSystem, Arena> arenas = new IdentityHashMap<>();
    private final Map<MemorySegment.Scope, DmaBufSystem> owners = new HashMap<>();
    private final boolean zero;
    private long live;

    Pool(boolean zero) {
        this.zero = zero;
    }

    synchronized MemorySegment take(DmaBufSystem system, long size) {
        Deque<MemorySegment> q = free.computeIfAbsent(system, k -> new HashMap<>()).get(size);
        MemorySegment m;
        if (q == null || q.isEmpty()) {
            Arena arena = arenas.computeIfAbsent(system, DmaBufSystem::exporterArena);
            owners.put(arena.scope(), system);
            m = arena.allocate(size, 4096);
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
        free.computeIfAbsent(owners.get(m.scope()), k -> new HashMap<>())
                .computeIfAbsent(m.byteSize(), k -> new ArrayDeque<>()).push(m);
        live -= m.byteSize();
    }

    synchronized long liveBytes() {
        return live;
    }
}
