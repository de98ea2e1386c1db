package org.dmabuf4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.core.SimulatedSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14's sync objects: how fast a timeline point wakes its waiter, how fast a submit wakes a WAIT_FOR_SUBMIT
 * waiter, and a point lookup, each next to its floor measured in the same run.
 *
 * <ul>
 *   <li>{@code timelineSignalToWakeup}: a round trip through a helper thread by timeline points whose fences are
 *       already submitted: the caller signals the fence of point p of one timeline, the helper (blocked in
 *       {@code waitFor(p)}) wakes and signals the fence of point p of another, which wakes the caller — two
 *       signal → wake-ups through the fence chain of a timeline, as the park/unpark baseline has two wake-ups. The
 *       next round's points are submitted during the round (two {@code addPoint}s of fresh fences);</li>
 *   <li>{@code submitToWakeup}: the same round trip with WAIT_FOR_SUBMIT waits on points not submitted yet: each side
 *       wakes when the other {@code signal(p)}s, which submits point p already signaled (drm_syncobj's
 *       WAIT_FOR_SUBMIT latency);</li>
 *   <li>{@code pointLookup}: {@code fenceAt(p)} of a timeline holding 4096 pending points (2, 4, …, 8192), for
 *       pre-drawn random p in 1 … 8192: the fence of the first point at or after p.</li>
 * </ul>
 *
 * <table>
 *   <caption>Baselines</caption>
 *   <tr><th>method</th><th>what it is the floor of</th></tr>
 *   <tr><td>baselineParkPingPong</td><td>the wake-ups: a park/unpark round trip through a helper thread</td></tr>
 *   <tr><td>baselineSkipListLookup</td><td>the lookup: {@code ConcurrentSkipListMap.ceilingEntry} over the same 4096
 *       points (pre-boxed keys), the JDK's lock-free sorted map</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class SyncObjectBenchmark {
    /** Points of the lookup timeline. */
    static final int POINTS = 4096;
    /** Pre-drawn lookups, cycled. */
    static final int LOOKUPS = 4096;
    /** The system property that replays the lookups. */
    static final String SEED_PROPERTY = "dmabuf4j.bench.seed";
    /** The default seed. */
    static final long DEFAULT_SEED = 20261121L;

    /** Library: a helper thread answering through timeline points with submitted fences. */
    @State(Scope.Thread)
    public static class TimelinePartner {
        SimulatedSystem system;
        TimelinePingPong pingPong;

        /** Starts the helper. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            pingPong = new TimelinePingPong(system, false);
        }

        /** Stops the helper. */
        @TearDown(Level.Trial)
        public void tearDown() {
            pingPong.close();
            Systems.closeChecked(system);
        }
    }

    /** Library: a helper thread answering through WAIT_FOR_SUBMIT waits on points not yet submitted. */
    @State(Scope.Thread)
    public static class SubmitPartner {
        SimulatedSystem system;
        TimelinePingPong pingPong;

        /** Starts the helper. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            pingPong = new TimelinePingPong(system, true);
        }

        /** Stops the helper. */
        @TearDown(Level.Trial)
        public void tearDown() {
            pingPong.close();
            Systems.closeChecked(system);
        }
    }

    /** The pre-drawn lookup points, shared by the library and the baseline. */
    static long[] lookups() {
        long seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
        System.out.println("SyncObjectBenchmark lookups: seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed
                + ")");
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            out[i] = 1 + random.nextInt(2 * POINTS);
        }
        return out;
    }

    /** Library: a timeline with 4096 pending points. */
    @State(Scope.Thread)
    public static class Points {
        SimulatedSystem system;
        SyncObject timeline;
        List<SignalingFence> fences;
        long[] lookups;
        int next;

        /** Submits the points and draws the lookups. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            timeline = system.newSyncObject(SyncObjectKind.TIMELINE, "lookup");
            FenceContext context = system.fences().newContext("bench", "points");
            fences = new ArrayList<>(POINTS);
            for (int i = 1; i <= POINTS; i++) {
                SignalingFence f = context.next();
                fences.add(f);
                timeline.addPoint(2L * i, f);
            }
            lookups = lookups();
        }

        long nextPoint() {
            long p = lookups[next];
            next = (next + 1) & (LOOKUPS - 1);
            return p;
        }

        /** Signals the fences and closes everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (SignalingFence f : fences) {
                f.signal();
            }
            timeline.close();
            Systems.closeChecked(system);
        }
    }

    /** Baseline: the same 4096 points in a {@link ConcurrentSkipListMap}. */
    @State(Scope.Thread)
    public static class SkipList {
        final ConcurrentSkipListMap<Long, Object> map = new ConcurrentSkipListMap<>();
        Long[] lookups;
        int next;

        /** Fills the map and boxes the lookups once. */
        @Setup(Level.Trial)
        public void setUp() {
            Object f = new Object();
            for (int i = 1; i <= POINTS; i++) {
                map.put(2L * i, f);
            }
            long[] drawn = lookups();
            lookups = new Long[drawn.length];
            for (int i = 0; i < drawn.length; i++) {
                lookups[i] = drawn[i];
            }
        }

        Long nextPoint() {
            Long p = lookups[next];
            next = (next + 1) & (LOOKUPS - 1);
            return p;
        }
    }

    /**
     * Timeline point signal → waiter wake-up, twice: a round trip through a helper thread.
     *
     * @param p the helper
     * @return the point of the round
     */
    @Benchmark
    public long timelineSignalToWakeup(TimelinePartner p) {
        return p.pingPong.roundTrip();
    }

    /**
     * Submit → WAIT_FOR_SUBMIT waiter wake-up, twice: a round trip through a helper thread.
     *
     * @param p the helper
     * @return the point of the round
     */
    @Benchmark
    public long submitToWakeup(SubmitPartner p) {
        return p.pingPong.roundTrip();
    }

    /**
     * A park/unpark round trip through a helper thread.
     *
     * @param p the helper
     * @return the round number
     */
    @Benchmark
    public long baselineParkPingPong(FenceBenchmark.ParkPartner p) {
        return p.pingPong.roundTrip();
    }

    /**
     * The fence of the first point at or after a random point of a 4096-point timeline.
     *
     * @param p the timeline
     * @return the fence
     */
    @Benchmark
    public Fence pointLookup(Points p) {
        return p.timeline.fenceAt(p.nextPoint()).orElseThrow();
    }

    /**
     * The same lookup in a ConcurrentSkipListMap.
     *
     * @param s the map
     * @return the value
     */
    @Benchmark
    public Object baselineSkipListLookup(SkipList s) {
        Map.Entry<Long, Object> e = s.map.ceilingEntry(s.nextPoint());
        return e.getValue();
    }
}
