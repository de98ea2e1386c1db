package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
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
import org.dmabuf4j.core.debug.Leaks;
import org.dmabuf4j.core.device.CpuCache;

/**
 * A CPU window (begin_cpu_access to end_cpu_access): one segment per span of the region, each a view scoped to the
 * window's own arena, so that it dies with the window (CPU-3, CPU-4). THREAD windows use a confined arena (cheap);
 * SHARED ones a shared arena. READ windows hand out read-only segments (CPU-6).
 *
 * <p>On a coherent buffer the segments are views of the exporter's memory (zero copy, CPU-10); on a buffer with a
 * simulated CPU cache they are views of the cache lines, invalidated at begin for reading and cleaned at close for
 * writing, exactly over the spans (CPU-9).
 *
 * <p>The hot path (a confined coherent window) costs: the reservation's holder and fence checks (plain and volatile
 * reads), one CAS to register the window in its ownership slot (which also holds the buffer: no count CAS, see
 * {@link BufferCore}), the arena, one slice, and the same undone at close. Nothing else is allocated or locked. With
 * leak detection on (SAFE-6), a {@link WindowLeak} is the claim in the slot instead, with the creation site, and the
 * cleaner watches the scope of the window's segments; the window path tests one final field for it.
 *
 * <p>A region's spans are planned once per buffer ({@link SpanPlan}), not per window. Cache maintenance copies the
 * plan's runs (adjacent rows in one copy). A window of several rows makes one view covering them all at open and
 * slices a row out of it when {@link #row(int)} first asks for it:
 * <pre>
 *   covering view  [row 0 ....... row 1 ....... row 2 ...]   one reinterpret, scoped to the window's arena
 *   row(1)                  [row 1]                          a slice of it, made once, on demand
 * </pre>
 */
final class CpuWindow extends WindowClaim implements CpuAccess {
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
    private final Confinement confinement;
    /** With leak detection: the claim registered instead of the window, and the cleaner's action (SAFE-6). */
    private final WindowLeak leak;
    private Cleaner.Cleanable cleanable;
    private int slot;
    private Arena arena;
    private MemorySegment memory;
    /** How the views see the exporter's memory (SAFE-1); COPIED windows write back at close. */
    private ViewScope scope;
    private MemorySegment single;
    /** One view over every row of a several-row window whose views are re-scoped; rows are sliced from it. */
    private MemorySegment covering;
    /** The copies of the rows of a several-row window on foreign memory (SAFE-1), made at open. */
    private MemorySegment[] rows;
    private CpuAccessEvent event;
    @SuppressWarnings("unused") // accessed through OPEN
    private boolean open;

    private CpuWindow(HandleImpl handle, Access access, SpanPlan plan, Confinement confinement) {
        super(access, plan, Thread.currentThread());
        this.handle = handle;
        this.core = handle.core;
        this.confinement = confinement;
        this.leak = core.system.leakDetection() ? new WindowLeak(core, access, plan, owner) : null;
        if (leak != null) {
            leak.window(this);
        }
    }

    /** What the ownership tracker holds for this window. */
    private WindowClaim claim() {
        return leak != null ? leak : this;
    }

    private void setCache(CpuCache c) {
        cache = c;
        if (leak != null) {
            leak.cache = c;
        }
    }

    @Override
    String describeOpen() {
        return "a " + access + " CPU window on " + plan.region() + " of thread '" + claimThread().getName()
                + "', opened at " + Leaks.where(null);
    }

    // the views are scoped to an arena the framework closes: that is what makes them temporally safe; only for
    // memory that outlives the arena (SAFE-1, ViewScope)
    @SuppressWarnings("restricted")
    private static MemorySegment view(MemorySegment base, Span s, Arena arena, Access access) {
        MemorySegment v = base.asSlice(s.offset(), s.length()).reinterpret(arena, null);
        return access == Access.READ ? v.asReadOnly() : v;
    }

