package org.dmabuf4j.testkit.internal;

import static org.dmabuf4j.testkit.internal.Verify.failure;
import static org.dmabuf4j.testkit.internal.Verify.that;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ConformanceError;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * One campaign run: a fresh system, a model of what should exist, and the steps applied to both. After each step the
 * real system is compared with the model; at the end everything is closed and checked for leaks.
 */
public final class CampaignRun implements AutoCloseable {
    /** The devices a campaign attaches to, by index. */
    static final DeviceSpec[] DEVICES = {DeviceSpec.PLAIN, DeviceSpec.NON_COHERENT, DeviceSpec.CONSTRAINED};
    private static final long PAGE = DmaConstraints.PAGE_SIZE;
    private static final int ZERO = Integer.MIN_VALUE;
    private static final int UNKNOWN = Integer.MIN_VALUE + 1;
    private static final Direction[] DIRECTIONS = Direction.values();

    private final ExporterFixture fixture;
    private final Recorder recorder = new Recorder();
    private final ObservingSystem observing;
    private final SimulatedSystem system;
    private final SimulatedDevice[] devices = new SimulatedDevice[DEVICES.length];
    private final boolean dynamicExporter;
    private final boolean cpu;
    private final long nativeBaseline;
    private final java.time.Duration fenceTimeout;
    private final Map<Integer, Object> objects = new HashMap<>();
    private final List<Buf> buffers = new ArrayList<>();
    private int nextLabel = 1;
    private boolean closed;

    private final class Buf {
        final ExportedBuffer exported;
        final ObservedExporter observer;
        final long id;
        final long size;
        final int[] content;
        /** Per page, the values it held before its current one, oldest first (for the diagnosis of stale bytes). */
        final List<List<Integer>> history = new ArrayList<>();
        final List<H> handles = new ArrayList<>();
        final List<Att> atts = new ArrayList<>();
        final List<F> fences = new ArrayList<>();
        boolean released;
        boolean moved;

        Buf(ExportedBuffer exported, int pages) {
            this.exported = exported;
            this.observer = observing.observerOf(exported);
            this.id = exported.handle().id();
            this.size = pages * PAGE;
            this.content = new int[pages];
            Arrays.fill(content, fixture.features().contains(ExporterFeature.HEAP) ? ZERO : UNKNOWN);
            for (int p = 0; p < pages; p++) {
                history.add(new ArrayList<>());
            }
        }

        String what() {
            return "buffer #" + id + " (exporter '" + exported.handle().exporterName() + "')";
        }

        /** A page now holds {@code seed}; what it held before goes to its history. */
        void write(int page, int seed) {
            if (content[page] != UNKNOWN) {
                List<Integer> h = history.get(page);
                h.add(content[page]);
                if (h.size() > 4) {
                    h.removeFirst();
                }
            }
            content[page] = seed;
        }

        void writeAll(int seed) {
            for (int p = 0; p < content.length; p++) {
                write(p, seed);
            }
        }

        boolean live() {
            return handles.stream().anyMatch(H::open) || atts.stream().anyMatch(a -> a.attached);
        }

        boolean pinned() {
            return atts.stream().anyMatch(a -> a.attached && (a.pins > 0 || (dynamicExporter && !a.dynamic)));
        }

        boolean blocks(Access access) {
            FenceUsage wait = access.waitUsage();
            return fences.stream().anyMatch(f -> !f.signaled && wait.covers(f.usage));
        }
    }

    private record H(int label, Buf buf, DmaBuf real, boolean[] open0) {
        boolean open() {
            return open0[0];
        }
    }

    private final class Att {
        final int label;
        final Buf buf;
        final int device;
        final boolean dynamic;
        final Attachment real;
        final RecordingImporter importer;
        final List<M> maps = new ArrayList<>();
        boolean attached = true;
        int pins;
        int expectedNotifications;
        Mapping cached;

        Att(int label, Buf buf, int device, boolean dynamic, Attachment real, RecordingImporter importer) {
            this.label = label;
            this.buf = buf;
            this.device = device;
            this.dynamic = dynamic;
            this.real = real;
            this.importer = importer;
        }

        boolean cachedKind() {
            return dynamic != dynamicExporter;
        }

        String what() {
            return "attachment a" + label + " of " + buf.what() + " on '" + devices[device].name() + "' ("
                    + (dynamic ? "dynamic" : "static") + ")";
        }
    }

    private static final class M {
        final int label;
        final Att att;
        final Mapping real;
        final List<SgEntry> entries;
        boolean unmapped;
        Rule deadBy;

        M(int label, Att att, Mapping real) {
            this.label = label;
            this.att = att;
            this.real = real;
            this.entries = List.copyOf(real.entries());
        }

        boolean cached() {
            return real.isCached();
        }

        boolean expectedValid() {
            return att.attached && deadBy == null && (cached() || !unmapped);
        }
    }

    private static final class F {
        final int label;
        final Buf buf;
        final FenceUsage usage;
        final SignalingFence fence;
        boolean signaled;

        F(int label, Buf buf, FenceUsage usage, SignalingFence fence) {
            this.label = label;
            this.buf = buf;
            this.usage = usage;
            this.fence = fence;
        }
    }

