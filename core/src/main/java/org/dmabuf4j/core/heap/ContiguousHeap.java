package org.dmabuf4j.core.heap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Rule;

/**
 * The "contiguous" heap (HEAP-7), CMA-like: every buffer is one contiguous region of a fixed-capacity pool, found
 * first-fit; freed regions merge with their free neighbours. Under fragmentation or exhaustion an allocation fails
 * cleanly and allocates nothing. Regions are reused, so each is zeroed before it is handed out (HEAP-1).
 */
public final class ContiguousHeap implements DmaHeap {
    /** The heap's name. */
    public static final String NAME = "contiguous";
    private static final long PHYSICAL_BASE = 0x8000_0000L;

    private final HeapExports exports;
    private final long capacity;
    private final HeapStats stats = new HeapStats(NAME);
    /** Free regions: offset to length, never adjacent (merged). */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private Arena arena;
    private MemorySegment pool;
    private boolean closed;

    /**
     * Creates the heap; the pool is allocated on first use.
     *
     * @param exports the system's export
     * @param capacity the pool's size, a positive multiple of the page size
     */
    public ContiguousHeap(HeapExports exports, long capacity) {
        this.exports = exports;
        this.capacity = capacity;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DmaBuf allocate(long size, long heapFlags) {
        return allocate(size, heapFlags, Optional.empty());
    }

    @Override
    public DmaBuf allocate(BufferLayout layout) {
        BufferLayout l = HeapSizes.layout(NAME, layout);
        return allocate(l.minimumSize(), 0, Optional.of(l));
    }

    private DmaBuf allocate(long size, long flags, Optional<BufferLayout> layout) {
        long bytes = HeapSizes.check(NAME, size, flags, validFlags(), capacity, stats);
        long offset;
        MemorySegment region;
        synchronized (this) {
            if (closed) {
                throw new HeapExhaustedException(Rule.HEAP_7, "heap '" + NAME + "' is closed with its system");
            }
            if (pool == null) {
                Arena a = Arena.ofShared();
                try {
                    pool = a.allocate(capacity, HeapSizes.PAGE);
                } catch (OutOfMemoryError e) {
                    a.close();
                    stats.failed.increment();
                    throw new HeapExhaustedException(Rule.HEAP_7, "heap '" + NAME + "' could not get its pool of "
                            + capacity + " bytes from the OS; nothing was allocated", e);
                }
                arena = a;
                free.put(0L, capacity);
                stats.pooledBytes.set(capacity);
            }
            offset = firstFit(bytes);
            if (offset < 0) {
                stats.failed.increment();
                throw exhausted(bytes);
            }
            region = pool.asSlice(offset, bytes);
            stats.pooledBytes.addAndGet(-bytes);
            stats.liveBytes.addAndGet(bytes);
            stats.liveBuffers.incrementAndGet();
        }
        // the region's previous user's bytes must not reach the next one (HEAP-1)
        region.fill((byte) 0);
        long at = offset;
        List<Chunk> chunks = List.of(new Chunk(0, bytes, PHYSICAL_BASE + offset));
        HeapBufferExporter exporter = new HeapBufferExporter(region, chunks, () -> giveBack(at, bytes));
        DmaBuf handle;
        try {
            handle = exports.export(new ExportInfo(NAME, bytes, exporter, layout), stats).handle();
        } catch (RuntimeException e) {
            giveBack(at, bytes);
            throw e;
        }
        stats.allocations.increment();
        return handle;
    }

    private long firstFit(long bytes) {
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getValue() >= bytes) {
                long off = e.getKey();
                free.remove(off);
                if (e.getValue() > bytes) {
                    free.put(off + bytes, e.getValue() - bytes);
                }
                return off;
            }
        }
        return -1;
    }

    private HeapExhaustedException exhausted(long bytes) {
        long freeBytes = 0;
        long largest = 0;
        for (long len : free.values()) {
            freeBytes += len;
            largest = Math.max(largest, len);
        }
        String why = freeBytes >= bytes
                ? "the pool is fragmented: " + freeBytes + " bytes are free in " + free.size()
                        + " regions, the largest " + largest + " bytes"
                : "only " + freeBytes + " of its " + capacity + " bytes are free";
        return new HeapExhaustedException(Rule.HEAP_7, "heap '" + NAME + "' has no contiguous region of " + bytes
                + " bytes: " + why + "; close buffers, or use the system heap. Nothing was allocated");
    }

    private synchronized void giveBack(long offset, long bytes) {
        long start = offset;
        long len = bytes;
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            start = before.getKey();
            len += before.getValue();
            free.remove(before.getKey());
        }
        Long afterLen = free.get(offset + bytes);
        if (afterLen != null) {
            free.remove(offset + bytes);
            len += afterLen;
        }
        free.put(start, len);
        stats.pooledBytes.addAndGet(bytes);
        stats.liveBytes.addAndGet(-bytes);
        stats.liveBuffers.decrementAndGet();
        if (closed && stats.liveBytes.get() == 0) {
            freePool();
        }
    }

    /** Returns the pool to the OS once no buffer uses it (now, or when the last one is released). */
    public synchronized void closePool() {
        closed = true;
        if (stats.liveBytes.get() == 0) {
            freePool();
        }
    }

    private void freePool() {
        if (arena != null) {
            arena.close();
            arena = null;
            pool = null;
            free.clear();
            stats.pooledBytes.set(0);
        }
    }

    @Override
    public long liveBytes() {
        return stats.liveBytes();
    }

    /**
     * The heap's counters.
     *
     * @return the live counters object
     */
    public HeapStats stats() {
        return stats;
    }

    /**
     * The free regions, for tests and dumps.
     *
     * @return offset to length
     */
    public synchronized Map<Long, Long> freeRegions() {
        return new TreeMap<>(free);
    }

    @Override
    public String toString() {
        return "heap '" + NAME + "' (" + stats.liveBytes() + " of " + capacity + " bytes live)";
    }
}
