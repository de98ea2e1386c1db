package org.dmabuf4j.core;

import java.lang.foreign.Arena;
import java.util.function.Supplier;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * A static exporter for tests: linear memory of its own, every callback recorded in {@link #calls}, and knobs to
 * refuse attachments, lack CPU access or return broken entries.
 */
class TestExporter implements Exporter {
    final long size;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Arena> arenas = new ArrayList<>();
    volatile MemorySegment memory;
    volatile boolean refuseAttach;
    volatile boolean cpuAccess = true;
    volatile UnaryOperator<List<SgEntry>> mangle = UnaryOperator.identity();
    private final Map<List<SgEntry>, List<SgEntry>> realEntries = Collections.synchronizedMap(new IdentityHashMap<>());
    volatile int releases;

    private final Supplier<Arena> arenaSource;

    /** An exporter whose memory comes from arenas of its own: the framework keeps their scope (SAFE-1). */
    TestExporter(long size) {
        this(size, Arena::ofShared);
    }

    /** An exporter whose memory comes from the system's exporter arenas: zero-copy, re-scoped views (SAFE-1). */
    TestExporter(long size, DmaBufSystem system) {
        this(size, system::exporterArena);
    }

    private TestExporter(long size, Supplier<Arena> arenaSource) {
        this.size = size;
        this.arenaSource = arenaSource;
        this.memory = allocate();
    }

    final MemorySegment allocate() {
        Arena a = arenaSource.get();
        synchronized (arenas) {
            arenas.add(a);
        }
        return a.allocate(size, 4096);
    }

    @Override
    public void attach(Attachment attachment) {
        calls.add("attach " + attachment.device().name());
        if (refuseAttach) {
            throw new AttachRefusedException(Rule.ATT_1, "test exporter refuses device '"
                    + attachment.device().name() + "'");
        }
    }

    @Override
    public void detach(Attachment attachment) {
        calls.add("detach " + attachment.device().name());
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        calls.add("map " + attachment.device().name() + " " + direction);
        List<SgEntry> real = attachment.device().mapPages(List.of(memory), direction);
        List<SgEntry> out = mangle.apply(real);
        realEntries.put(out, real);
        return out;
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        calls.add("unmap " + attachment.device().name() + " " + direction);
        List<SgEntry> real = realEntries.remove(entries);
        attachment.device().unmap(real != null ? real : entries);
    }

    @Override
    public void release() {
        calls.add("release");
        releases++;
        synchronized (arenas) {
            for (Arena a : arenas) {
                a.close();
            }
            arenas.clear();
        }
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        if (!cpuAccess) {
            return Exporter.super.beginCpuAccess(access, spans);
        }
        calls.add("begin " + access);
        return memory;
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        calls.add("end " + access);
    }

    @Override
    public MemorySegment vmap() {
        calls.add("vmap");
        return memory;
    }

    @Override
    public void vunmap(MemorySegment m) {
        calls.add("vunmap");
    }

    List<String> callsStartingWith(String prefix) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(prefix)).toList();
        }
    }
}
