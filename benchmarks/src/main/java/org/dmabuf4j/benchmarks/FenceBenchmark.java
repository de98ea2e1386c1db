package org.dmabuf4j.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Path 5, fences: signal → callback, signal → wake-up of a waiting thread (a round trip through a helper thread), and
 * merges of 2, 16 and 256 fences.
 *
 * <table>
 *   <caption>Baselines</caption>
 *   <tr><th>method</th><th>what it is the floor of, or the peer for</th></tr>
 *   <tr><td>baselineParkPingPong</td><td>signal → wake-up: a park/unpark round trip (two wake-ups)</td></tr>
 *   <tr><td>baselineFuturePingPong</td><td>peer: the same round trip through CompletableFuture complete/join</td></tr>
 *   <tr><td>baselineFutureCallback</td><td>peer for signal → callback: new CompletableFuture, thenRun, complete</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class FenceBenchmark {

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

        @Override
        public void run() {
            runs++;
        }
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
     * New future, one callback, complete: the callback runs on this thread.
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
