package org.dmabuf4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.SignalingFence;
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

/**
 * Path 5, fences: signal → callback, signal → wake-up of a waiting thread (a round trip through a helper thread), and
 * merges of 2, 16 and 256 fences.
 *
 * <ul>
 *   <li>{@code signalToCallback}: a new fence of a context, one callback, signal: the callback runs on this
 *       thread;</li>
 *   <li>{@code signalToWakeup}: a round trip through a helper thread by fences (see {@link FencePingPong}): two
 *       signal → wake-ups, as the park/unpark baseline has two unpark → wake-ups;</li>
 *   <li>{@code merge}: {@code Fences.merge} of {@code fenceCount} pending fences of distinct contexts (an array of
 *       all of them), given in a shuffled order (seed {@value #SEED_PROPERTY}, printed at setup);</li>
 *   <li>{@code unwrap}: {@code Fences.unwrap} of that merged array: its {@code fenceCount} leaves.</li>
 * </ul>
 *
 * <table>
 *   <caption>Baselines</caption>
 *   <tr><th>method</th><th>what it is the floor of, or the peer for</th></tr>
 *   <tr><td>baselineParkPingPong</td><td>signal → wake-up: a park/unpark round trip (two wake-ups)</td></tr>
 *   <tr><td>baselineFuturePingPong</td><td>peer: the same round trip through CompletableFuture complete/join</td></tr>
 *   <tr><td>baselineFutureCallback</td><td>signal → callback: new CompletableFuture, thenRun, complete</td></tr>
 *   <tr><td>baselineFutureCallbackTimestamped</td><td>diagnostic: the same plus one {@code System.nanoTime()}, the
 *       timestamp a fence takes at signal and a future does not</td></tr>
 *   <tr><td>baselineSortDedup</td><td>merge and unwrap: the same (context, seqno) pairs, in the same order, packed
 *       into one {@code long} each, sorted with {@code Arrays.sort}, the later seqno of each context kept in a new
 *       array — the least a merge must do with the fences' identities</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class FenceBenchmark {
    /** The system property that replays the merge order. */
    static final String SEED_PROPERTY = "dmabuf4j.bench.seed";
    /** The default seed of the merge order. */
    static final long DEFAULT_SEED = 20261121L;

    /** A park/unpark helper thread. */
    @State(Scope.Thread)
    public static class ParkPartner {
        ParkPingPong pingPong;

        /** Starts the helper. */
        @Setup(Level.Trial)
        public void setUp() {
            pingPong = new ParkPingPong();
        }

        /** Stops the helper. */
        @TearDown(Level.Trial)
        public void tearDown() {
            pingPong.close();
        }
    }

    /** A CompletableFuture helper thread. */
    @State(Scope.Thread)
    public static class FuturePartner {
        FuturePingPong pingPong;

        /** Starts the helper. */
        @Setup(Level.Trial)
        public void setUp() {
            pingPong = new FuturePingPong();
        }

        /** Stops the helper. */
        @TearDown(Level.Trial)
        public void tearDown() {
            pingPong.close();
        }
    }

    /** A callback that counts its runs. */
    @State(Scope.Thread)
    public static class Counter implements Runnable {
        long runs;
        long stamp;

        @Override
        public void run() {
            runs++;
        }
    }

    /** Library: a fence context and a callback that counts its runs. */
    @State(Scope.Thread)
    public static class Signaling {
        SimulatedSystem system;
        FenceContext context;
        final CountingCallback callback = new CountingCallback();

        /** Creates the system and the context. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            context = system.fences().newContext("bench", "callbacks");
        }

        /** Closes the system. */
        @TearDown(Level.Trial)
        public void tearDown() {
            Systems.closeChecked(system);
        }
    }

    /** A fence callback that counts its runs. */
    static final class CountingCallback implements FenceCallback {
        long runs;

        @Override
        public void onSignaled(Fence fence) {
            runs++;
        }
    }

    /** Library: a fence ping-pong helper thread. */
    @State(Scope.Thread)
    public static class FencePartner {
        SimulatedSystem system;
        FencePingPong pingPong;

        /** Starts the helper. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            pingPong = new FencePingPong(system.fences());
        }

        /** Stops the helper. */
        @TearDown(Level.Trial)
        public void tearDown() {
            pingPong.close();
            Systems.closeChecked(system);
        }
    }

    /** Library: {@code fenceCount} pending fences, one per context, in a shuffled order, and their merge. */
    @State(Scope.Thread)
    public static class Pending {
        /** Fences merged per operation. */
        @Param({"2", "16", "256", "4096"})
        public int fenceCount;

        SimulatedSystem system;
        List<SignalingFence> fences;
        Fence merged;

        /** Creates the fences, shuffles them and checks that the merge keeps every one. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            fences = new ArrayList<>(fenceCount);
            for (int i = 0; i < fenceCount; i++) {
                fences.add(system.fences().newContext("bench", "merge-" + i).next());
            }
            Collections.shuffle(fences, new Random(seed("merge order")));
            merged = system.fences().merge(fences);
            if (fences.size() > 1 && system.fences().unwrap(merged).size() != fenceCount) {
                throw new IllegalStateException("merge of " + fenceCount + " fences of distinct contexts kept "
                        + system.fences().unwrap(merged).size());
            }
        }

        /** Signals the fences and closes the system. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (SignalingFence f : fences) {
                f.signal();
            }
            Systems.closeChecked(system);
        }
    }

    /** Baseline: the (context, seqno) pairs of {@link Pending}'s fences, in the same shuffled order. */
    @State(Scope.Thread)
    public static class Pairs {
        /** Pairs per operation. */
        @Param({"2", "16", "256", "4096"})
        public int fenceCount;

        long[] contexts;
        long[] seqnos;

        /** Draws the pairs as {@link Pending} does: contexts 1..n, one fence each, shuffled with the same seed. */
        @Setup(Level.Trial)
        public void setUp() {
            List<Integer> order = new ArrayList<>(fenceCount);
            for (int i = 0; i < fenceCount; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed("pair order")));
            contexts = new long[fenceCount];
            seqnos = new long[fenceCount];
            for (int i = 0; i < fenceCount; i++) {
                contexts[i] = 1000 + order.get(i);
                seqnos[i] = 1;
            }
        }
    }

    private static long seed(String what) {
        long seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
        System.out.println("FenceBenchmark " + what + ": seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed
                + ")");
        return seed;
    }

    /**
     * New fence, one callback, signal: the callback runs on this thread.
     *
     * @param s the context and callback
     * @return the signaled fence
     */
    @Benchmark
    public Fence signalToCallback(Signaling s) {
        SignalingFence f = s.context.next();
        f.addCallback(s.callback);
        f.signal();
        return f;
    }

    /**
     * A round trip through a helper thread by fences: signal its fence, wait for its reply.
     *
     * @param p the helper
     * @return the reply fence
     */
    @Benchmark
    public Fence signalToWakeup(FencePartner p) {
        return p.pingPong.roundTrip();
    }

    /**
     * Merge of pending fences of distinct contexts.
     *
     * @param p the fences
     * @return the merged fence (an array)
     */
    @Benchmark
    public Fence merge(Pending p) {
        return p.system.fences().merge(p.fences);
    }

    /**
     * Diagnostic floor of signal → callback: the CompletableFuture round of {@link #baselineFutureCallback} plus the
     * clock read a fence's signal takes for its timestamp (FENCE-8, the kernel's {@code ktime_get} in
     * {@code dma_fence_signal}), which the future does not take. On a VM whose clock is slow to read, this row shows
     * how much of the gap the timestamp is.
     *
     * @param c the callback
     * @return the completed future
     */
    @Benchmark
    public CompletableFuture<Void> baselineFutureCallbackTimestamped(Counter c) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        f.thenRun(c);
        c.stamp = System.nanoTime();
        f.complete(null);
        return f;
    }

    /**
     * Unwrap of the merged array of pending fences: its leaves.
     *
     * @param p the merged array
     * @return the leaves
     */
    @Benchmark
    public List<Fence> unwrap(Pending p) {
        return p.system.fences().unwrap(p.merged);
    }

    /**
     * The floor of a merge: sort the (context, seqno) pairs and keep the later seqno per context, in a new array.
     *
     * @param p the pairs
     * @return the kept pairs
     */
    @Benchmark
    public long[] baselineSortDedup(Pairs p) {
        int n = p.contexts.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = p.contexts[i] << 32 | p.seqnos[i];
        }
        Arrays.sort(keys);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && keys[i + 1] >>> 32 == keys[i] >>> 32) {
                continue;
            }
            keys[kept++] = keys[i];
        }
        return kept == n ? keys : Arrays.copyOf(keys, kept);
    }

    /**
     * A park/unpark round trip through a helper thread.
     *
     * @param p the helper
     * @return the round number
     */
    @Benchmark
    public long baselineParkPingPong(ParkPartner p) {
        return p.pingPong.roundTrip();
    }

    /**
     * A CompletableFuture round trip through a helper thread.
     *
     * @param p the helper
     * @return the completed reply
     */
    @Benchmark
    public CompletableFuture<Void> baselineFuturePingPong(FuturePartner p) {
        return p.pingPong.roundTrip();
    }

    /**
     * New future, one dependent action, complete: the action runs on this thread (the floor of signal → callback).
     *
     * @param c the callback
     * @return the completed future
     */
    @Benchmark
    public CompletableFuture<Void> baselineFutureCallback(Counter c) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        f.thenRun(c);
        f.complete(null);
        return f;
    }
}
