package org.dmabuf4j.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * A static exporter whose buffers all show the same page, so that a million live buffers cost the heap their
 * bookkeeping and nothing else: {@code FootprintBenchmark} measures exactly that, {@code ScalingBenchmark} fills the
 * system with them. The page comes from the system's {@code exporterArena()}, which the framework keeps alive for
 * every view (SAFE-1), so CPU windows are zero-copy views, as for the framework's own heaps. One instance serves
 * every buffer: it keeps no per-buffer state.
 */
final class SharedPageExporter implements Exporter {
    private final List<MemorySegment> page;

    /**
     * An exporter of the given page.
     *
     * @param page one page of memory from the system's exporter arena
     */
    SharedPageExporter(MemorySegment page) {
        this.page = List.of(page);
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        return attachment.device().mapPages(page, direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        return page.getFirst();
    }

    @Override
    public void release() {
        // the page is shared: the arena is closed with the system
    }
}
