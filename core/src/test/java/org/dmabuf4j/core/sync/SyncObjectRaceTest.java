package org.dmabuf4j.core.sync;

import static org.dmabuf4j.core.sync.SyncObjectTests.BOUND;
import static org.dmabuf4j.core.sync.SyncObjectTests.FOR_SUBMIT;
import static org.dmabuf4j.core.sync.SyncObjectTests.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Races of signal against wait across threads: bounded, seeded (printed; replay with -Ddmabuf4j.seed=N). */
class SyncObjectRaceTest extends SyncTestBase {
    private static final int POINTS = 2_000;
    private static final int WAITERS = 3;
    private final FenceContext ctx = fences.newContext("race-test", "gpu");

    @Test
    @DisplayName("SYNCOBJ-2: waiters for random points, racing a submitter and a signaler, return only once their point has signaled")
    void waitersRacingSignalersSeeTheirPointSignaled() {
        long seed = Seeds.seed("SyncObjectRaceTest.waitersRacingSignalers");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            SyncObject tl = timeline("race");
            BlockingQueue<SignalingFence> toSignal = new ArrayBlockingQueue<>(POINTS);
            AtomicInteger checked = new AtomicInteger();
            CyclicBarrier go = new CyclicBarrier(WAITERS + 2);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WAITERS; w++) {
                Random random = new Random(seed + w);
                threads.add(start("waiter-" + w, () -> {
                    go.await();
                    for (int i = 0; i < POINTS / 10; i++) {
                        long point = 1 + random.nextInt(POINTS);
                        boolean future = random.nextBoolean();
                        if (future) {
                            CompletableFuture<Fence> f = tl.whenSignaled(point, FOR_SUBMIT);
                            f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                        } else {
                            assertTrue(tl.waitFor(point, FOR_SUBMIT, BOUND), "point " + point + " timed out");
                        }
                        long query = tl.query();
                        assertTrue(Long.compareUnsigned(query, point) >= 0, "woken for point " + point
                                + " while query() is " + query + " (seed " + seed + ")");
                        checked.incrementAndGet();
                    }
                }));
            }
            Random random = new Random(seed);
            SignalingFence endMarker = ctx.next();
            threads.add(start("submitter", () -> {
                go.await();
                long point = 0;
                while (point < POINTS) {
                    point += 1 + random.nextInt(3);
                    if (random.nextInt(4) == 0) {
                        tl.signal(point);
                    } else {
                        SignalingFence f = ctx.next();
                        tl.addPoint(point, f);
                        toSignal.put(f);
                    }
                }
                toSignal.put(endMarker);
                tl.signal(point + 1);
            }));
            threads.add(start("signaler", () -> {
                go.await();
                while (true) {
                    SignalingFence f = toSignal.take();
                    f.signal();
                    if (f == endMarker) {
                        return; // queued last: every attached fence before it has been signaled
                    }
                }
            }));
            for (Thread t : threads) {
                join(t);
            }
            rethrowThreadFailure();
            assertEquals(WAITERS * (POINTS / 10), checked.get());
            assertEquals(tl.lastPoint(), tl.query(), "every point signaled in the end");
            assertEquals(0, ((SyncObjectImpl) tl).listenerCount(), "no listener left behind");
        });
    }

    @Test
    @DisplayName("SYNCOBJ-3: concurrent signalers never make the timeline go backwards; each loser gets the SYNCOBJ-3 error")
    void concurrentSignalersKeepPointsIncreasing() {
        long seed = Seeds.seed("SyncObjectRaceTest.concurrentSignalers");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            SyncObject tl = timeline("race");
            AtomicLong ticket = new AtomicLong();
            AtomicLong maxAccepted = new AtomicLong();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            CyclicBarrier go = new CyclicBarrier(3);
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                Random random = new Random(seed + s);
                threads.add(start("signaler-" + s, () -> {
                    go.await();
                    for (int i = 0; i < POINTS; i++) {
                        long point = ticket.addAndGet(1 + random.nextInt(2));
                        try {
                            tl.signal(point);
                            accepted.incrementAndGet();
                            maxAccepted.accumulateAndGet(point, Math::max);
                        } catch (RuleViolationException e) {
                            assertEquals(Rule.SYNCOBJ_3, e.rule(), e::getMessage);
                            assertTrue(tl.lastPoint() > point, "rejected " + point + " although the last point is "
                                    + tl.lastPoint() + " (seed " + seed + ")");
                            rejected.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                join(t);
            }
            rethrowThreadFailure();
            assertEquals(3 * POINTS, accepted.get() + rejected.get());
            assertEquals(maxAccepted.get(), tl.lastPoint());
            assertEquals(tl.lastPoint(), tl.query());
        });
    }
}
