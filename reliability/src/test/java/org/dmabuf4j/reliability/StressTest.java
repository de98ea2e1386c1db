package org.dmabuf4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.api.VMapping;
import org.dmabuf4j.api.WouldDeadlockException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.RemappingImporter;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The seeded multi-thread stress run (issue #10): {@value #THREADS} threads run a seeded mix of every operation
 * against one system: allocation on the system, contiguous and device-memory heaps, share and close, static and
 * dynamic attachments (short-lived re-mapping importers too), map and unmap, export through a third-party exporter,
 * vmap, CPU windows with writes (1-D, partial), engine fill/read/write jobs, explicit
 * fences with callbacks and timelines, reservation locks with lockAll and a hand-written wait-die loop, moves and
 * evictions of device memory, and revocation. Every buffer has a page model (one byte value per page) kept by its
 * owning thread; every write goes through one path (CPU window, engine job, synchronous DMA) and the checks read it
 * back through another. Two shared buffers give every thread its own page, so windows, jobs and locks contend.
 *
 * <p>Every wait is bounded; a watchdog dumps the threads and fails the run if no operation completes for 30 s. At the
 * end: no problem recorded (integrity errors, unexpected exceptions, timed-out waits), every fence callback ran
 * exactly once, and nothing is left in the system. {@code -Ddmabuf4j.stress.ops=N} sets the number of operations
 * (default from the pom: the CI run; 1000000 for the long run), {@code -Ddmabuf4j.seed=S} replays a run.
 */
final class StressTest {
    static final int THREADS = 4;
    private static final long PAGE = 4096;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MAX_OWNED = 4;
    /** 256 pages, page v filled with the byte v: what a page of the model should hold. */
    private static final MemorySegment TEMPLATES = templates();

    /** The operations, with their weights in the mix. */
    enum Op {
        ALLOC(6), FREE(4), SHARE_READ(4), CPU_WRITE(10), CPU_READ(8), JOB_FILL(8), JOB_READ(8), JOB_WRITE(5),
        DEV_READ(5), DEV_WRITE(5), FENCE(5), TIMELINE(3), LOCK_ALL(5), WAIT_DIE(3), MOVE(4), REVOKE(2),
        SHARED_WRITE(6), SHARED_READ(6), ATTACH_DETACH(4), VMAP_READ(3);

        final int weight;

        Op(int weight) {
            this.weight = weight;
        }
    }

    private static MemorySegment templates() {
        MemorySegment t = Arena.global().allocate(256 * PAGE);
        for (int v = 0; v < 256; v++) {
            t.asSlice(v * PAGE, PAGE).fill((byte) v);
        }
        return t;
    }

    private static MemorySegment template(int v, long pages) {
        return pages == 1 ? TEMPLATES.asSlice((v & 0xff) * PAGE, PAGE) : null;
    }

    /** A buffer a worker owns, with the value of each page. */
    private static final class Owned {
        final DmaBuf buf;
        final int[] pages;
        final boolean vram;
        final Map<SimulatedDevice, Attachment> attachments = new HashMap<>();
        RemappingImporter importer;

        Owned(DmaBuf buf, boolean vram) {
            this.buf = buf;
            this.vram = vram;
            this.pages = new int[(int) (buf.size() / PAGE)];
        }
    }

    /** What the run shares. */
    private static final class Run {
        final SimulatedSystem sys;
        final SimulatedDevice cam;
        final SimulatedDevice enc;
        final SimulatedDevice gpu;
        /**
         * The device of the shared buffers: the non-coherent camera, so that one thread's cache maintenance (its
         * windows' begin and close, its maps and unmaps) runs against the other threads' open windows of the same
         * buffer (SAFE-4, CPU-9; see also {@link SharedNonCoherentTest}); the coherent encoder with
         * {@code -Ddmabuf4j.stress.sharedNonCoherent=false}.
         */
        final SimulatedDevice sharedDevice;
        final List<DmaBuf> shared = new ArrayList<>();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        final AtomicLong done = new AtomicLong();
        final LongAdder callbacksExpected = new LongAdder();
        final LongAdder callbacksRun = new LongAdder();
        final LongAdder bytesChecked = new LongAdder();
        final LongAdder refusals = new LongAdder();
        final Map<Op, LongAdder> counts = new EnumMap<>(Op.class);

        Run() {
            sys = DmaBufs.builder().leakDetection(true).contiguousPoolBytes(1 << 20).build();
            cam = sys.newDevice("cam").nonCoherent().engines(2).build();
            enc = sys.newDevice("enc").build();
            gpu = sys.newDevice("gpu").peerToPeer(true).localMemory(16 * PAGE).build();
            sharedDevice = "false".equals(System.getProperty("dmabuf4j.stress.sharedNonCoherent")) ? enc : cam;
            for (int i = 0; i < 2; i++) {
                shared.add(sys.systemHeap().allocate(THREADS * PAGE));
            }
            for (Op o : Op.values()) {
                counts.put(o, new LongAdder());
            }
        }
    }

    @Test
    @DisplayName("Seeded threads running every operation keep every byte, lose no callback, deadlock nowhere and leak"
            + " nothing")
    void stress() throws InterruptedException {
        long seed = Seeds.seed("StressTest");
        long ops = Long.getLong("dmabuf4j.stress.ops", 60_000);
        Run run = new Run();
        long start = System.nanoTime();
        CountDownLatch finished = new CountDownLatch(THREADS);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            long mine = ops / THREADS + (t < ops % THREADS ? 1 : 0);
            workers.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                try {
                    new Worker(run, id, new Random(seed * 31 + id)).run(mine);
                } catch (Throwable e) {
                    run.problems.add("worker " + id + " died: " + e);
                    e.printStackTrace();
                } finally {
                    finished.countDown();
                }
            }));
        }
        long last = -1;
        while (!finished.await(30, TimeUnit.SECONDS)) {
            long now = run.done.get();
            if (now == last) {
                dumpThreads();
                run.problems.add("HANG: no operation completed for 30 s (" + now + " done)");
                workers.forEach(Thread::interrupt);
                break;
            }
            last = now;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (DmaBuf b : run.shared) {
            b.close();
        }
        List<String> left = Consistency.leftovers(run.sys);
        var vram = run.gpu.localMemory().counters();
        run.sys.close();
        System.out.printf("[StressTest] seed %d: %d operations on %d threads in %.1f s (%.0f ops/s); %d bytes read"
                + " back, %d refusals (heap full), %d/%d fence callbacks, device memory: %d moves, %d evictions; per"
                + " operation %s%n", seed, run.done.get(), THREADS, seconds, run.done.get() / seconds,
                run.bytesChecked.sum(), run.refusals.sum(), run.callbacksRun.sum(), run.callbacksExpected.sum(),
                vram.moves(), vram.evictions(), run.counts);
        List<String> problems = new ArrayList<>(run.problems);
        problems.addAll(left);
        if (!problems.isEmpty()) {
            System.out.println("[StressTest] problems (replay with -Ddmabuf4j.seed=" + seed + "):\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
        assertEquals(List.of(), problems, "seed " + seed);
        assertEquals(run.callbacksExpected.sum(), run.callbacksRun.sum(), "lost or repeated fence callbacks");
        assertEquals(ops, run.done.get(), "operations done");
    }

    private static void dumpThreads() {
        StringBuilder sb = new StringBuilder("[StressTest] watchdog: thread dump\n");
        Thread.getAllStackTraces().forEach((t, st) -> {
            sb.append(t).append('\n');
            for (StackTraceElement e : st) {
                sb.append("    at ").append(e).append('\n');
            }
        });
        System.out.println(sb);
    }

    /** One thread's seeded sequence of operations over its own buffers, its page of the shared ones and the locks. */
    private static final class Worker {
        private final Run run;
        private final int id;
        private final Random rnd;
        private final List<Owned> owned = new ArrayList<>();
        private final Map<DmaBuf, Attachment> sharedAttachments = new HashMap<>();
        private final int[] sharedPages = new int[2];
        private final Arena arena = Arena.ofShared();
        private final MemorySegment scratch;
        private final FenceContext ctx;
        private final Timeline timeline;
        private final int totalWeight;
        private long step;

        Worker(Run run, int id, Random rnd) {
            this.run = run;
            this.id = id;
            this.rnd = rnd;
            this.scratch = arena.allocate(4 * PAGE, PAGE);
            this.ctx = run.sys.fences().newContext("stress", "worker" + id);
            this.timeline = run.sys.fences().newTimeline("tl" + id);
            int w = 0;
            for (Op o : Op.values()) {
                w += o.weight;
            }
            this.totalWeight = w;
        }

        void run(long ops) {
            try {
                for (step = 0; step < ops && !Thread.currentThread().isInterrupted(); step++) {
                    Op op = pick();
                    try {
                        apply(op);
                    } catch (HeapExhaustedException e) {
                        run.refusals.increment();
                    } catch (RuntimeException | AssertionError e) {
                        problem(op, e.toString());
                        if (run.problems.size() == 1) {
                            e.printStackTrace();
                        }
                    }
                    run.counts.get(op).increment();
                    run.done.incrementAndGet();
                }
            } finally {
                while (!owned.isEmpty()) {
                    free(owned.get(owned.size() - 1));
                }
                sharedAttachments.values().forEach(Attachment::close);
                timeline.close();
                arena.close();
            }
        }

        private Op pick() {
            int r = rnd.nextInt(totalWeight);
            for (Op o : Op.values()) {
                r -= o.weight;
                if (r < 0) {
                    return o;
                }
            }
            throw new AssertionError();
        }

        private void problem(Op op, String what) {
            run.problems.add("thread " + id + " step " + step + " " + op + ": " + what);
        }

        private Owned any() {
            return owned.isEmpty() ? null : owned.get(rnd.nextInt(owned.size()));
        }

        private Owned anyPlain() {
            List<Owned> plain = owned.stream().filter(o -> !o.vram).toList();
            return plain.isEmpty() ? null : plain.get(rnd.nextInt(plain.size()));
        }

        private void apply(Op op) {
            switch (op) {
                case ALLOC -> alloc();
                case FREE -> {
                    Owned o = any();
                    if (o != null) {
                        free(o);
                    }
                }
                case SHARE_READ -> {
                    Owned o = any();
                    if (o != null) {
                        try (DmaBuf h = o.buf.share()) {
                            cpuCheck(h, o.pages, 0, o.pages.length, 0);
                        }
                    }
                }
                case CPU_WRITE -> {
                    Owned o = any();
                    if (o != null) {
                        int first = rnd.nextInt(o.pages.length);
                        int n = 1 + rnd.nextInt(o.pages.length - first);
                        cpuWrite(o.buf, o.pages, first, n, 0);
                    }
                }
                case CPU_READ -> {
                    Owned o = any();
                    if (o != null) {
                        int first = rnd.nextInt(o.pages.length);
                        cpuCheck(o.buf, o.pages, first, 1 + rnd.nextInt(o.pages.length - first), 0);
                    }
                }
                case JOB_FILL -> jobFill(false);
                case FENCE -> jobFill(true);
                case JOB_READ -> {
                    Owned o = anyPlain();
                    if (o != null) {
                        jobRead(o.buf, attachment(o), o.pages, 0, o.pages.length, 0);
                    }
                }
                case JOB_WRITE -> {
                    Owned o = anyPlain();
                    if (o != null) {
                        int p = rnd.nextInt(o.pages.length);
                        int v = rnd.nextInt(256);
                        MemorySegment src = scratch.asSlice(0, PAGE);
                        src.copyFrom(template(v, 1));
                        try (Mapping m = attachment(o).mapUnlocked(Direction.BIDIRECTIONAL)) {
                            await(device(o).engine().submit(Job.write(src, m, p * PAGE)), "write job");
                        }
                        o.pages[p] = v;
                    }
                }
                case DEV_READ, DEV_WRITE -> devAccess(op == Op.DEV_WRITE);
                case TIMELINE -> timeline();
                case LOCK_ALL -> lockAll();
                case WAIT_DIE -> waitDie();
                case MOVE -> {
                    Owned o = owned.stream().filter(x -> x.vram).findFirst().orElse(null);
                    if (o != null) {
                        await(run.sys.move(o.buf), "move");
                    }
                }
                case REVOKE -> {
                    Owned o = any();
                    if (o != null) {
                        run.sys.revoke(o.buf, WAIT);
                        try {
                            o.buf.beginCpuAccess(Access.READ).close();
                            problem(op, "a revoked buffer opened a CPU window");
                        } catch (RevokedException expected) {
                            // REV-2
                        }
                        free(o);
                    }
                }
                case SHARED_WRITE -> {
                    int s = rnd.nextInt(2);
                    if (rnd.nextBoolean()) {
                        cpuWrite(run.shared.get(s), sharedPages, s, 1, id);
                    } else {
                        int v = rnd.nextInt(256);
                        DmaBuf b = run.shared.get(s);
                        // FROM_DEVICE: on a non-coherent device its unmap invalidates the cache while other threads'
                        // windows on their pages of the same buffer may be open and dirty (CPU-9)
                        Direction d = rnd.nextBoolean() ? Direction.FROM_DEVICE : Direction.BIDIRECTIONAL;
                        try (Mapping m = sharedAttachment(b).mapUnlocked(d)) {
                            await(run.sharedDevice.engine().submit(Job.fill(m, id * PAGE, PAGE, (byte) v)),
                                    "shared fill");
                        }
                        sharedPages[s] = v;
                    }
                }
                case ATTACH_DETACH -> {
                    Owned o = anyPlain();
                    if (o != null) {
                        // a short-lived dynamic importer on the other device: attach, map, read back, detach
                        SimulatedDevice d = device(o) == run.cam ? run.enc : run.cam;
                        try (RemappingImporter imp = RemappingImporter.attach(o.buf, d, Direction.BIDIRECTIONAL)) {
                            int p = rnd.nextInt(o.pages.length);
                            MemorySegment seg = scratch.asSlice(0, PAGE);
                            imp.use(m -> {
                                d.dmaRead(m.dmaAddress(p * PAGE), seg);
                                return null;
                            });
                            check(seg, o.pages[p], o.buf, "dynamic importer DMA", p);
                        }
                    }
                }
                case VMAP_READ -> {
                    Owned o = anyPlain();
                    if (o != null && o.buf.exporterName().equals("system")) {
                        // vmap gives no coherency by itself (CPU-14): the kernel's importers bracket it with
                        // begin/end CPU access, which brings the CPU's view (the vmap's, too) up to date
                        try (CpuAccess w = o.buf.beginCpuAccess(Access.READ)) {
                            Reservation r = o.buf.reservation();
                            r.lock();
                            try (VMapping v = o.buf.vmap()) {
                                for (int p = 0; p < o.pages.length; p++) {
                                    check(v.segment().asSlice(p * PAGE, PAGE), o.pages[p], o.buf, "vmap", p);
                                }
                            } finally {
                                r.unlock();
                            }
                        }
                    }
                }
                case SHARED_READ -> {
                    int s = rnd.nextInt(2);
                    DmaBuf b = run.shared.get(s);
                    if (rnd.nextBoolean()) {
                        cpuCheck(b, sharedPages, s, 1, id);
                    } else {
                        jobRead(b, sharedAttachment(b), sharedPages, s, 1, id);
                    }
                }
            }
        }

        private void alloc() {
            if (owned.size() >= MAX_OWNED) {
                return;
            }
            int kind = rnd.nextInt(4);
            long pages = 1 + rnd.nextInt(4);
            DmaBuf b;
            if (kind == 3) {
                // a third-party exporter of its own memory, through DmaBufSystem.export
                b = run.sys.export(ExportInfo.of("third-party", pages * PAGE, new FaultyExporter(Injector.none(),
                        false, pages * PAGE))).handle();
            } else {
                DmaHeap heap = kind == 0 ? run.sys.systemHeap() : kind == 1 ? run.sys.contiguousHeap()
                        : run.gpu.localMemory();
                b = heap.allocate(pages * PAGE);
            }
            Owned o = new Owned(b, kind == 2);
            owned.add(o);
            if (o.vram) {
                o.importer = RemappingImporter.attach(o.buf, run.gpu, Direction.BIDIRECTIONAL, true);
            }
            cpuWrite(o.buf, o.pages, 0, o.pages.length, 0);
        }

        private void free(Owned o) {
            owned.remove(o);
            if (o.importer != null) {
                o.importer.close();
            }
            o.attachments.values().forEach(Attachment::close);
            o.buf.close();
        }

        private SimulatedDevice device(Owned o) {
            return (o.buf.id() + id) % 2 == 0 ? run.cam : run.enc;
        }

        private Attachment attachment(Owned o) {
            return o.attachments.computeIfAbsent(device(o), o.buf::attach);
        }

        private Attachment sharedAttachment(DmaBuf b) {
            return sharedAttachments.computeIfAbsent(b, x -> x.attach(run.sharedDevice));
        }

        /** Writes a new value into pages [first, first + n) (one page at {@code page} for shared buffers). */
        private void cpuWrite(DmaBuf b, int[] model, int first, int n, int page) {
            int v = rnd.nextInt(256);
            long off = (first + (long) page) * PAGE;
            if (model == sharedPages) {
                off = (long) page * PAGE;
            }
            try (CpuAccess w = b.beginCpuAccess(rnd.nextBoolean() ? Access.WRITE : Access.READ_WRITE,
                    Region.range(off, n * PAGE))) {
                w.segment().fill((byte) v);
            }
            for (int i = first; i < first + n; i++) {
                model[i] = v;
            }
        }

        private void cpuCheck(DmaBuf b, int[] model, int first, int n, int page) {
            long off = model == sharedPages ? (long) page * PAGE : first * PAGE;
            try (CpuAccess w = b.beginCpuAccess(Access.READ, Region.range(off, n * PAGE))) {
                MemorySegment s = w.segment();
                for (int i = 0; i < n; i++) {
                    check(s.asSlice(i * PAGE, PAGE), model[first + i], b, "CPU window", first + i);
                }
            }
        }

        private void check(MemorySegment got, int v, DmaBuf b, String path, int page) {
            long at = got.mismatch(template(v, 1));
            run.bytesChecked.add(got.byteSize());
            if (at != -1) {
                throw new AssertionError("integrity: " + path + " read of buffer #" + b.id() + " page " + page
                        + " byte " + at + " is " + got.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at)
                        + ", expected " + (byte) v);
            }
        }

        private void jobRead(DmaBuf b, Attachment a, int[] model, int first, int n, int page) {
            long off = model == sharedPages ? (long) page * PAGE : first * PAGE;
            MemorySegment into = scratch.asSlice(0, n * PAGE);
            try (Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL)) {
                SimulatedDevice d = (SimulatedDevice) a.device();
                await(d.engines().get(id % d.engines().size()).submit(Job.read(m, off, into)), "read job");
            }
            for (int i = 0; i < n; i++) {
                check(into.asSlice(i * PAGE, PAGE), model[first + i], b, "engine read job", first + i);
            }
        }

        /** A fill job; with explicit fences: gated on a fence of this worker, with callbacks on both. */
        private void jobFill(boolean gated) {
            Owned o = anyPlain();
            if (o == null) {
                return;
            }
            int p = rnd.nextInt(o.pages.length);
            int v = rnd.nextInt(256);
            try (Mapping m = attachment(o).mapUnlocked(Direction.BIDIRECTIONAL)) {
                Job job = Job.fill(m, p * PAGE, PAGE, (byte) v);
                SignalingFence gate = null;
                if (gated) {
                    gate = ctx.next();
                    callback(gate);
                    job = job.after(gate);
                }
                Fence f = device(o).engine().submit(job);
                callback(f);
                if (gate != null) {
                    gate.signal();
                }
                await(f, "fill job");
            }
            o.pages[p] = v;
        }

        private void callback(Fence f) {
            run.callbacksExpected.increment();
            if (!f.addCallback(x -> run.callbacksRun.increment())) {
                run.callbacksRun.increment(); // already signaled: the callback is not run (Fence.addCallback)
            }
        }

        private void await(Fence f, String what) {
            FenceStatus s = f.awaitStatus(WAIT);
            if (s == FenceStatus.PENDING) {
                throw new AssertionError("DEADLOCK? " + what + " fence did not signal within " + WAIT);
            }
            if (f.error().isPresent()) {
                throw new AssertionError(what + " failed: " + f.error().get());
            }
        }

        /** Synchronous DMA through the dynamic importer of a device-memory buffer (re-maps after moves). */
        private void devAccess(boolean write) {
            Owned o = owned.stream().filter(x -> x.vram).findFirst().orElse(null);
            if (o == null) {
                return;
            }
            int p = rnd.nextInt(o.pages.length);
            MemorySegment seg = scratch.asSlice(0, PAGE);
            if (write) {
                int v = rnd.nextInt(256);
                seg.copyFrom(template(v, 1));
                o.importer.use(m -> {
                    run.gpu.dmaWrite(m.dmaAddress(p * PAGE), seg);
                    return null;
                });
                o.pages[p] = v;
            } else {
                o.importer.use(m -> {
                    run.gpu.dmaRead(m.dmaAddress(p * PAGE), seg);
                    return null;
                });
                check(seg, o.pages[p], o.buf, "device DMA", p);
            }
        }

        private void timeline() {
            long v = timeline.value();
            Fence a = timeline.point(v + 1);
            Fence b = timeline.point(v + 2);
            callback(a);
            callback(b);
            timeline.advance(2);
            if (!a.isSignaled() || !b.isSignaled() || timeline.pendingPoints() != 0) {
                throw new AssertionError("timeline points pending after advance");
            }
        }

        private List<Reservation> someReservations() {
            List<Reservation> rs = new ArrayList<>();
            for (DmaBuf b : run.shared) {
                if (rnd.nextBoolean()) {
                    rs.add(b.reservation());
                }
            }
            Owned o = any();
            if (o != null) {
                rs.add(o.buf.reservation());
            }
            if (rs.isEmpty()) {
                rs.add(run.shared.get(0).reservation());
            }
            Collections.shuffle(rs, rnd);
            return rs;
        }

        private void lockAll() {
            List<Reservation> rs = someReservations();
            try (ReservationSet set = run.sys.lockAll(rs)) {
                for (Reservation r : set.reservations()) {
                    if (!r.isHeldByCurrentThread()) {
                        throw new AssertionError("lockAll returned without holding " + r);
                    }
                    r.reserveFences(1);
                }
            }
        }

        private void waitDie() {
            List<Reservation> rs = someReservations();
            try (AcquireContext c = run.sys.newAcquireContext()) {
                Reservation contended = null;
                for (int attempt = 0; ; attempt++) {
                    Reservation trying = contended;
                    try {
                        if (contended != null) {
                            contended.lockSlow(c);
                        }
                        for (Reservation r : rs) {
                            if (r != contended) {
                                trying = r;
                                r.lock(c);
                            }
                        }
                        break;
                    } catch (WouldDeadlockException e) {
                        c.unlockAll(); // back off (RESV-6), then sleep on the contended lock first
                        contended = trying;
                        if (attempt > 1000) {
                            throw new AssertionError("wait-die did not converge in 1000 back-offs");
                        }
                    }
                }
                c.done();
                if (c.heldCount() != rs.size()) {
                    throw new AssertionError("held " + c.heldCount() + " of " + rs.size());
                }
                c.unlockAll();
            }
        }
    }
}
