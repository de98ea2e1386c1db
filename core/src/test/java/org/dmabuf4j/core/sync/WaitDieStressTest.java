package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceCursor;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.WouldDeadlockException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several threads lock random subsets of N reservations in random order, through acquire contexts with a hand-written
 * back-off loop, through LockAll, and with plain single locks, while an unlocked reader iterates. It must always
 * complete (no deadlock: bounded by a preemptive timeout) with at most one holder per reservation at any instant.
 * Seeded: the printed seed replays each thread's choices with -Ddmabuf4j.seed.
 */
class WaitDieStressTest extends SyncTestBase {
    private static final int RESERVATIONS = 6;
    private static final int ITERATIONS = 600;

    private final List<ReservationImpl> resvs = new ArrayList<>();
    private final AtomicInteger[] inside = new AtomicInteger[RESERVATIONS];
    private final AtomicLong backoffs = new AtomicLong();
    private final AtomicLong violations = new AtomicLong();

    private void setUp() {
        for (int i = 0; i < RESERVATIONS; i++) {
            resvs.add(reservation("r" + i));
            inside[i] = new AtomicInteger();
        }
    }

    /** A random non-empty subset in random order. */
    private List<Integer> subset(Random rnd) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < RESERVATIONS; i++) {
            all.add(i);
        }
        Collections.shuffle(all, rnd);
        return all.subList(0, 1 + rnd.nextInt(RESERVATIONS));
    }

    /** The critical section: every lock is ours alone; touch the fence slots while we hold them. */
    private void critical(List<Integer> ids, FenceContext fenceCtx) {
        for (int id : ids) {
            if (inside[id].incrementAndGet() != 1) {
                violations.incrementAndGet();
            }
        }
        Thread.yield(); // widen the window in which another holder would be caught
        SignalingFence f = fenceCtx.next();
        for (int id : ids) {
            ReservationImpl r = resvs.get(id);
            r.reserveFences(1);
            r.addFence(f, FenceUsage.WRITE);
        }
        f.signal();
        for (int id : ids) {
            if (inside[id].decrementAndGet() != 0) {
                violations.incrementAndGet();
            }
        }
    }

    private void withContexts(Random rnd, FenceContext fenceCtx) {
        for (int i = 0; i < ITERATIONS; i++) {
            List<Integer> ids = subset(rnd);
            AcquireContextImpl ctx = context();
            ReservationImpl contended = null;
            while (true) {
                ReservationImpl trying = contended;
                try {
                    if (contended != null) {
                        contended.lockSlow(ctx);
                    }
                    for (int id : ids) {
                        ReservationImpl r = resvs.get(id);
                        if (r != contended) {
                            trying = r;
                            r.lock(ctx);
                        }
                    }
                    break;
                } catch (WouldDeadlockException e) {
                    ctx.unlockAll();
                    contended = trying;
                    backoffs.incrementAndGet();
                }
            }
            ctx.done();
            critical(ids, fenceCtx);
            ctx.unlockAll();
            ctx.close();
        }
    }

    private void withLockAll(Random rnd, FenceContext fenceCtx) {
        for (int i = 0; i < ITERATIONS; i++) {
            List<Integer> ids = subset(rnd);
            List<ReservationImpl> wanted = new ArrayList<>();
            for (int id : ids) {
                wanted.add(resvs.get(id));
            }
            try (ReservationSet set = LockAll.lockAll(wanted)) {
                backoffs.addAndGet(set.backoffs());
                critical(ids, fenceCtx);
            }
        }
    }

    private void withPlainLocks(Random rnd, FenceContext fenceCtx) {
        for (int i = 0; i < ITERATIONS; i++) {
            int id = rnd.nextInt(RESERVATIONS);
            ReservationImpl r = resvs.get(id);
            if (rnd.nextBoolean()) {
                r.lock();
            } else {
                while (!r.tryLock()) {
                    Thread.onSpinWait();
                }
            }
            try {
                critical(List.of(id), fenceCtx);
            } finally {
                r.unlock();
            }
        }
    }

    private void reader(Random rnd, AtomicInteger writersLeft) {
        while (writersLeft.get() > 0) {
            ReservationImpl r = resvs.get(rnd.nextInt(RESERVATIONS));
            try (FenceCursor c = r.cursor(FenceUsage.READ)) {
                while (c.next()) {
                    c.fence();
                }
            }
            r.isSignaled(FenceUsage.WRITE);
        }
    }

    private void run(String name, String... roles) {
        long seed = Seeds.seed("WaitDieStressTest." + name);
        setUp();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CyclicBarrier go = new CyclicBarrier(roles.length + 1);
            AtomicInteger writersLeft = new AtomicInteger(roles.length);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < roles.length; t++) {
                Random rnd = new Random(seed + t);
                String role = roles[t];
                FenceContext fenceCtx = fences.newContext("stress", role + t);
                threads.add(start(role + "-" + t, () -> {
                    go.await();
                    try {
                        switch (role) {
                            case "ctx" -> withContexts(rnd, fenceCtx);
                            case "lockAll" -> withLockAll(rnd, fenceCtx);
                            case "plain" -> withPlainLocks(rnd, fenceCtx);
                            default -> throw new IllegalArgumentException(role);
                        }
                    } finally {
                        writersLeft.decrementAndGet();
                    }
                }));
            }
            Thread reader = start("reader", () -> reader(new Random(seed - 1), writersLeft));
            go.await();
            for (Thread t : threads) {
                t.join();
            }
            reader.join();
        }, () -> "deadlock or livelock (seed " + seed + "): rerun with -D" + Seeds.PROPERTY + "=" + seed);
        rethrowThreadFailure();
        System.out.println("[stress] " + name + ": " + roles.length + " threads x " + ITERATIONS + " iterations, "
                + backoffs.get() + " back-offs");
        assertEquals(0, violations.get(), "two holders inside one reservation's critical section (seed " + seed + ")");
        for (ReservationImpl r : resvs) {
            assertEquals(0, r.fences(FenceUsage.BOOKKEEP).size(), "every fence signaled");
        }
    }

    @Test
    @DisplayName("RESV-5: threads locking random subsets with hand-written back-off never deadlock, one holder each")
    void handWrittenBackOffNeverDeadlocks() {
        run("handWrittenBackOffNeverDeadlocks", "ctx", "ctx", "ctx", "ctx");
    }

    @Test
    @DisplayName("RESV-6: threads locking random subsets through lockAll never deadlock, one holder each")
    void lockAllNeverDeadlocks() {
        run("lockAllNeverDeadlocks", "lockAll", "lockAll", "lockAll", "lockAll");
    }

    @Test
    @DisplayName("RESV-5: contexts, lockAll and plain single locks mixed never deadlock, one holder each")
    void mixedLockingNeverDeadlocks() {
        run("mixedLockingNeverDeadlocks", "ctx", "lockAll", "ctx", "plain", "lockAll");
    }
}
