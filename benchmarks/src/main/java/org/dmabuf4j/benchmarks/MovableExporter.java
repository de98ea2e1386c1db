package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;

/**
 * A dynamic exporter of one page, for the move-notify benchmark: it maps its page into the importer's device, pins
 * nothing (pin and unpin are accepted and need no work) and never really moves: the benchmark calls
 * {@code invalidateMappings} as a move would, which is the fan-out being measured.
 */
final class MovableExporter implements Exporter {
    private final Arena arena = Arena.ofShared();
    private final List<MemorySegment> page = List.of(arena.allocate(HeapChunks.PAGE, HeapChunks.PAGE));

    @Override
    public boolean isDynamic() {
        return true;
    }

    @Override
    public void pin(Attachment attachment) {
        // a page that never moves needs no pinning work
    }

    @Override
    public void unpin(Attachment attachment) {
        // nothing was pinned
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
    public void release() {
        arena.close();
    }
}
