package org.dmabuf4j.core.heap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final HeapSizes sizes;
    private final FreeRegions free = new FreeRegions();
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
        this.sizes = new HeapSizes(NAME, capacity, validFlags(), "0", stats);
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
        BufferLayout l = sizes.linearLayout(layout);
        return allocate(l.minimumSize(), 0, Optional.of(l));
    }

    private DmaBuf allocate(long size, long flags, Optional<BufferLayout> layout) {
        long bytes = sizes.check(size, flags);
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
                free.reset(capacity);
                stats.pooledBytes.set(capacity);
            }
            offset = free.take(bytes);
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

    private HeapExhaustedException exhausted(long bytes) {
        long freeBytes = free.freeBytes();
        String why = freeBytes >= bytes
                ? "the pool is fragmented: " + freeBytes + " bytes are free in " + free.count()
                        + " regions, the largest " + free.largest() + " bytes"
                : "only " + freeBytes + " of its " + capacity + " bytes are free";
        return new HeapExhaustedException(Rule.HEAP_7, "heap '" + NAME + "' has no contiguous region of " + bytes
                + " bytes: " + why + "; close buffers, or use the system heap. Nothing was allocated");
    }

    private synchronized void giveBack(long offset, long bytes) {
        free.give(offset, bytes);
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
        return free.snapshot();
    }

    @Override
    public String toString() {
        return sizes.describe();
    }
}
