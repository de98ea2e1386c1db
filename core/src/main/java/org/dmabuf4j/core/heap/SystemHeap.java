package org.dmabuf4j.core.heap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The "system" heap (HEAP-6): each buffer is linear CPU memory (what the kernel gets through vmap) made of
 * physically scattered chunks of 1 MiB, then 64 KiB, then 4 KiB, never larger than the previous one.
 *
 * <p>Freed memory goes to a pool, by size, and is handed out again last-in first-out, so a new buffer often gets the
 * bytes its predecessor used: it is zeroed again before it is handed out (HEAP-1). The pool is bounded; what does
 * not fit is returned to the OS at once, the rest when the system closes.
 */
public final class SystemHeap implements DmaHeap {
    /** The heap's name. */
    public static final String NAME = "system";
    private static final long[] CHUNK_SIZES = {1L << 20, 64L << 10, 4L << 10};
    private static final long POOL_LIMIT = 256L << 20;

    private final HeapExports exports;
    private final HeapStats stats = new HeapStats(NAME);
    private final HeapSizes sizes;
    private final PhysicalFrames frames = new PhysicalFrames(0x1_0000_0000L);
    private final Map<Long, ArrayDeque<Block>> pool = new HashMap<>();
    private boolean closed;

    /**
     * Creates the heap.
     *
     * @param exports the system's export
     * @param capacity the most bytes live at once
     */
    public SystemHeap(HeapExports exports, long capacity) {
        this.exports = exports;
        this.sizes = new HeapSizes(NAME, capacity, validFlags(), "0", stats);
    }

    private record Block(Arena arena, MemorySegment memory) {
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
        sizes.reserve(bytes, null);
        Block block;
        try {
            block = take(bytes);
        } catch (OutOfMemoryError e) {
            sizes.release(bytes);
            stats.failed.increment();
            throw new HeapExhaustedException(Rule.HEAP_3, "heap '" + NAME + "' could not get " + bytes
                    + " bytes of native memory from the OS; nothing was allocated", e);
        }
        List<Chunk> chunks = plan(bytes);
        HeapBufferExporter exporter = new HeapBufferExporter(block.memory(), chunks,
                () -> free(block, chunks, bytes));
        DmaBuf handle;
        try {
            handle = exports.export(new ExportInfo(NAME, bytes, exporter, layout), stats).handle();
        } catch (RuntimeException e) {
            giveBack(block, chunks, bytes);
            throw e;
        }
        sizes.allocated();
        return handle;
    }

    private Block take(long bytes) {
        Block b = null;
        synchronized (this) {
            ArrayDeque<Block> q = pool.get(bytes);
            if (q != null) {
                b = q.pollFirst();
            }
        }
        if (b != null) {
            stats.pooledBytes.addAndGet(-bytes);
            stats.reused.increment();
            // the previous user's bytes must not reach the next one (HEAP-1)
            b.memory().fill((byte) 0);
            return b;
        }
        Arena arena = Arena.ofShared();
        try {
            return new Block(arena, arena.allocate(bytes, HeapSizes.PAGE));
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private List<Chunk> plan(long bytes) {
        List<Chunk> chunks = new ArrayList<>();
        long offset = 0;
        int order = 0;
        while (offset < bytes) {
            while (CHUNK_SIZES[order] > bytes - offset) {
                order++;
            }
            long len = CHUNK_SIZES[order];
            chunks.add(new Chunk(offset, len, frames.allocate(len)));
            offset += len;
        }
        return chunks;
    }

    private void free(Block block, List<Chunk> chunks, long bytes) {
        giveBack(block, chunks, bytes);
    }

    private void giveBack(Block block, List<Chunk> chunks, long bytes) {
        for (Chunk c : chunks) {
            frames.free(c.physical(), c.length());
        }
        boolean pooled = false;
        synchronized (this) {
            if (!closed && stats.pooledBytes.get() + bytes <= POOL_LIMIT) {
                pool.computeIfAbsent(bytes, k -> new ArrayDeque<>()).addFirst(block);
                stats.pooledBytes.addAndGet(bytes);
                pooled = true;
            }
        }
        if (!pooled) {
            block.arena().close();
        }
        sizes.release(bytes);
    }

    /** Returns the pooled memory to the OS; later frees go straight to the OS. */
    public void closePool() {
        List<Block> blocks = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (ArrayDeque<Block> q : pool.values()) {
                blocks.addAll(q);
            }
            pool.clear();
        }
        for (Block b : blocks) {
            stats.pooledBytes.addAndGet(-b.memory().byteSize());
            b.arena().close();
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

    @Override
    public String toString() {
        return sizes.describe();
    }
}
