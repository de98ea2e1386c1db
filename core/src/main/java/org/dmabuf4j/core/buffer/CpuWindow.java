package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.debug.CpuAccessEvent;
import org.dmabuf4j.core.device.CpuCache;
import org.dmabuf4j.core.device.Ownership;

/**
 * A CPU window (begin_cpu_access to end_cpu_access): one segment per span of the region, each a view scoped to the
 * window's own arena, so that it dies with the window (CPU-3, CPU-4). THREAD windows use a confined arena (cheap);
 * SHARED ones a shared arena. READ windows hand out read-only segments (CPU-6).
 *
 * <p>On a coherent buffer the segments are views of the exporter's memory (zero copy, CPU-10); on a buffer with a
 * simulated CPU cache they are views of the cache lines, invalidated at begin for reading and cleaned at close for
 * writing, exactly over the spans (CPU-9).
 */
final class CpuWindow implements CpuAccess {
    private static final VarHandle OPEN;

    static {
        try {
            OPEN = MethodHandles.lookup().findVarHandle(CpuWindow.class, "open", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final HandleImpl handle;
    private final BufferCore core;
    private final Access access;
    private final Region region;
    private final List<Span> spans;
    private final Confinement confinement;
    private final Thread owner;
    private final Arena arena;
    private final MemorySegment memory;
    private final CpuCache cache;
    private final Ownership.Claim claim;
    private final MemorySegment single;
    private final MemorySegment[] rows;
    private final long byteSize;
    private final CpuAccessEvent event;
    private volatile boolean open = true;

    private CpuWindow(HandleImpl handle, Access access, Region region, List<Span> spans, Confinement confinement,
            Arena arena, MemorySegment memory, CpuCache cache, Ownership.Claim claim, long byteSize,
            CpuAccessEvent event) {
        this.handle = handle;
        this.core = handle.core;
        this.access = access;
        this.region = region;
        this.spans = spans;
        this.confinement = confinement;
        this.owner = Thread.currentThread();
        this.arena = arena;
        this.memory = memory;
        this.cache = cache;
        this.claim = claim;
        this.byteSize = byteSize;
        this.event = event;
        MemorySegment base = cache != null ? cache.lines() : memory;
        if (spans.size() == 1) {
            single = view(base, spans.getFirst(), arena, access);
            rows = null;
        } else {
            single = null;
            rows = new MemorySegment[spans.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = view(base, spans.get(i), arena, access);
            }
        }
    }

    // the views are scoped to an arena the framework closes: that is what makes them temporally safe
    @SuppressWarnings("restricted")
    private static MemorySegment view(MemorySegment base, Span s, Arena arena, Access access) {
        MemorySegment v = base.asSlice(s.offset(), s.length()).reinterpret(arena, null);
        return access == Access.READ ? v.asReadOnly() : v;
    }

    static CpuWindow begin(HandleImpl handle, Access access, Region region, Confinement confinement) {
        BufferCore core = handle.core;
        if (access == null || region == null || confinement == null) {
            throw new RuleViolationException(access == null ? Rule.CPU_2 : region == null ? Rule.CPU_7 : Rule.CPU_5,
                    "beginCpuAccess on " + core.describe() + " with a null "
                    + (access == null ? "access" : region == null ? "region" : "confinement"));
        }
        if (core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(Rule.CPU_8, "beginCpuAccess on " + core.describe() + " while the calling"
                    + " thread holds its reservation lock: begin waits for fences and may call the exporter, which"
                    + " may lock; unlock first");
        }
        core.checkNotRevoked("beginCpuAccess");
        List<Span> spans = region == Region.WHOLE ? core.wholeSpans : region.spans(core.size, core.layout);
        long bytes = spans.size() == 1 ? spans.getFirst().length() : total(spans);
        FenceUsage usage = access.waitUsage();
        if (!core.reservation.isSignaled(usage)) {
            awaitFences(core, usage, access);
        }
        core.acquire();
        Ownership.Claim claim = null;
        Arena arena = null;
        boolean ok = false;
        try {
            claim = core.ownership.claimCpu(spans, access.writes(), Thread.currentThread());
            MemorySegment memory = core.exporter.beginCpuAccess(access, spans);
            if (memory == null || memory.byteSize() < core.size) {
                throw new RuleViolationException(Rule.CPU_12, "exporter " + core.exporterName + " returned "
                        + (memory == null ? "null" : memory.byteSize() + " bytes") + " from beginCpuAccess of "
                        + core.describe() + "; it must return the buffer's " + core.size + " bytes");
            }
            CpuAccessEvent event = new CpuAccessEvent();
            if (event.isEnabled()) {
                event.begin();
            } else {
                event = null;
            }
            CpuCache cache = core.cache;
            long synced = 0;
            if (cache != null && access.reads()) {
                synced = cache.invalidate(memory, spans);
                core.countSync(synced);
            }
            arena = confinement == Confinement.THREAD ? Arena.ofConfined() : Arena.ofShared();
            CpuWindow w = new CpuWindow(handle, access, region, spans, confinement, arena, memory, cache, claim,
                    bytes, event);
            if (event != null) {
                event.bytesSynced = synced;
            }
            if (cache != null && access.writes()) {
                core.addDirty(w);
            }
            core.windows.incrementAndGet();
            core.system.cpuAccessed();
            ok = true;
            return w;
        } finally {
            if (!ok) {
                if (arena != null) {
                    arena.close();
                }
                core.ownership.release(claim);
                core.drop();
            }
        }
    }

    private static long total(List<Span> spans) {
        long n = 0;
        for (int i = 0, size = spans.size(); i < size; i++) {
            n += spans.get(i).length();
        }
        return n;
    }

    private static void awaitFences(BufferCore core, FenceUsage usage, Access access) {
        try {
            while (!core.reservation.await(usage, Duration.ofDays(1))) {
                Thread.onSpinWait();
            }
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.CPU_2, "beginCpuAccess(" + access + ") on " + core.describe()
                    + " was interrupted while waiting for its " + usage.kernelName() + " fences; no window was"
                    + " opened", e);
        }
    }

    @Override
    public DmaBuf buffer() {
        return handle;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public Region region() {
        return region;
    }

    @Override
    public List<Span> spans() {
        return spans;
    }

    private void checkUsable(String what) {
        if (!open) {
            throw new ClosedException(Rule.CPU_4, what + " of a closed CPU window on " + core.describe()
                    + ": its segments are closed; begin a new access");
        }
        if (confinement == Confinement.THREAD && Thread.currentThread() != owner) {
            throw new RuleViolationException(Rule.CPU_5, what + " of a THREAD window on " + core.describe()
                    + " from thread '" + Thread.currentThread().getName() + "'; it belongs to thread '"
                    + owner.getName() + "': open it SHARED to use it from several threads");
        }
    }

    @Override
    public MemorySegment segment() {
        checkUsable("segment()");
        if (single == null) {
            throw new RuleViolationException(Rule.CPU_3, "segment() of a 2-D window " + region + " on "
                    + core.describe() + ": it has one segment per row; use row(i) or segments()");
        }
        return single;
    }

    @Override
    public int rowCount() {
        return spans.size();
    }

    @Override
    public MemorySegment row(int i) {
        checkUsable("row(" + i + ")");
        if (i < 0 || i >= spans.size()) {
            throw new RuleViolationException(Rule.CPU_3, "row(" + i + ") of a window with " + spans.size()
                    + " row(s) on " + core.describe());
        }
        return single != null ? single : rows[i];
    }

    @Override
    public List<MemorySegment> segments() {
        checkUsable("segments()");
        return single != null ? List.of(single) : Arrays.asList(rows.clone());
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    @Override
    public Confinement confinement() {
        return confinement;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        if (confinement == Confinement.THREAD && Thread.currentThread() != owner) {
            throw new RuleViolationException(Rule.CPU_5, "close of a THREAD window on " + core.describe()
                    + " from thread '" + Thread.currentThread().getName() + "'; only its opening thread '"
                    + owner.getName() + "' may close it. The window stays open");
        }
        if (core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(Rule.CPU_8, "close of a CPU window on " + core.describe() + " while"
                    + " holding its reservation lock; unlock first. The window stays open");
        }
        if (!OPEN.compareAndSet(this, true, false)) {
            return;
        }
        long synced = 0;
        try {
            if (cache != null && access.writes()) {
                core.removeDirty(this);
                synced = cache.clean(memory, spans);
                core.countSync(synced);
            }
            core.exporter.endCpuAccess(access, spans, memory);
        } finally {
            arena.close();
            core.ownership.release(claim);
            core.windows.decrementAndGet();
            if (event != null) {
                event.bufferId = core.id;
                event.access = access.name();
                event.region = region.toString();
                event.regionBytes = byteSize;
                event.bytesSynced += synced;
                event.commit();
            }
            core.drop();
        }
    }

    @Override
    public String toString() {
        return access + " window on " + region + " of " + core.describe() + (open ? "" : " (closed)");
    }
}
