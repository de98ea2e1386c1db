package org.dmabuf4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.core.SimulatedSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Path 4, reservations: uncontended lock+unlock, and the multi-buffer lock helper with 2 threads each locking 8 random
 * buffers of 64 (throughput; the run finishing is the proof of zero deadlocks: a deadlock would hit the iteration
 * timeout and fail the run). {@code lockAll8of64} also reports how often the helper backed off after a would-deadlock
 * (the secondary metric {@code backoffs}).
 *
 * <p>Baselines: {@code baselineReentrantLock} (uncontended lock+unlock of a {@link ReentrantLock}) and
 * {@code baselineOrderedLocks} (2 threads locking the same 8-of-64 picks as {@link ReentrantLock}s in a global order,
 * the classic deadlock-free scheme that needs no back-off, but also no knowledge of other lockers' order).
 *
 * <p>The picks are pre-drawn per thread from a seed ({@value Picks#SEED_PROPERTY}, default
 * {@value Picks#DEFAULT_SEED}, plus the thread index) so that drawing is not measured and runs can be replayed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class ReservationBenchmark {
    /** Buffers in the pool. */
    static final int POOL = 64;
    /** Buffers locked per operation. */
    static final int PICK = 8;

    /** One lock of the calling thread. */
    @State(Scope.Thread)
    public static class Single {
        final ReentrantLock lock = new ReentrantLock();
    }

    /** The pool of 64 locks both threads share. */
    @State(Scope.Benchmark)
    public static class Pool {
        final ReentrantLock[] locks = new ReentrantLock[POOL];

        /** Creates the locks. */
        @Setup(Level.Trial)
        public void setUp() {
            Arrays.setAll(locks, i -> new ReentrantLock());
        }
    }

    /** A thread's pre-drawn sequence of 8-of-64 picks, each sorted ascending. */
    @State(Scope.Thread)
    public static class Picks {
        static final String SEED_PROPERTY = "dmabuf4j.bench.seed";
        static final long DEFAULT_SEED = 20261121L;
        static final int COUNT = 4096;

        int[][] picks;
        int next;

        /**
         * Draws the picks.
         *
         * @param thread JMH's thread parameters, for a per-thread seed
         */
        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            long seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED) + thread.getThreadIndex();
            System.out.println("ReservationBenchmark picks: thread " + thread.getThreadIndex() + " seed " + seed
                    + " (replay with -D" + SEED_PROPERTY + "=" + (seed - thread.getThreadIndex()) + ")");
            picks = draw(new SplittableRandom(seed), COUNT);
        }

        int[] next() {
            int[] p = picks[next];
            next = (next + 1) & (COUNT - 1);
            return p;
        }

        static int[][] draw(SplittableRandom random, int count) {
            int[][] out = new int[count][];
            for (int i = 0; i < count; i++) {
                out[i] = random.ints(0, POOL).distinct().limit(PICK).sorted().toArray();
            }
            return out;
        }
    }

    /** Library: one buffer's reservation, for the calling thread. */
    @State(Scope.Thread)
    public static class OneReservation {
        SimulatedSystem system;
        DmaBuf buffer;
        Reservation reservation;

        /** Creates the buffer. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            buffer = system.systemHeap().allocate(HeapChunks.PAGE);
            reservation = buffer.reservation();
        }

        /** Frees it. */
        @TearDown(Level.Trial)
        public void tearDown() {
            buffer.close();
            Systems.closeChecked(system);
        }
    }

    /** Library: 64 buffers both threads lock from. */
    @State(Scope.Benchmark)
    public static class ReservationPool {
        SimulatedSystem system;
        final DmaBuf[] buffers = new DmaBuf[POOL];
        final Reservation[] reservations = new Reservation[POOL];

        /** Creates the buffers. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            for (int i = 0; i < POOL; i++) {
                buffers[i] = system.systemHeap().allocate(HeapChunks.PAGE);
                reservations[i] = buffers[i].reservation();
            }
        }

        /** Frees them. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (DmaBuf b : buffers) {
                b.close();
            }
            Systems.closeChecked(system);
        }
    }

    /** A thread's pre-drawn picks as lists of reservations, in random (not sorted) order: lockAll must cope. */
    @State(Scope.Thread)
    public static class ReservationPicks {
        List<List<Reservation>> picks;
        int next;

        /**
         * Draws the picks.
         *
         * @param thread JMH's thread parameters, for a per-thread seed
         * @param pool the reservations
         */
        @Setup(Level.Trial)
        public void setUp(ThreadParams thread, ReservationPool pool) {
            long seed = Long.getLong(Picks.SEED_PROPERTY, Picks.DEFAULT_SEED) + thread.getThreadIndex();
            SplittableRandom random = new SplittableRandom(seed);
            int[][] drawn = Picks.draw(random, Picks.COUNT);
            picks = new ArrayList<>(Picks.COUNT);
            for (int[] d : drawn) {
                List<Reservation> rs = new ArrayList<>(PICK);
                for (int i : shuffled(d, random)) {
                    rs.add(pool.reservations[i]);
                }
                picks.add(List.copyOf(rs));
            }
        }

        List<Reservation> next() {
            List<Reservation> p = picks.get(next);
            next = (next + 1) & (Picks.COUNT - 1);
            return p;
        }

        private static int[] shuffled(int[] sorted, SplittableRandom random) {
            int[] a = sorted.clone();
            for (int i = a.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
            return a;
        }
    }

    /** Back-offs after would-deadlock, reported per operation. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Backoffs {
        /** Back-offs counted in the iteration. */
        public long backoffs;

        /** Resets the count. */
        @Setup(Level.Iteration)
        public void reset() {
            backoffs = 0;
        }
    }

    /**
     * Uncontended reservation lock+unlock (without acquire context).
     *
     * @param r the reservation
     */
    @Benchmark
    public void lockUnlock(OneReservation r) {
        r.reservation.lock();
        r.reservation.unlock();
    }

    /**
     * Two threads lock 8 of 64 reservations with {@code lockAll} (wait-die with back-off), then unlock them.
     *
     * @param pool the shared reservations and their system
     * @param p this thread's picks
     * @param b the back-off counter
     * @return the number of back-offs of this operation
     */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Timeout(time = 60)
    public int lockAll8of64(ReservationPool pool, ReservationPicks p, Backoffs b) {
        List<Reservation> pick = p.next();
        try (ReservationSet set = pool.system.lockAll(pick)) {
            int n = set.backoffs();
            b.backoffs += n;
            return n;
        }
    }

    /**
     * Uncontended ReentrantLock lock+unlock.
     *
     * @param s the lock
     */
    @Benchmark
    public void baselineReentrantLock(Single s) {
        s.lock.lock();
        s.lock.unlock();
    }

    /**
     * Two threads lock 8 of 64 ReentrantLocks in ascending order, then unlock them.
     *
     * @param pool the shared locks
     * @param p this thread's picks
     */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void baselineOrderedLocks(Pool pool, Picks p) {
        int[] pick = p.next();
        ReentrantLock[] locks = pool.locks;
        for (int i : pick) {
            locks[i].lock();
        }
        for (int i = pick.length - 1; i >= 0; i--) {
            locks[pick[i]].unlock();
        }
    }
}
