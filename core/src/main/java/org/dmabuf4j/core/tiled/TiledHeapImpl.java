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
import org.dmabuf4j.core.heap.HeapSizes;
import org.dmabuf4j.core.heap.HeapStats;
import org.dmabuf4j.core.move.AccountedHeap;

/** The heap "tiled": one buffer of zeroed system memory per tiled image (see {@link TiledHeap}). */
public final class TiledHeapImpl implements TiledHeap, AccountedHeap {
    /** The heap's name. */
    public static final String NAME = "tiled";
    private static final long PAGE = DmaConstraints.PAGE_SIZE;

    private final HeapExports exports;
    private final HeapStats stats = new HeapStats(NAME);
    private final HeapSizes sizes;
    private final AtomicLong stagingBytes = new AtomicLong();
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
        this.sizes = new HeapSizes(NAME, capacity, validFlags(), "0", stats);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DmaBuf allocate(long size, long heapFlags) {
        sizes.check(size, heapFlags);
        throw new RuleViolationException(Rule.CPU_7, "allocation of " + size + " bytes from heap '" + NAME + "': it"
                + " allocates tiled images only; call allocate(BufferLayout.tiled(width, height, bytesPerPixel,"
                + " new Tiling.Tiled(128, 32)))");
    }

    @Override
    public DmaBuf allocate(BufferLayout layout) {
        sizes.layout(layout);
        if (!layout.isTiled()) {
            throw new RuleViolationException(Rule.CPU_7, "allocation from heap '" + NAME + "' with the linear layout "
                    + layout + ": it allocates tiled images only; use BufferLayout.tiled(..., new Tiling.Tiled(128,"
                    + " 32)), or a linear heap such as 'system'");
        }
        long bytes = HeapSizes.pageRound(layout.minimumSize());
        sizes.reserve(bytes, layout);
        Arena arena = Arena.ofShared();
        MemorySegment memory;
        try {
            // fresh native memory is zeroed (HEAP-1)
            memory = arena.allocate(bytes, PAGE);
        } catch (RuntimeException | Error e) {
            arena.close();
            sizes.release(bytes);
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
            sizes.release(bytes);
            throw e;
        }
        sizes.allocated();
        return handle;
    }

    void freed(long bytes) {
        sizes.release(bytes);
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
        return sizes.describe();
    }
}
