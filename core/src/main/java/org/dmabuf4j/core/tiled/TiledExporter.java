package org.dmabuf4j.core.tiled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.heap.FrameworkMemoryExporter;
import org.dmabuf4j.core.move.Staging;

/**
 * The exporter of one tiled image: system memory stored in tiles, mapped to devices as stored (devices see tiles).
 * CPU windows see linear pixels through a staging copy: begin untiles exactly the region's bytes out of the tiles that
 * cover it, the close of a writable window retiles exactly them. The memory never moves (a static exporter).
 */
final class TiledExporter implements FrameworkMemoryExporter {
    private static final long CHUNK = 1L << 20;

    private final TiledHeapImpl heap;
    private final long size;
    private final Arena arena;
    private final MemorySegment memory;
    private final List<MemorySegment> chunks;
    private final Tiler tiler;
    private final Staging staging;

    TiledExporter(TiledHeapImpl heap, long size, BufferLayout layout, Arena arena, MemorySegment memory) {
        this.heap = heap;
        this.size = size;
        this.arena = arena;
        this.memory = memory;
        this.tiler = new Tiler(layout);
        this.staging = new Staging(size, heap::stagingAllocated);
        List<MemorySegment> cs = new ArrayList<>();
        for (long off = 0; off < size; off += CHUNK) {
            cs.add(memory.asSlice(off, Math.min(CHUNK, size - off)));
        }
        this.chunks = List.copyOf(cs);
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        return attachment.device().mapPages(chunks, direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public synchronized MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        BitSet touched = new BitSet();
        long[] bytes = {0};
        MemorySegment view = staging.begin(spans, (st, off, len) -> {
            tiler.copy(memory, st, off, len, true, touched);
            bytes[0] += len;
        });
        heap.untiled(touched.cardinality(), bytes[0]);
        return view;
    }

    @Override
    public synchronized void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        if (!access.writes()) {
            staging.end(spans, null);
            return;
        }
        BitSet touched = new BitSet();
        long[] bytes = {0};
        staging.end(spans, (st, off, len) -> {
            tiler.copy(memory, st, off, len, false, touched);
            bytes[0] += len;
        });
        heap.retiled(touched.cardinality(), bytes[0]);
    }

    @Override
    public synchronized void release() {
        staging.free();
        arena.close();
        heap.freed(size);
    }

    @Override
    public String toString() {
        return tiler.tileCount() + " tiles, " + chunks.size() + " chunk(s)";
    }
}
