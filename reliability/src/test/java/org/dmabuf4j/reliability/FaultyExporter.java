package org.dmabuf4j.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * A third-party-style exporter over linear memory of its own (a shared arena), correct in everything but the fault its
 * {@link Injector} injects. Setup callbacks (isDynamic, attach, pin, map, beginCpuAccess, vmap) fault before doing
 * anything; teardown callbacks (detach, unpin, unmap, endCpuAccess, vunmap, release) fault after doing their work.
 * So the exporter itself never leaks, and whatever a case leaves behind is the framework's doing.
 *
 * Teardown is idempotent per attachment and entry list, so that a retry after a teardown callback that did its work
 * and then threw is harmless, as it is for a careful real exporter.
 *
 * <p>It keeps its own books: the entry lists it handed out and not got back ({@link #liveMappings()}), its pins and
 * its releases, which the consistency check compares with what the framework must have done.
 */
final class FaultyExporter implements Exporter {
    private final Injector inj;
    private final boolean dynamic;
    private final long size;
    private final List<Arena> arenas = new ArrayList<>();
    private final Map<List<SgEntry>, Boolean> live = Collections.synchronizedMap(new IdentityHashMap<>());
    private volatile MemorySegment memory;
    final AtomicInteger releases = new AtomicInteger();
    private final Map<Attachment, Integer> pinned = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<Attachment, Boolean> attached = Collections.synchronizedMap(new IdentityHashMap<>());

    FaultyExporter(Injector inj, boolean dynamic, long size) {
        this.inj = inj;
        this.dynamic = dynamic;
        this.size = size;
        this.memory = allocate();
    }

    private MemorySegment allocate() {
        Arena a = Arena.ofShared();
        synchronized (arenas) {
            arenas.add(a);
        }
        return a.allocate(size, 4096);
    }

    /** Entry lists mapped and not yet unmapped. */
    int liveMappings() {
        return live.size();
    }

    /** Pins not yet undone, over all attachments. */
    int pins() {
        synchronized (pinned) {
            return pinned.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Attachments attached and not yet detached. */
    int attachments() {
        return attached.size();
    }

    /** Whether every arena of the exporter is closed (true after release). */
    boolean freed() {
        synchronized (arenas) {
            return arenas.isEmpty();
        }
    }

    @Override
    public boolean isDynamic() {
        inj.at(FaultPoint.IS_DYNAMIC);
        return dynamic;
    }

    @Override
    public void attach(Attachment attachment) {
        inj.at(FaultPoint.ATTACH);
        attached.put(attachment, Boolean.TRUE);
    }

    @Override
    public void detach(Attachment attachment) {
        attached.remove(attachment);
        inj.at(FaultPoint.DETACH);
    }

    @Override
    public void pin(Attachment attachment) {
        if (!dynamic) {
            Exporter.super.pin(attachment);
        }
        inj.at(FaultPoint.PIN);
        pinned.merge(attachment, 1, Integer::sum);
    }

    @Override
    public void unpin(Attachment attachment) {
        pinned.computeIfPresent(attachment, (a, n) -> n == 1 ? null : n - 1);
        inj.at(FaultPoint.UNPIN);
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        inj.at(FaultPoint.MAP);
        attachment.peerToPeer(); // asked as a peer-to-peer-aware exporter does; system memory needs no answer
        List<SgEntry> entries = attachment.device().mapPages(List.of(memory), direction);
        live.put(entries, Boolean.TRUE);
        return entries;
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        if (live.remove(entries) != null) {
            attachment.device().unmap(entries);
        }
        inj.at(FaultPoint.UNMAP);
    }

    @Override
    public void release() {
        releases.incrementAndGet();
        synchronized (arenas) {
            for (Arena a : arenas) {
                a.close();
            }
            arenas.clear();
        }
        inj.at(FaultPoint.RELEASE);
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        inj.at(FaultPoint.BEGIN_CPU);
        return memory;
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        inj.at(FaultPoint.END_CPU);
    }

    @Override
    public MemorySegment vmap() {
        inj.at(FaultPoint.VMAP);
        return memory;
    }

    @Override
    public void vunmap(MemorySegment m) {
        inj.at(FaultPoint.VUNMAP);
    }

    /**
     * Moves the memory as a dynamic exporter does under pressure (MOVE-1, MOVE-3): invalidates every mapping, then
     * copies the bytes to fresh memory. The caller holds the reservation lock.
     *
     * @param exported the exporter's capability over the buffer
     */
    void move(ExportedBuffer exported) {
        exported.invalidateMappings();
        MemorySegment fresh = allocate();
        fresh.copyFrom(memory);
        memory = fresh;
    }
}
