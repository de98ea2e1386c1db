package org.dmabuf4j.core.tiled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.TiledHeap;
import org.dmabuf4j.core.TilingCounters;
import org.dmabuf4j.core.heap.HeapExports;
import org.dmabuf4j.core.heap.HeapStats;
import org.dmabuf4j.core.move.AccountedHeap;

/** The heap "tiled": one buffer of zeroed system memory per tiled image (see {@link TiledHeap}). */
public final class TiledHeapImpl implements TiledHeap, AccountedHeap {
    /** The heap's name. */
    public static final String NAME = "tiled";
    private static final long PAGE = DmaConstraints.PAGE_SIZE;

    private final HeapExports exports;
    private final long capacity;
    private final HeapStats stats = new HeapStats(NAME);
    private final AtomicLong stagingBytes = new AtomicLong();
    private long reserved;
    private final LongAdder untiles = new LongAdder();
    private final LongAdder tilesUntiled = new LongAdder();
    private final LongAdder bytesUntiled = new LongAdder();
    private final LongAdder retiles = new LongAdder();
    private final LongAdder tilesRetiled = new LongAdder();
    private final LongAdder bytesRetiled = new LongAdder();

    /**
     * Creates the heap.
     *
     * @param exports the system's export
     * @param capacity the most bytes live at once
     */
    public TiledHeapImpl(HeapExports exports, long capacity) {
        this.exports = exports;
        this.capacity = capacity;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DmaBuf allocate(long size, long heapFlags) {
        if (size <= 0) {
            throw new RuleViolationException(Rule.HEAP_3, "allocation of " + size + " bytes from heap '" + NAME
                    + "': the size must be positive");
        }
        if (heapFlags != 0) {
            throw new RuleViolationException(Rule.HEAP_4, "allocation from heap '" + NAME + "' with unknown heap flags"
                    + " 0x" + Long.toHexString(heapFlags) + "; pass 0");
        }
        if (size > capacity) {
            stats.failedAllocation();
            throw new HeapExhaustedException(Rule.HEAP_3, "allocation of " + size + " bytes from heap '" + NAME
                    + "' exceeds its capacity of " + capacity + " bytes; nothing was allocated");
        }
        throw new RuleViolationException(Rule.CPU_7, "allocation of " + size + " bytes from heap '" + NAME + "': it"
                + " allocates tiled images only; call allocate(BufferLayout.tiled(width, height, bytesPerPixel,"
                + " new Tiling.Tiled(128, 32)))");
    }

    @Override
    public DmaBuf allocate(BufferLayout layout) {
        if (layout == null) {
            throw new RuleViolationException(Rule.HEAP_3, "allocation from heap '" + NAME + "' with a null layout");
        }
        if (!layout.isTiled()) {
            throw new RuleViolationException(Rule.CPU_7, "allocation from heap '" + NAME + "' with the linear layout "
                    + layout + ": it allocates tiled images only; use BufferLayout.tiled(..., new Tiling.Tiled(128,"
                    + " 32)), or a linear heap such as 'system'");
        }
        long bytes = (layout.minimumSize() + PAGE - 1) & -PAGE;
        reserve(bytes, layout);
        Arena arena = Arena.ofShared();
        MemorySegment memory;
        try {
            // fresh native memory is zeroed (HEAP-1)
            memory = arena.allocate(bytes, PAGE);
        } catch (RuntimeException | Error e) {
            arena.close();
            unreserve(bytes);
            stats.failedAllocation();
            throw new HeapExhaustedException(Rule.HEAP_3, "heap '" + NAME + "' could not get " + bytes
                    + " bytes of native memory; nothing was allocated", e);
        }
        TiledExporter exporter = new TiledExporter(this, bytes, layout, arena, memory);
        DmaBuf handle;
        try {
            handle = exports.export(new ExportInfo(NAME, bytes, exporter, Optional.of(layout)), stats).handle();
        } catch (RuntimeException e) {
            arena.close();
            unreserve(bytes);
            throw e;
        }
        stats.allocated(bytes);
        return handle;
    }

    private synchronized void reserve(long bytes, BufferLayout layout) {
        if (reserved + bytes > capacity) {
            stats.failedAllocation();
            throw new HeapExhaustedException(Rule.HEAP_3, "heap '" + NAME + "' cannot allocate " + bytes + " bytes for "
                    + layout + ": " + reserved + " of its " + capacity + " bytes are in use; nothing was allocated");
        }
        reserved += bytes;
    }

    private synchronized void unreserve(long bytes) {
        reserved -= bytes;
    }

    void freed(long bytes) {
        unreserve(bytes);
        stats.freed(bytes);
    }

    void stagingAllocated(long bytes) {
        stagingBytes.addAndGet(bytes);
    }

    void untiled(int tiles, long bytes) {
        untiles.increment();
        tilesUntiled.add(tiles);
        bytesUntiled.add(bytes);
        stats.countSync(bytes);
    }

    void retiled(int tiles, long bytes) {
        retiles.increment();
        tilesRetiled.add(tiles);
        bytesRetiled.add(bytes);
        stats.countSync(bytes);
    }

    @Override
    public TilingCounters tilingCounters() {
        return new TilingCounters(untiles.sum(), tilesUntiled.sum(), bytesUntiled.sum(), retiles.sum(),
                tilesRetiled.sum(), bytesRetiled.sum());
    }

    @Override
    public long liveBytes() {
        return stats.liveBytes();
    }

    @Override
    public long nativeBytes() {
        return stats.liveBytes() + stagingBytes.get();
    }

    @Override
    public HeapStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "heap '" + NAME + "' (" + stats.liveBytes() + " of " + capacity + " bytes live)";
    }
}