    /**
     * Starts a run on a fresh system.
     *
     * @param fixture the exporter under test
     * @param fenceTimeout how long to wait for the exporter's fences
     */
    public CampaignRun(ExporterFixture fixture, java.time.Duration fenceTimeout) {
        this.fixture = fixture;
        this.fenceTimeout = fenceTimeout;
        SimulatedSystem real = fixture.newSystem();
        this.observing = new ObservingSystem(real, recorder);
        this.observing.addressChecks(false);
        this.system = observing.view();
        this.dynamicExporter = fixture.features().contains(ExporterFeature.DYNAMIC_MOVE);
        this.cpu = fixture.features().contains(ExporterFeature.CPU_ACCESS);
        this.nativeBaseline = real.liveNativeBytes();
        for (int i = 0; i < DEVICES.length; i++) {
            devices[i] = DEVICES[i].build(real);
        }
    }

    // ---- generation -----------------------------------------------------------------------------------------------

    private <T> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Object o : objects.values()) {
            if (type.isInstance(o)) {
                out.add(type.cast(o));
            }
        }
        out.sort((a, b) -> Integer.compare(labelOf(a), labelOf(b)));
        return out;
    }

    private static int labelOf(Object o) {
        return switch (o) {
            case H h -> h.label();
            case Att a -> a.label;
            case M m -> m.label;
            case F f -> f.label;
            default -> 0;
        };
    }

    private static <T> T pick(SplittableRandom rnd, List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    /**
     * Chooses the next step from the model's state.
     *
     * @param rnd the run's random source
     * @return the step, not yet applied
     */
    public Op next(SplittableRandom rnd) {
        List<H> open = all(H.class).stream().filter(H::open).toList();
        List<H> handles = all(H.class).stream().filter(h -> !h.buf.released).toList();
        List<Att> attached = all(Att.class).stream().filter(a -> a.attached).toList();
        List<M> maps = all(M.class).stream().filter(m -> m.att.attached).toList();
        List<M> usable = maps.stream().filter(M::expectedValid).toList();
        List<F> pending = all(F.class).stream().filter(f -> !f.signaled).toList();
        int maxPages = (int) Math.max(1, Math.min(4, fixture.maxSize() / PAGE));
        if (open.isEmpty() || (buffers.stream().filter(Buf::live).count() < 3 && rnd.nextInt(12) == 0)) {
            return new Op(Op.Kind.EXPORT, nextLabel++, 0, 1 + rnd.nextInt(maxPages), false, null);
        }
        while (true) {
            int roll = rnd.nextInt(100);
            if (roll < 4) {
                return new Op(Op.Kind.SHARE, nextLabel++, pick(rnd, open).label(), 0, false, null);
            } else if (roll < 8) {
                return new Op(Op.Kind.CLOSE, 0, pick(rnd, rnd.nextInt(5) == 0 ? handles : open).label(), 0, false,
                        null);
            } else if (roll < 18) {
                return new Op(Op.Kind.ATTACH, nextLabel++, pick(rnd, rnd.nextInt(15) == 0 ? handles : open).label(),
                        rnd.nextInt(DEVICES.length), rnd.nextBoolean(), null);
            } else if (roll < 23 && !attached.isEmpty()) {
                List<Att> clean = attached.stream().filter(a -> a.maps.stream().allMatch(m -> m.unmapped
                        || m.cached())).toList();
                return new Op(Op.Kind.DETACH, 0, pick(rnd, clean.isEmpty() || rnd.nextInt(6) == 0 ? attached : clean)
                        .label, 0, false, null);
            } else if (roll < 35 && !attached.isEmpty()) {
                return new Op(Op.Kind.MAP, nextLabel++, pick(rnd, attached).label, 0, false,
                        DIRECTIONS[rnd.nextInt(3)]);
            } else if (roll < 36 && !attached.isEmpty()) {
                return new Op(Op.Kind.MAP_WITHOUT_LOCK, 0, pick(rnd, attached).label, 0, false,
                        DIRECTIONS[rnd.nextInt(3)]);
            } else if (roll < 45 && !maps.isEmpty()) {
                List<M> mapped = maps.stream().filter(m -> !m.unmapped).toList();
                return new Op(Op.Kind.UNMAP, 0, pick(rnd, mapped.isEmpty() || rnd.nextInt(8) == 0 ? maps : mapped)
                        .label, 0, false, null);
            } else if (roll < 52 && !usable.isEmpty()) {
                return new Op(Op.Kind.DEVICE_WRITE, 0, pick(rnd, usable).label, 1 + rnd.nextInt(1000), false, null);
            } else if (roll < 59 && !usable.isEmpty()) {
                return new Op(Op.Kind.DEVICE_READ, 0, pick(rnd, usable).label, 0, false, null);
            } else if (roll < 62 && !maps.isEmpty()) {
                return new Op(Op.Kind.DEVICE_PROBE, 0, pick(rnd, maps).label, 0, false, null);
            } else if (roll < 67) {
                return new Op(Op.Kind.CPU_WRITE, 0, pick(rnd, open).label(), 1 + rnd.nextInt(1000), false, null);
            } else if (roll < 70) {
                return new Op(Op.Kind.CPU_WRITE_PAGE, 0, pick(rnd, open).label(), 1 + rnd.nextInt(1000), false,
                        null);
            } else if (roll < 75) {
                return new Op(Op.Kind.CPU_READ, 0, pick(rnd, open).label(), 0, false, null);
            } else if (roll < 78 && pending.size() < 3) {
                return new Op(Op.Kind.FENCE, nextLabel++, pick(rnd, open).label(), 1 + rnd.nextInt(3), false, null);
            } else if (roll < 83 && !pending.isEmpty()) {
                return new Op(Op.Kind.SIGNAL, 0, pick(rnd, pending).label, 0, false, null);
            } else if (roll < 86) {
                return new Op(Op.Kind.POLL, 0, pick(rnd, open).label(), 0, false, null);
            } else if (roll < 93 && dynamicExporter) {
                return new Op(Op.Kind.MOVE, 0, pick(rnd, handles).label(), 0, false, null);
            } else if (roll < 97 && !attached.isEmpty()) {
                List<Att> dyn = attached.stream().filter(a -> a.dynamic).toList();
                if (!dyn.isEmpty()) {
                    return new Op(Op.Kind.PIN, 0, pick(rnd, dyn).label, 0, false, null);
                }
            } else if (!attached.isEmpty()) {
                List<Att> dyn = attached.stream().filter(a -> a.dynamic && (a.pins > 0 || rnd.nextInt(4) == 0))
                        .toList();
                if (!dyn.isEmpty()) {
                    return new Op(Op.Kind.UNPIN, 0, pick(rnd, dyn).label, 0, false, null);
                }
            }
        }
    }

    // ---- execution ------------------------------------------------------------------------------------------------

    /**
     * Applies a step to the real system and the model, then checks that they agree.
     *
     * @param op the step
     * @return false if the step was skipped (its target is gone, or it would wait for a fence that nothing signals)
     */
    public boolean apply(Op op) {
        nextLabel = Math.max(nextLabel, op.label() + 1);
        boolean applied = switch (op.kind()) {
            case EXPORT -> export(op);
            case SHARE -> share(op);
            case CLOSE -> closeHandle(op);
            case ATTACH -> attach(op);
            case DETACH -> detach(op);
            case MAP -> map(op);
            case MAP_WITHOUT_LOCK -> mapWithoutLock(op);
            case UNMAP -> unmap(op);
            case DEVICE_WRITE, DEVICE_READ -> deviceAccess(op);
            case DEVICE_PROBE -> probe(op);
            case CPU_WRITE, CPU_WRITE_PAGE, CPU_READ -> cpuAccess(op);
            case FENCE -> fence(op);
            case SIGNAL -> signal(op);
            case POLL -> poll(op);
            case MOVE -> move(op);
            case PIN, UNPIN -> pin(op);
        };
        if (applied) {
            check();
        }
        return applied;
    }

    private <T> T ref(Op op, Class<T> type) {
        Object o = objects.get(op.ref());
        return type.isInstance(o) ? type.cast(o) : null;
    }

    private void expectRefusal(Class<? extends DmaBufException> type, Rule rule, String what, String hint,
            Verify.Action action) {
        Verify.refuses(type, rule, rule, what, hint, action);
    }

    private boolean export(Op op) {
        long size = op.arg() * PAGE;
        ExportedBuffer e = Verify.succeeds(Rule.BUF_7, "fixture " + fixture.name() + ".export(" + size + ")",
                "that export() builds a valid ExportInfo and calls system.export",
                () -> fixture.export(system, size, Optional.empty()));
        Buf b = new Buf(e, op.arg());
        buffers.add(b);
        H h = new H(op.label(), b, e.handle(), new boolean[] {true});
        b.handles.add(h);
        objects.put(op.label(), h);
        return true;
    }

    private boolean share(Op op) {
        H h = ref(op, H.class);
        if (h == null) {
            return false;
        }
        if (!h.open()) {
            expectRefusal(ClosedException.class, Rule.BUF_3, "share() of closed handle h" + h.label(),
                    "the framework's closed-handle check", () -> h.real().share().close());
            return true;
        }
        DmaBuf s = Verify.succeeds(Rule.BUF_6, "share() of handle h" + h.label(), "the framework", h.real()::share);
        H n = new H(op.label(), h.buf(), s, new boolean[] {true});
        h.buf().handles.add(n);
        objects.put(op.label(), n);
        return true;
    }

    private boolean closeHandle(Op op) {
        H h = ref(op, H.class);
        if (h == null) {
            return false;
        }
        Verify.runs(Rule.BUF_3, "close() of handle h" + h.label(), "that close is idempotent", h.real()::close);
        h.open0()[0] = false;
        return true;
    }

    private boolean attach(Op op) {
        H h = ref(op, H.class);
        if (h == null) {
            return false;
        }
        SimulatedDevice d = devices[op.arg()];
        if (!h.open()) {
            expectRefusal(ClosedException.class, Rule.BUF_3, "attach() of closed handle h" + h.label(),
                    "the framework's closed-handle check", () -> h.real().attach(d).close());
            return true;
        }
        RecordingImporter imp = op.flag() ? new RecordingImporter(recorder, false) : null;
        if (!op.flag() && !h.buf().released) {
            // a static attach of a dynamic exporter maps now and waits for KERNEL fences (MAP-8) without a timeout
            if (dynamicExporter) {
                settle(h.buf());
            }
            awaitKernel(h.buf());
        }
        Attachment a;
        List<FenceEntry> before = h.buf().released ? List.of() : exporterFences(h.buf());
        try {
            a = imp == null ? h.real().attach(d) : h.real().attach(d, imp);
        } catch (DmaBufException refused) {
            Rule r = refused.rule();
            if (r == Rule.ATT_1 || r == Rule.PIN_2 || r == Rule.P2P_2 || r == Rule.REV_3 || r == Rule.ATT_5) {
                return true;
            }
            Rule rule = Verify.blame(refused, Rule.ATT_1);
            throw failure(rule, "attach of " + h.buf().what() + " to '" + d.name() + "' threw "
                    + Verify.describe(refused), rule == Rule.ATT_1 ? "that attach() either succeeds or refuses with"
                    + " AttachRefusedException" : Verify.hintFor(rule, refused), refused);
        }
        Att att = new Att(op.label(), h.buf(), op.arg(), op.flag(), a, imp);
        h.buf().atts.add(att);
        objects.put(op.label(), att);
        newExporterFencesAreKernel(h.buf(), before, "an attach to device '" + d.name() + "' (which may migrate the"
                + " buffer)");
        return true;
    }

    private boolean detach(Op op) {
        Att a = ref(op, Att.class);
        if (a == null) {
            return false;
        }
        boolean mapped = a.maps.stream().anyMatch(m -> !m.unmapped && !m.cached());
        if (a.attached && mapped) {
            expectRefusal(RuleViolationException.class, Rule.ATT_2, "detach of " + a.what() + " with live mappings",
                    "the framework's detach check", a.real::close);
            return true;
        }
        if (a.attached && a.pins > 0) {
            expectRefusal(RuleViolationException.class, Rule.PIN_6, "detach of " + a.what() + " while pinned",
                    "the framework's detach check", a.real::close);
            return true;
        }
        Verify.runs(Rule.ATT_6, "detach of " + a.what(), "that Exporter.detach succeeds", a.real::close);
        if (a.attached) {
            a.attached = false;
            a.pins = 0;
            for (M m : a.maps) {
                if (m.deadBy == null) {
                    m.deadBy = Rule.ATT_6;
                }
            }
        }
        return true;
    }

    private boolean map(Op op) {
        Att a = ref(op, Att.class);
        if (a == null) {
            return false;
        }
        if (!a.attached) {
            expectRefusal(ClosedException.class, Rule.ATT_4, "map of detached " + a.what(),
                    "the framework's detached-attachment check", () -> a.real.mapUnlocked(op.direction()));
            return true;
        }
        Reservation r = a.buf.exported.reservation();
        if (!a.dynamic) {
            if (dynamicExporter) {
                settle(a.buf);
            }
            awaitKernel(a.buf);
        }
        Mapping m;
        List<FenceEntry> before = exporterFences(a.buf);
        r.lock();
        try {
            m = Verify.succeeds(a.buf.moved ? Rule.MOVE_6 : Rule.MAP_2, "map(" + op.direction() + ") of " + a.what()
                    + (a.buf.moved ? " after a move" : ""), "that map() succeeds for an attached device, also after a"
                    + " move", () -> a.real.map(op.direction()));
        } finally {
            r.unlock();
        }
        newExporterFencesAreKernel(a.buf, before, "a map (which may migrate the buffer)");
        if (a.cachedKind()) {
            that(m.isCached(), Rule.MAP_6, () -> "map of " + a.what() + " did not return the cached mapping",
                    "ATT-5/MAP-6 in the framework");
            if (a.cached != null) {
                Mapping c = a.cached;
                that(m == c, Rule.MAP_6, () -> "map of " + a.what() + " returned another cached mapping",
                        "the framework's cache");
            }
            a.cached = m;
        } else {
            that(!m.isCached(), Rule.BUF_10, () -> "map of " + a.what() + " returned a cached mapping: the framework"
                    + " treats the exporter as static although the fixture declares DYNAMIC_MOVE", "most likely"
                    + " Exporter.isDynamic() returns false for an exporter that moves: make it return true and"
                    + " implement pin and unpin (or drop DYNAMIC_MOVE)");
        }
        M model = new M(op.label(), a, m);
        a.maps.add(model);
        objects.put(op.label(), model);
        return true;
    }

    private boolean mapWithoutLock(Op op) {
        Att a = ref(op, Att.class);
        if (a == null || !a.attached) {
            return false;
        }
        expectRefusal(RuleViolationException.class, Rule.MAP_1, "the locked map() of " + a.what()
                + " without the lock", "the framework's lock assertion", () -> a.real.map(op.direction()));
        return true;
    }

    private boolean unmap(Op op) {
        M m = ref(op, M.class);
        if (m == null || !m.att.attached) {
            return false;
        }
        if (m.unmapped && !m.cached()) {
            expectRefusal(RuleViolationException.class, Rule.MAP_10, "a second unmap of mapping m" + m.label + " of "
                    + m.att.what(), "the framework's unmap bookkeeping", () -> m.att.real.unmapUnlocked(m.real));
            return true;
        }
        Verify.runs(Rule.MAP_10, "unmap of mapping m" + m.label + " of " + m.att.what(), "that Exporter.unmap "
                + "succeeds", () -> m.att.real.unmapUnlocked(m.real));
        m.unmapped = true;
        if (!m.cached() && m.deadBy == null) {
            m.deadBy = Rule.MAP_11;
        }
        return true;
    }

    /**
     * The device work the kit's pending fences stand for completes. A move's copy waits for its buffer's fences, and
     * an exporter's copy engine may run moves in order, so every buffer's pending work completes, not only this one's.
     */
    private void settle(Buf ignored) {
        for (Buf b : buffers) {
            for (F f : b.fences) {
                if (!f.signaled) {
                    f.fence.signal();
                    f.signaled = true;
                }
            }
        }
    }

    private void awaitKernel(Buf b) {
        if (!b.exported.reservation().isSignaled(FenceUsage.KERNEL)) {
            settle(b);
        }
        boolean done = Verify.succeeds(Rule.FENCE_7, "waiting for the KERNEL fences of " + b.what(), "the move's "
                + "fence", () -> b.exported.reservation().await(FenceUsage.KERNEL, fenceTimeout));
        that(done, Rule.FENCE_7, () -> "KERNEL fences of " + b.what() + " did not signal in " + fenceTimeout.toMillis()
                + " ms: "
                + b.exported.reservation().describe(), "that the copy of a move signals its fence");
    }

    /** The buffer's fence entries the kit did not add: the exporter's (the copies of its moves and migrations). */
    private List<FenceEntry> exporterFences(Buf b) {
        Reservation r = b.exported.reservation();
        r.lock();
        try {
            return r.entries(FenceUsage.BOOKKEEP).stream().filter(x -> b.fences.stream()
                    .noneMatch(f -> f.fence == x.fence())).toList();
        } finally {
            r.unlock();
        }
    }

    /**
     * MOVE-8: fences the exporter added during a step (a move, or an attach or map that migrated) are of KERNEL
     * usage. A KERNEL fence added by an attach or a map is a migration's copy: the buffer moved, for the model.
     */
    private void newExporterFencesAreKernel(Buf b, List<FenceEntry> before, String step) {
        for (FenceEntry x : exporterFences(b)) {
            if (before.stream().noneMatch(y -> y.fence() == x.fence())) {
                b.moved = true;
            }
            if (x.usage() != FenceUsage.KERNEL && before.stream().noneMatch(y -> y.fence() == x.fence())) {
                throw failure(Rule.MOVE_8, step + " of " + b.what() + " added a fence of usage " + x.usage() + " ("
                        + x.fence().driverName() + " " + x.fence().timelineName() + ", " + x.fence().status() + "):"
                        + " importers wait for KERNEL fences before touching moved memory", "most likely the exporter"
                        + " publishes the copy of its move (or migration) with the usage of ordinary device work: add"
                        + " it with FenceUsage.KERNEL");
            }
        }
    }

    /**
     * Waits, bounded, for the exporter's fences a CPU access of {@code access} would wait for, so that a fence that
     * never signals fails this step (FENCE-7, or MOVE-8 for a copy published with another usage than KERNEL) instead
     * of hanging the run.
     */
    private void awaitForCpu(Buf b, Access access) {
        awaitKernel(b);
        Reservation r = b.exported.reservation();
        boolean done = Verify.succeeds(Rule.FENCE_7, "waiting for the fences of " + b.what(), "the exporter's fences",
                () -> r.await(access.waitUsage(), fenceTimeout));
        if (!done) {
            boolean other = exporterFences(b).stream().anyMatch(x -> !x.fence().isSignaled()
                    && x.usage() != FenceUsage.KERNEL);
            throw failure(other ? Rule.MOVE_8 : Rule.FENCE_7, "fences of " + b.what() + " that a CPU " + access
                    + " window waits for did not signal in " + fenceTimeout.toMillis() + " ms: " + r.describe(), other
                    ? "most likely the exporter publishes the copy of a move with another usage than KERNEL, and it"
                    + " never completes" : "that every fence the exporter publishes signals in finite time");
        }
    }

    private boolean deviceAccess(Op op) {
        M m = ref(op, M.class);
        if (m == null || !m.expectedValid()) {
            return false;
        }
        Buf b = m.att.buf;
        SimulatedDevice d = devices[m.att.device];
        awaitKernel(b);
        boolean write = op.kind() == Op.Kind.DEVICE_WRITE;
        boolean can = write ? m.real.direction().allowsDeviceWrite() : m.real.direction().allowsDeviceRead();
        if (!can) {
            expectRefusal(IommuFaultException.class, Rule.DEV_4, "a device " + (write ? "write" : "read")
                    + " through " + m.real.direction() + " mapping m" + m.label, "the IOMMU's direction check",
                    () -> access(d, m, write, op.arg(), b));
            return true;
        }
        Verify.runs(Rule.DEV_1, "a device " + (write ? "write" : "read") + " through mapping m" + m.label + " of "
                + m.att.what(), "that the mapping's entries are translated by the device",
                () -> access(d, m, write, op.arg(), b));
        return true;
    }

    private void access(SimulatedDevice d, M m, boolean write, int seed, Buf b) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(b.size);
            if (write) {
                Pattern.fill(data, 0, seed);
                Dma.write(d, m.entries, 0, data);
                b.writeAll(seed);
                b.moved = false;
            } else {
                Dma.read(d, m.entries, 0, data);
                checkContent(b, data, "device '" + d.name() + "' through mapping m" + m.label);
            }
        }
    }

    private void checkContent(Buf b, MemorySegment data, String how) {
        for (int p = 0; p < b.content.length; p++) {
            int want = b.content[p];
            if (want == UNKNOWN) {
                continue;
            }
            MemorySegment page = data.asSlice(p * PAGE, PAGE);
            long bad = want == ZERO ? Pattern.mismatchConstant(page, p * PAGE, (byte) 0)
                    : Pattern.mismatch(page, p * PAGE, want);
            if (bad >= 0) {
                int[] earlier = b.history.get(p).stream().mapToInt(Integer::intValue).toArray();
                Diagnose.Found f = Diagnose.find(data, 0, bad, want, earlier);
                boolean fresh = want == ZERO && earlier.length == 0;
                Rule rule = fresh && !b.moved ? Rule.HEAP_1 : b.moved ? Rule.MOVE_6 : Rule.MAP_2;
                String situation = b.moved ? "after a move" : fresh ? "in a fresh buffer" : "since the last write";
                String[] why = Diagnose.explain(data, 0, bad, want, situation, earlier);
                throw failure(rule, "byte " + bad + " of " + b.what() + " read by " + how + " is not what was last"
                        + " written there (" + (want == ZERO ? "zero" : "pattern " + want) + ")" + (b.moved
                        ? "; the buffer moved since" : "") + ": " + why[0], (rule == Rule.HEAP_1 ? "an export must be"
                        + " zeroed in the memory both devices and the CPU reach; " : "") + why[1] + (f.fact()
                        == Diagnose.Fact.EARLIER_WRITE && b.moved ? " (a move that copied before the last write"
                        + " landed, or a window written back to the old location)" : ""));
            }
        }
    }

    private boolean probe(Op op) {
        M m = ref(op, M.class);
        if (m == null) {
            return false;
        }
        SimulatedDevice d = devices[m.att.device];
        SgEntry first = m.entries.getFirst();
        if (m.expectedValid()) {
            if (!m.real.direction().allowsDeviceRead()) {
                return false;
            }
            awaitKernel(m.att.buf);
            Verify.runs(Rule.DEV_1, "a device read at the first address of live mapping m" + m.label, "that the "
                    + "entries are translated", () -> {
                        try (Arena arena = Arena.ofConfined()) {
                            d.dmaRead(first.dmaAddress(), arena.allocate(64));
                        }
                    });
            return true;
        }
        if (d.isMapped(first.dmaAddress(), 64)) {
            // a newer mapping of this device reuses the address: nothing to check
            return false;
        }
        Rule rule = m.deadBy == null ? Rule.MAP_11 : m.deadBy;
        expectRefusal(IommuFaultException.class, Rule.DEV_1, "a device read through dead mapping m" + m.label
                + " (" + (rule == Rule.MOVE_5 ? "invalidated by a move" : rule == Rule.ATT_6 ? "detached"
                : "unmapped") + ") of " + m.att.what(), "that the exporter's unmap() removes the translations",
                () -> {
                    try (Arena arena = Arena.ofConfined()) {
                        d.dmaRead(first.dmaAddress(), arena.allocate(64));
                    }
                });
        return true;
    }

    private boolean cpuAccess(Op op) {
        H h = ref(op, H.class);
        if (h == null) {
            return false;
        }
        Buf b = h.buf();
        Access access = op.kind() == Op.Kind.CPU_READ ? Access.READ : Access.WRITE;
        if (!h.open()) {
            expectRefusal(ClosedException.class, Rule.BUF_3, "beginCpuAccess of closed handle h" + h.label(),
                    "the framework's closed-handle check", () -> h.real().beginCpuAccess(access).close());
            return true;
        }
        if (!cpu) {
            expectRefusal(UnsupportedFeatureException.class, Rule.CPU_12, "beginCpuAccess of " + b.what(),
                    "that an exporter without CPU access keeps Exporter.beginCpuAccess's default",
                    () -> h.real().beginCpuAccess(access).close());
            return true;
        }
        if (b.blocks(access)) {
            return false;
        }
        awaitForCpu(b, access);
        Region region = op.kind() == Op.Kind.CPU_WRITE_PAGE ? Region.range(0, PAGE) : Region.WHOLE;
        Verify.runs(Rule.CPU_12, "a CPU " + access + " window on " + b.what(), "that beginCpuAccess returns the"
                + " buffer's memory and endCpuAccess writes it back", () -> {
                    try (CpuAccess w = h.real().beginCpuAccess(access, region)) {
                        if (access == Access.READ) {
                            checkContent(b, w.segment(), "a CPU window");
                        } else {
                            Pattern.fill(w.segment(), 0, op.arg());
                        }
                    }
                });
        if (access == Access.WRITE) {
            if (region == Region.WHOLE) {
                b.writeAll(op.arg());
                b.moved = false;
            } else {
                b.write(0, op.arg());
            }
        }
        return true;
    }

    private boolean fence(Op op) {
        H h = ref(op, H.class);
        if (h == null || !h.open()) {
            return false;
        }
        FenceUsage usage = FenceUsage.values()[op.arg()];
        SignalingFence f = system.fences().newContext("dmabuf4j-testkit", "campaign-f" + op.label()).next();
        Reservation r = h.buf().exported.reservation();
        r.lock();
        try {
            r.reserveFences(1);
            r.addFence(f, usage);
        } finally {
            r.unlock();
        }
        F model = new F(op.label(), h.buf(), usage, f);
        h.buf().fences.add(model);
        objects.put(op.label(), model);
        return true;
    }

    private boolean signal(Op op) {
        F f = ref(op, F.class);
        if (f == null) {
            return false;
        }
        boolean first = f.fence.signal();
        that(first == !f.signaled, Rule.FENCE_1, () -> "signal() of fence f" + f.label + " returned " + first,
                "the framework's fence");
        f.signaled = true;
        return true;
    }

    private boolean poll(Op op) {
        H h = ref(op, H.class);
        if (h == null) {
            return false;
        }
        if (!h.open()) {
            expectRefusal(ClosedException.class, Rule.BUF_3, "isReady of closed handle h" + h.label(),
                    "the framework's closed-handle check", () -> h.real().isReady(Access.READ));
            return true;
        }
        awaitKernel(h.buf());
        for (FenceEntry x : exporterFences(h.buf())) {
            // the exporter's own fences block readiness like any other: a pending one of another usage than KERNEL
            // is a move's copy published with the wrong usage, and the model (which knows only the kit's fences)
            // would blame the framework's readiness for it
            if (!x.fence().isSignaled() && x.usage() != FenceUsage.KERNEL) {
                throw failure(Rule.MOVE_8, h.buf().what() + " has a pending fence of usage " + x.usage() + " that the"
                        + " kit did not add (" + x.fence().driverName() + " " + x.fence().timelineName() + "), so its"
                        + " readiness waits for it", "most likely the exporter publishes the copy of a move with the"
                        + " usage of ordinary device work: add it with FenceUsage.KERNEL");
            }
        }
        for (Access a : new Access[] {Access.READ, Access.WRITE}) {
            boolean want = !h.buf().blocks(a);
            boolean got = h.real().isReady(a);
            that(got == want, Rule.SYNC_4, () -> "isReady(" + a + ") of " + h.buf().what() + " is " + got
                    + " with fences " + h.buf().exported.reservation().describe(), "the framework's readiness");
        }
        return true;
    }

    private boolean move(Op op) {
        H h = ref(op, H.class);
        if (h == null || h.buf().released || !dynamicExporter || !h.buf().exported.handle().isOpen()) {
            return false;
        }
        Buf b = h.buf();
        boolean pinned = b.pinned();
        List<FenceEntry> before = exporterFences(b);
        Verify.runs(Rule.MOVE_1, "fixture " + fixture.name() + ".move(" + b.what() + ")", "the move's steps: lock,"
                + " isPinned, invalidateMappings, copy, KERNEL fence, unlock", () -> fixture.move(b.exported));
        newExporterFencesAreKernel(b, before, "move()");
        if (!pinned) {
            b.moved = true;
            for (Att a : b.atts) {
                if (a.attached && a.dynamic) {
                    a.expectedNotifications++;
                    for (M m : a.maps) {
                        if (m.deadBy == null) {
                            m.deadBy = Rule.MOVE_5;
                        }
                    }
                }
            }
        }
        return true;
    }

    private boolean pin(Op op) {
        Att a = ref(op, Att.class);
        if (a == null || !a.attached || !a.dynamic) {
            return false;
        }
        boolean pin = op.kind() == Op.Kind.PIN;
        Reservation r = a.buf.exported.reservation();
        r.lock();
        try {
            if (!pin) {
                if (a.pins == 0) {
                    expectRefusal(RuleViolationException.class, Rule.PIN_6, "unpin of unpinned " + a.what(),
                            "the framework's pin count", a.real::unpin);
                } else {
                    Verify.runs(Rule.PIN_6, "unpin of " + a.what(), "Exporter.unpin", a.real::unpin);
                    a.pins--;
                }
            } else if (!dynamicExporter) {
                expectRefusal(UnsupportedFeatureException.class, Rule.PIN_2, "pin of " + a.what() + " (static "
                        + "exporter)", "that a static exporter keeps Exporter.pin's default", a.real::pin);
            } else if (fixture.features().contains(ExporterFeature.PIN_REFUSAL)) {
                expectRefusal(PinRefusedException.class, Rule.PIN_2, "pin of " + a.what() + " (PIN_REFUSAL)",
                        "that Exporter.pin throws PinRefusedException", a.real::pin);
            } else {
                Verify.runs(Rule.PIN_2, "pin of " + a.what(), "that Exporter.pin accepts pins, or declare "
                        + "PIN_REFUSAL", a.real::pin);
                a.pins++;
            }
        } finally {
            r.unlock();
        }
        return true;
    }

    // ---- checks ---------------------------------------------------------------------------------------------------

    private void check() {
        recorder.check();
        List<Long> live = system.liveBufferIds();
        for (Buf b : buffers) {
            boolean shouldLive = b.live();
            if (!shouldLive && !b.released) {
                b.released = true;
                for (F f : b.fences) {
                    if (!f.signaled) {
                        f.fence.signal();
                        f.signaled = true;
                    }
                }
            }
            that(live.contains(b.id) == shouldLive, Rule.BUF_2, () -> b.what() + " is " + (shouldLive ? "released"
                    + " although a handle or attachment is open" : "still live after its last handle and attachment"
                    + " closed"), "that release runs exactly once, after the last handle and attachment");
            if (b.observer != null) {
                int releases = b.observer.releases();
                that(releases == (shouldLive ? 0 : 1), Rule.BUF_2, () -> "the exporter of " + b.what()
                        + " was released " + releases + " times", "the framework's reference counting");
            }
            for (Att a : b.atts) {
                checkAttachment(a);
            }
        }
        if (buffers.stream().noneMatch(Buf::live)) {
            long now = system.liveNativeBytes();
            that(now == nativeBaseline, Rule.HEAP_5, () -> "the system holds " + now + " native bytes with every "
                    + "buffer released, " + nativeBaseline + " at the start", "that release() frees the memory");
        }
    }

    private void checkAttachment(Att a) {
        that(a.real.isAttached() == a.attached, Rule.ATT_4, () -> a.what() + " is "
                + (a.attached ? "detached" : "still attached"), "the framework's attachment state");
        if (!a.attached) {
            return;
        }
        boolean pinned = a.pins > 0 || (dynamicExporter && !a.dynamic);
        that(a.real.isPinned() == pinned, pinned && a.pins == 0 ? Rule.PIN_4 : Rule.PIN_2, () -> a.what() + " is "
                + (pinned ? "not pinned" : "pinned"), "the framework's pin state");
        if (a.importer != null) {
            int got = a.importer.notifications();
            that(got >= a.expectedNotifications, Rule.MOVE_3, () -> a.what() + " was notified " + got + " times for "
                    + a.expectedNotifications + " moves", "that move() calls invalidateMappings() before moving");
        }
        for (M m : a.maps) {
            boolean want = m.expectedValid();
            that(m.real.isValid() == want, m.deadBy == null ? Rule.MAP_11 : m.deadBy, () -> "mapping m" + m.label
                    + " of " + a.what() + " is " + (want ? "dead" : "still valid") + (m.deadBy == Rule.MOVE_5
                    ? " after a move" : ""), want ? "that nothing invalidates mappings without a move"
                    : "that move() calls invalidateMappings()");
            if (want) {
                SimulatedDevice d = devices[a.device];
                for (SgEntry e : m.entries) {
                    that(d.isMapped(e.dmaAddress(), e.length()), Rule.MAP_9, () -> "device '" + d.name()
                            + "' does not translate 0x" + Long.toHexString(e.dmaAddress()) + " of live mapping m"
                            + m.label, "that unmap() of one mapping removes only its own translations");
                }
            }
        }
    }

    /**
     * Closes everything the run opened, then checks that nothing leaked; closes the system.
     */
    public void finish() {
        if (closed) {
            return;
        }
        try {
            for (F f : all(F.class)) {
                if (!f.signaled) {
                    f.fence.signal();
                    f.signaled = true;
                }
            }
            for (Att a : all(Att.class)) {
                if (!a.attached) {
                    continue;
                }
                for (M m : a.maps) {
                    if (!m.unmapped && !m.cached()) {
                        Verify.runs(Rule.MAP_10, "unmap of mapping m" + m.label, "that the exporter's unmap() accepts"
                                + " exactly the entries its map() returned and removes their translations",
                                () -> a.real.unmapUnlocked(m.real));
                        m.unmapped = true;
                    }
                }
                Reservation r = a.buf.exported.reservation();
                r.lock();
                try {
                    while (a.pins > 0) {
                        a.real.unpin();
                        a.pins--;
                    }
                } finally {
                    r.unlock();
                }
                Verify.runs(Rule.ATT_6, "detach of " + a.what(), "that the exporter's detach() (and the unpin of a"
                        + " static attachment) does not throw", a.real::close);
                a.attached = false;
            }
            for (H h : all(H.class)) {
                h.real().close();
                h.open0()[0] = false;
            }
            check();
            for (Buf b : buffers) {
                awaitKernel(b);
                if (b.observer != null) {
                    b.observer.checkNoTranslationLeft();
                }
            }
            recorder.check();
            SimulatedSystem real = observing.real();
            for (SimulatedDevice d : devices) {
                long n = d.liveTranslations();
                that(n == 0, Rule.DEV_9, () -> "device '" + d.name() + "' holds " + n + " translations after every "
                        + "buffer was released", "that unmap() removes exactly the translations map() installed");
            }
            List<String> leaks = real.leakReports();
            that(leaks.isEmpty(), Rule.BUF_8, () -> "leak reports: " + leaks, "that every handle is closed");
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // a failed run still closes what the model knows it opened, best effort: the system's close would
            // release them anyway, but handles left for the garbage collector would be reported as leaks (BUF-8)
            for (Att a : all(Att.class)) {
                for (M m : a.maps) {
                    if (a.attached && !m.unmapped && !m.cached()) {
                        quietly(() -> a.real.unmapUnlocked(m.real));
                    }
                }
                if (a.attached) {
                    quietly(a.real::close);
                }
            }
            for (H h : all(H.class)) {
                quietly(h.real()::close);
            }
            try {
                observing.real().close();
            } catch (RuntimeException ignored) {
                // the run already failed or was checked
            }
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | AssertionError ignored) {
            // best effort after a failure: the reservation may be held by a stuck step, a mapping already dead
        }
    }

    /**
     * The failure a step or the end of a run produced.
     *
     * @param step the index of the failing step, or -1 for the end-of-run checks
     * @param hung whether the step did not finish in time (its thread is left behind)
     * @param error the failure
     */
    public record Failure(int step, boolean hung, ConformanceError error) {
    }
}
