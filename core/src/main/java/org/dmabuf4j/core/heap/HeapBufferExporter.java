package org.dmabuf4j.core.heap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * The exporter of one heap buffer: linear CPU memory made of physically scattered (system heap) or contiguous
 * (contiguous heap) chunks. Each map maps the chunks into the attaching device's IOMMU (a new mapping per call,
 * MAP-5); release returns the memory to its heap (HEAP-5).
 */
final class HeapBufferExporter implements LinearMemoryExporter, FrameworkMemoryExporter {
    /** Chunks listed in dumps before the list is abbreviated. */
    private static final int SHOWN = 4;
    private final MemorySegment memory;
    private final List<Chunk> chunks;
    private final List<MemorySegment> chunkViews;
    private final Runnable free;

    HeapBufferExporter(MemorySegment memory, List<Chunk> chunks, Runnable free) {
        this.memory = memory;
        this.chunks = List.copyOf(chunks);
        List<MemorySegment> views = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            views.add(memory.asSlice(c.offset(), c.length()));
        }
        this.chunkViews = List.copyOf(views);
        this.free = free;
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        return attachment.device().mapPages(chunkViews, direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public void release() {
        free.run();
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        return memory;
    }

    @Override
    public MemorySegment vmap() {
        return memory;
    }

    @Override
    public MemorySegment cpuMemory() {
        return memory;
    }

    @Override
    public String toString() {
        java.util.Map<Long, Integer> sizes = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (Chunk c : chunks) {
            sizes.merge(c.length(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(chunks.size() + " chunk(s) (");
        sizes.forEach((len, n) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(n).append(" x ")
                .append(len / 1024).append(" KiB"));
        sb.append("):");
        for (int i = 0; i < chunks.size(); i++) {
            if (i == SHOWN && chunks.size() > SHOWN + 1) {
                sb.append(" ... ").append(chunks.size() - SHOWN - 1).append(" more ...");
                i = chunks.size() - 1;
            }
            Chunk c = chunks.get(i);
            sb.append(" [").append(c.offset()).append("+").append(c.length()).append(" @phys 0x")
                    .append(Long.toHexString(c.physical())).append(']');
        }
        return sb.toString();
    }

}
