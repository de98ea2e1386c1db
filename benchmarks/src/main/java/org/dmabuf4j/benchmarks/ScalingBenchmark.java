package org.dmabuf4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 15's scaling: the cost of one operation on one buffer while the work around it grows — live buffers in the
 * system (1, 1 k, 1 M), attachments of the buffer (1, 30, 1000), fences in its reservation (1, 30, 1000). The report
 * judges each method by its cost at each size ÷ its cost at the smallest size, in the same run: flat (≤ 1.5×), or
 * linear where the kernel is linear too (fence add: {@code dma_resv_add_fence} scans the fences for one of the same
 * context), and draws them in {@code <profile>-scaling.svg}.
 *
 * <p>The probe is a 4 KiB system-heap buffer attached statically to a coherent device. The live buffers are
 * {@link LiveBuffers}: exported, attached to the same device, mapped (so the device's IOMMU holds one translation each)
 * and fenced. The operations:
 * <ul>
 *   <li>{@code export…}: export a one-page buffer of the live buffers' exporter and close its handle (release);</li>
 *   <li>{@code attach…}: attach the probe to the device and detach;</li>
 *   <li>{@code map…}: lock the probe's reservation, map its static attachment, unmap, unlock;</li>
 *   <li>{@code cpuAccess…}: begin+end a READ_WRITE window on the probe (coherent: zero copy);</li>
 *   <li>{@code addFence…}: lock, add a signaled fence of one context (it replaces that context's previous fence),
 *       unlock.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS, "-Xms3g", "-Xmx3g"})
public class ScalingBenchmark {

    /** The probe buffer, its device and attachment, and a fence context: shared by every scale. */
    abstract static class Probe {
        SimulatedSystem system;
        SimulatedDevice device;
        DmaBuf buffer;
        Attachment attachment;
        FenceContext context;

        void open() {
            system = Systems.newSystem();
            device = system.newDevice("scaling").coherent().build();
            buffer = system.systemHeap().allocate(HeapChunks.PAGE);
            attachment = buffer.attach(device);
            context = system.fences().newContext("bench", "scaling");
        }

        void close() {
            attachment.close();
            buffer.close();
        }
    }

    /** {@code liveBuffers} live buffers in the probe's system. */
    @State(Scope.Thread)
    public static class AtLiveBuffers extends Probe {
        /** Live buffers besides the probe. */
        @Param({"1", "1000", "1000000"})
        public int liveBuffers;

        LiveBuffers live;

        /** Makes the system, the probe and the live buffers. */
        @Setup(Level.Trial)
        public void setUp() {
            open();
            live = new LiveBuffers(system, device, liveBuffers);
        }

        /** Releases everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            live.close();
            close();
            Systems.closeChecked(system);
        }
    }

    /** The probe with {@code attachments} attachments (besides its own): one device each. */
    @State(Scope.Thread)
    public static class AtAttachments extends Probe {
        /** Attachments of the probe buffer, its own included. */
        @Param({"1", "30", "1000"})
        public int attachments;

        final List<Attachment> more = new ArrayList<>();

        /** Makes the probe and attaches it to {@code attachments - 1} more devices. */
        @Setup(Level.Trial)
        public void setUp() {
            open();
            for (int i = 1; i < attachments; i++) {
                more.add(buffer.attach(system.newDevice("other-" + i).coherent().build()));
            }
        }

        /** Detaches and releases everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (Attachment a : more) {
                a.close();
            }
            close();
            Systems.closeChecked(system);
        }
    }

    /**
     * The probe with {@code fences} signaled fences of as many contexts in its reservation: added pending, then
     * signaled (a signaled fence added later would replace the first signaled one, as in the kernel, so they would
     * not add up).
     */
    @State(Scope.Thread)
    public static class AtFences extends Probe {
        /** Fences in the probe's reservation, of distinct contexts. */
        @Param({"1", "30", "1000"})
        public int fences;

        /** Makes the probe and fences it. */
        @Setup(Level.Trial)
        public void setUp() {
            open();
            Reservation r = buffer.reservation();
            r.lock();
            List<SignalingFence> added = new ArrayList<>(fences);
            try {
                r.reserveFences(fences);
                for (int i = 0; i < fences; i++) {
                    SignalingFence f = system.fences().newContext("bench", "fence-" + i).next();
                    added.add(f);
                    r.addFence(f, FenceUsage.WRITE);
                }
            } finally {
                r.unlock();
            }
            for (SignalingFence f : added) {
                f.signal();
            }
        }

        /** Releases everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            close();
            Systems.closeChecked(system);
        }
    }

    /** The pending fences of the fence-add benchmark at a fence count: they must stay in the reservation. */
    @State(Scope.Thread)
    public static class AtPendingFences extends Probe {
        /** Pending fences in the probe's reservation, of distinct contexts. */
        @Param({"1", "30", "1000"})
        public int fences;