    /**
     * The views of memory the exporter owns itself (SAFE-1): copies of the spans in the window's arena, loaded now
     * through the exporter's segment, whose scope the JDK checks; closing writes them back the same way. WRITE
     * windows load too, so that bytes they do not write reach memory unchanged.
     */
    @SuppressWarnings("restricted") // the leak's copy memory, viewed through the window's arena (CPU-4)
    private MemorySegment[] copies(MemorySegment mem, Arena arena) {
        MemorySegment all = leak != null ? leak.copyMemory(plan.bytes()).reinterpret(arena, null)
                : arena.allocate(plan.bytes(), 64);
        MemorySegment[] out = new MemorySegment[plan.spans().size()];
        long at = 0;
        try {
            for (int i = 0; i < out.length; i++) {
                Span s = plan.spans().get(i);
                MemorySegment.copy(mem, s.offset(), all, at, s.length());
                MemorySegment v = all.asSlice(at, s.length());
                out[i] = access == Access.READ ? v.asReadOnly() : v;
                at += s.length();
            }
        } catch (IllegalStateException e) {
            throw core.freed("beginCpuAccess(" + access + ")", e);
        }
        return out;
    }

    /** Close of a copied window: its bytes go back through the exporter's segment (SAFE-1). */
    private void writeBack() {
        try {
            for (int i = 0, n = plan.spans().size(); i < n; i++) {
                Span s = plan.spans().get(i);
                MemorySegment.copy(single != null ? single : rows[i], 0, memory, s.offset(), s.length());
            }
        } catch (IllegalStateException e) {
            throw core.freed("the write-back at close of a " + access + " window on " + plan.region()
                    + " (its writes are lost)", e);
        }
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
        SpanPlan plan = core.plan(region);
        List<Span> spans = plan.spans();
        FenceUsage usage = access.waitUsage();
        if (!core.reservation.isSignaled(usage)) {
            awaitFences(core, usage, access);
        }
        CpuWindow w = new CpuWindow(handle, access, plan, confinement);
        // the slot holds the buffer (see BufferCore): registered first, then the count must still be positive; under
        // leak detection the slot holds the window's WindowLeak, which the cleaner closes if the window is dropped
        try {
            w.slot = core.ownership.openCpu(w.claim());
        } catch (RuntimeException e) {
            core.windowClosed(); // refused (CPU-11): the tracker closed the slot; the last drop may have left it to us
            throw e;
        }
        if (w.leak != null) {
            w.leak.slot = w.slot;
        }
        boolean ok = false;
        try {
            if (!core.referenced()) {
                throw new ClosedException(Rule.BUF_3, core.describe() + " is already released: every handle and"
                        + " attachment of it is closed");
            }
            MemorySegment mem = core.exporter.beginCpuAccess(access, spans);
            try {
                w.open(mem);
            } catch (RuntimeException | Error e) {
                // begin and end come in pairs for the exporter, even when the window could not be made
                try {
                    core.exporter.endCpuAccess(access, spans, mem);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed); // the caller learns why the window failed, not why end then did
                }
                throw e;
            }
            ok = true;
        } finally {
            if (!ok) {
                core.ownership.closeCpu(w.claim(), w.slot);
                if (w.leak != null) {
                    w.leak.end();
                }
                core.windowClosed();
            }
        }
        core.system.cpuAccessed();
        return w;
    }

    /** Second half of begin: the memory is there; make the cache coherent and the views. */
    private void open(MemorySegment mem) {
        if (mem == null || mem.byteSize() < core.size) {
            throw new RuleViolationException(Rule.CPU_12, "exporter " + core.exporterName + " returned "
                    + (mem == null ? "null" : mem.byteSize() + " bytes") + " from beginCpuAccess of "
                    + core.describe() + "; it must return the buffer's " + core.size + " bytes");
        }
        CpuAccessEvent e = new CpuAccessEvent();
        if (e.isEnabled()) {
            e.begin();
            event = e;
        }
        CpuCache c = core.cache;
        if (c != null) {
            long synced;
            // with the cache's monitor, so that an unmap's invalidate sees this window as dirty from now on (SAFE-4),
            // and without the lines other open windows dirtied
            synchronized (c) {
                synced = c.invalidate(mem, core.withoutDirty(plan.runs(), c));
                if (access != Access.READ) {
                    setCache(c);
                }
            }
            if (access.reads()) {
                core.countSync(synced);
                if (event != null) {
                    event.bytesSynced = synced;
                }
            }
            // For a WRITE window the copy is not maintenance the model counts: real hardware writes back only the
            // lines the CPU dirtied, so bytes the window does not write must reach memory unchanged at close. Lines
            // loaded from memory now are exactly such clean lines.
        }
        // the cache's lines are the framework's own memory; else the exporter's memory decides (SAFE-1)
        ViewScope vs = c != null || core.frameworkMemory ? ViewScope.FRAMEWORK
                : ViewScope.of(core, mem, "beginCpuAccess(" + access + ")"); // the hot path builds no string
        Arena a = confinement == Confinement.THREAD ? Arena.ofConfined() : Arena.ofShared();
        MemorySegment base = c != null ? c.lines() : mem;
        try {
            if (!vs.rescope) {
                MemorySegment[] copied = copies(mem, a);
                if (copied.length == 1) {
                    single = copied[0];
                } else {
                    rows = copied;
                }
            } else if (plan.spans().size() == 1) {
                single = view(base, plan.spans().getFirst(), a, access);
            } else {
                covering = view(base, new Span(plan.start(), plan.end() - plan.start()), a, access);
            }
        } catch (RuntimeException | Error failure) {
            a.close(); // e.g. reinterpret refused without native access: no arena is left open
            if (leak != null) {
                leak.freeCopies();
            }
            vs.release();
            throw failure;
        }
        scope = vs;
        memory = mem;
        arena = a;
        if (c != null) {
            setCache(c); // volatile: skipped on the coherent hot path, where it stays null; set early for writers
        }
        if (leak != null) {
            leak.memory = mem;
            leak.scope = vs;
            // on the segments' scope, not the window: a segment kept after the window is dropped keeps it open
            cleanable = Leaks.register(a.scope(), leak);
        }
        OPEN.setRelease(this, true);
    }

    private static void awaitFences(BufferCore core, FenceUsage usage, Access access) {
        try {
            while (!core.reservation.awaitFences(usage, Duration.ofDays(1))) {
                Thread.onSpinWait();
            }
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.CPU_2, "beginCpuAccess(" + access + ") on " + core.describe()
                    + " was interrupted while waiting for its " + usage.kernelName() + " fences; no window was"
                    + " opened", e);
        }
    }

    // ---- CpuAccess ----------------------------------------------------------------------------------------------

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
        return plan.region();
    }

    private void checkUsable(String what) {
        if (!usable()) {
            throw unusable(what);
        }
    }

    private boolean usable() {
        return isOpen() && (confinement != Confinement.THREAD || Thread.currentThread() == owner);
    }

    private RuntimeException unusable(String what) {
        if (!isOpen()) {
            return new ClosedException(Rule.CPU_4, what + " of a closed CPU window on " + core.describe()
                    + ": its segments are closed; begin a new access");
        }
        return new RuleViolationException(Rule.CPU_5, what + " of a THREAD window on " + core.describe()
                + " from thread '" + Thread.currentThread().getName() + "'; it belongs to thread '"
                + owner.getName() + "': open it SHARED to use it from several threads");
    }

    @Override
    public MemorySegment segment() {
        checkUsable("segment()");
        if (single == null) {
            throw new RuleViolationException(Rule.CPU_3, "segment() of a 2-D window " + plan.region() + " on "
                    + core.describe() + ": it has one segment per row; use row(i) or segments()");
        }
        return single;
    }

    @Override
    public int rowCount() {
        return plan.spans().size();
    }

    @Override
    public MemorySegment row(int i) {
        if (!usable()) {
            throw unusable("row(" + i + ")"); // built on failure only: row is called once per row
        }
        if (i < 0 || i >= plan.spans().size()) {
            throw new RuleViolationException(Rule.CPU_3, "row(" + i + ") of a window with " + plan.spans().size()
                    + " row(s) on " + core.describe());
        }
        return single != null ? single : rowView(i);
    }

    /** Row {@code i}'s view: a copy's, or a slice of the covering view (made per call: one small object, no list). */
    private MemorySegment rowView(int i) {
        if (rows != null) {
            return rows[i];
        }
        Span s = plan.spans().get(i);
        return covering.asSlice(s.offset() - plan.start(), s.length());
    }

    @Override
    public List<MemorySegment> segments() {
        checkUsable("segments()");
        if (single != null) {
            return List.of(single);
        }
        MemorySegment[] all = new MemorySegment[plan.spans().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = rowView(i);
        }
        return List.of(all);
    }

    @Override
    public long byteSize() {
        return plan.bytes();
    }

    @Override
    public Confinement confinement() {
        return confinement;
    }

    @Override
    public boolean isOpen() {
        return (boolean) OPEN.getAcquire(this);
    }

    @Override
    public void close() {
        if (!isOpen()) {
            return;
        }
        if (confinement == Confinement.THREAD) {
            if (Thread.currentThread() != owner) {
                throw new RuleViolationException(Rule.CPU_5, "close of a THREAD window on " + core.describe()
                        + " from thread '" + Thread.currentThread().getName() + "'; only its opening thread '"
                        + owner.getName() + "' may close it. The window stays open");
            }
        }
        if (core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(Rule.CPU_8, "close of a CPU window on " + core.describe() + " while"
                    + " holding its reservation lock; unlock first. The window stays open");
        }
        if (confinement == Confinement.THREAD) {
            OPEN.setRelease(this, false);
        } else if (!OPEN.compareAndSet(this, true, false)) {
            return;
        }
        long synced = 0;
        try {
            CpuCache c = cache;
            if (c != null && access != Access.READ) {
                synced = c.clean(memory, plan.runs());
                core.countSync(synced);
            }
            if (!scope.rescope && access != Access.READ) {
                writeBack();
            }
        } finally {
            // the views die before the exporter hears of the end: it may free what begin returned (SAFE-1)
            arena.close();
            if (leak != null) {
                leak.end(); // its cleaner now does nothing; the copy memory is freed
            }
            try {
                core.exporter.endCpuAccess(access, plan.spans(), memory);
            } finally {
                closed(synced);
            }
        }
    }

    /** The bookkeeping of close, after the exporter's end (whatever it threw, SAFE-2). */
    private void closed(long synced) {
        scope.release();
        core.ownership.closeCpu(claim(), slot);
        CpuAccessEvent e = event;
        if (e != null) {
            e.bufferId = core.id;
            e.access = access.name();
            e.region = plan.region().toString();
            e.regionBytes = plan.bytes();
            e.bytesSynced += synced;
            e.commit();
        }
        if (cleanable != null) {
            cleanable.clean(); // unregisters; the action sees the window ended
        }
        core.windowClosed(); // after the slot's close: the window held the buffer by it (BufferCore)
    }

    @Override
    public String claimDescription() {
        // racy reads: called from other threads for ownership reports; each field is set once at open
        MemorySegment s = single;
        MemorySegment[] r = rows;
        MemorySegment cover = covering;
        String segments;
        if (s != null) {
            segments = "segment 0x" + Long.toHexString(s.address()) + " (" + s.byteSize() + " bytes)";
        } else if (r != null && r.length > 0) {
            segments = rowSegments(r[0].address(), r[r.length - 1].address());
        } else if (cover != null) {
            // the rows are sliced from the covering view on demand: their addresses follow from the plan
            segments = rowSegments(cover.address(), cover.address() + plan.spans().getLast().offset() - plan.start());
        } else {
            segments = "no segments yet";
        }
        return "on " + plan.region() + ", " + segments;
    }

    /** The rows' part of {@link #claimDescription()}: how many, the first and last address, their size. */
    private String rowSegments(long first, long last) {
        List<Span> spans = plan.spans();
        long length = spans.getFirst().length();
        for (int i = 1, n = spans.size(); i < n; i++) {
            if (spans.get(i).length() != length) {
                length = -1;
                break;
            }
        }
        return spans.size() + " row segments 0x" + Long.toHexString(first) + " .. 0x" + Long.toHexString(last)
                + (length >= 0 ? " (" + length + " bytes each)" : " (" + plan.bytes() + " bytes in all)");
    }

    /**
     * Names the window with its segments' addresses, which {@link MemorySegment#address()} still gives after close:
     * an access through a segment of a closed window fails with the JDK's {@code IllegalStateException: Already
     * closed}, which names nothing, and this is how to find the window it came from (CPU-4).
     */
    @Override
    public String toString() {
        return access + " window " + claimDescription() + " of " + core.describe() + (isOpen() ? "" : " (closed)");
    }
}