        final List<SignalingFence> pending = new ArrayList<>();

        /** Makes the probe and adds the pending fences. */
        @Setup(Level.Trial)
        public void setUp() {
            open();
            Reservation r = buffer.reservation();
            r.lock();
            try {
                r.reserveFences(fences);
                for (int i = 1; i < fences; i++) {
                    SignalingFence f = system.fences().newContext("bench", "fence-" + i).next();
                    pending.add(f);
                    r.addFence(f, FenceUsage.READ);
                }
            } finally {
                r.unlock();
            }
        }

        /** Signals the pending fences and releases everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (SignalingFence f : pending) {
                f.signal();
            }
            close();
            Systems.closeChecked(system);
        }
    }

    // ---- the operations ---------------------------------------------------------------------------------------

    private static void exportRelease(AtLiveBuffers s) {
        s.live.exportOne().handle().close();
    }

    private static void attachDetach(Probe p) {
        p.buffer.attach(p.device).close();
    }

    private static Mapping mapUnmap(Probe p) {
        Reservation r = p.buffer.reservation();
        r.lock();
        try {
            Mapping m = p.attachment.map(Direction.BIDIRECTIONAL);
            p.attachment.unmap(m);
            return m;
        } finally {
            r.unlock();
        }
    }

    private static void cpuAccess(Probe p, Blackhole bh) {
        try (CpuAccess w = p.buffer.beginCpuAccess(Access.READ_WRITE)) {
            bh.consume(w.segment());
        }
    }

    private static SignalingFence addFence(Probe p, FenceUsage usage) {
        Reservation r = p.buffer.reservation();
        SignalingFence f = p.context.next();
        f.signal();
        r.lock();
        try {
            r.reserveFences(1);
            r.addFence(f, usage);
        } finally {
            r.unlock();
        }
        return f;
    }

    // ---- live buffers -----------------------------------------------------------------------------------------

    /**
     * Export and release of a one-page buffer.
     *
     * @param s the live buffers
     */
    @Benchmark
    public void exportAtLiveBuffers(AtLiveBuffers s) {
        exportRelease(s);
    }

    /**
     * Attach and detach of the probe.
     *
     * @param s the live buffers
     */
    @Benchmark
    public void attachAtLiveBuffers(AtLiveBuffers s) {
        attachDetach(s);
    }

    /**
     * Map and unmap of the probe, with its lock.
     *
     * @param s the live buffers
     * @return the unmapped mapping
     */
    @Benchmark
    public Mapping mapAtLiveBuffers(AtLiveBuffers s) {
        return mapUnmap(s);
    }

    /**
     * A CPU window on the probe.
     *
     * @param s the live buffers
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void cpuAccessAtLiveBuffers(AtLiveBuffers s, Blackhole bh) {
        cpuAccess(s, bh);
    }

    /**
     * A fence added to the probe's reservation.
     *
     * @param s the live buffers
     * @return the fence
     */
    @Benchmark
    public SignalingFence addFenceAtLiveBuffers(AtLiveBuffers s) {
        return addFence(s, FenceUsage.WRITE);
    }

    // ---- attachments ------------------------------------------------------------------------------------------

    /**
     * Attach and detach of the probe to its device, beside the other attachments.
     *
     * @param s the attachments
     */
    @Benchmark
    public void attachAtAttachments(AtAttachments s) {
        attachDetach(s);
    }

    /**
     * Map and unmap of the probe's own attachment, with its lock.
     *
     * @param s the attachments
     * @return the unmapped mapping
     */
    @Benchmark
    public Mapping mapAtAttachments(AtAttachments s) {
        return mapUnmap(s);
    }

    /**
     * A CPU window on the probe.
     *
     * @param s the attachments
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void cpuAccessAtAttachments(AtAttachments s, Blackhole bh) {
        cpuAccess(s, bh);
    }

    /**
     * A fence added to the probe's reservation.
     *
     * @param s the attachments
     * @return the fence
     */
    @Benchmark
    public SignalingFence addFenceAtAttachments(AtAttachments s) {
        return addFence(s, FenceUsage.WRITE);
    }

    // ---- fences -----------------------------------------------------------------------------------------------

    /**
     * A fence of one more context added (replacing its own predecessor) to a reservation holding {@code fences - 1}
     * pending READ fences of other contexts: the kernel scans them all.
     *
     * @param s the fences
     * @return the fence
     */
    @Benchmark
    public SignalingFence addFenceAtFences(AtPendingFences s) {
        return addFence(s, FenceUsage.READ);
    }

    /**
     * A CPU window on the probe, whose reservation holds {@code fences} signaled fences.
     *
     * @param s the fences
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void cpuAccessAtFences(AtFences s, Blackhole bh) {
        cpuAccess(s, bh);
    }
}
