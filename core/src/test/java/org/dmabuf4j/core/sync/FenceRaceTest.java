package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Races on one fence between signal, addCallback, removeCallback, setError and a second signaler. */
class FenceRaceTest extends SyncTestBase {
    private static final int ITERATIONS = 20_000;
    private final FenceContext ctx = fences.newContext("race", "race");

    @Test
    @DisplayName("FENCE-2: signal racing addCallback never loses a callback and never runs one twice")
    void signalRacingAddCallbackLosesNoCallback() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            SignalingFence[] fence = new SignalingFence[1];
            AtomicInteger runs = new AtomicInteger();
            int[] queued = new int[1];
            int[] refused = new int[1];
            boolean[] added = new boolean[1];
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier end = new CyclicBarrier(2);
            FenceCallback cb = f -> runs.incrementAndGet();
            Thread adder = start("adder", () -> {
                for (int i = 0; i < ITERATIONS; i++) {
                    start.await();
                    added[0] = fence[0].addCallback(cb);
                    if (added[0]) {
                        queued[0]++;
                    } else {
                        refused[0]++;
                    }
                    end.await();
                }
            });
            for (int i = 0; i < ITERATIONS; i++) {
                fence[0] = ctx.next();
                int before = runs.get();
                start.await();
                fence[0].signal();
                end.await();
                // Visible after the barrier: the adder's outcome for this round.
                int ranNow = runs.get() - before;
                assertEquals(added[0] ? 1 : 0, ranNow, "round " + i + ": queued=" + added[0]);
            }
            join(adder);
            rethrowThreadFailure();
            assertEquals(ITERATIONS, queued[0] + refused[0]);
            assertEquals(queued[0], runs.get(), "every queued callback ran exactly once; refused ones never ran");
            System.out.println("signal vs addCallback: " + queued[0] + " queued, " + refused[0] + " refused");
        });
    }

    @Test
    @DisplayName("FENCE-2: removeCallback racing signal either removes it (never runs) or reports it ran")
    void removeRacingSignalIsExclusive() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            SignalingFence[] fence = new SignalingFence[1];
            AtomicInteger runs = new AtomicInteger();
            boolean[] removed = new boolean[1];
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier end = new CyclicBarrier(2);
            FenceCallback cb = f -> runs.incrementAndGet();
            int removedCount = 0;
            Thread remover = start("remover", () -> {
                for (int i = 0; i < ITERATIONS; i++) {
                    start.await();
                    removed[0] = fence[0].removeCallback(cb);
                    end.await();
                }
            });
            for (int i = 0; i < ITERATIONS; i++) {
                fence[0] = ctx.next();
                fence[0].addCallback(f -> { });
                fence[0].addCallback(cb);
                int before = runs.get();
                start.await();
                fence[0].signal();
                end.await();
                int ran = runs.get() - before;
                assertEquals(removed[0] ? 0 : 1, ran, "round " + i + ": removed=" + removed[0] + " ran=" + ran);
                removedCount += removed[0] ? 1 : 0;
            }
            join(remover);
            rethrowThreadFailure();
            System.out.println("removeCallback vs signal: removed first in " + removedCount + " of " + ITERATIONS);
        });
    }

    @Test
    @DisplayName("FENCE-1: of two threads signaling at once exactly one reports the signal")
    void exactlyOneOfTwoSignalersWins() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            SignalingFence[] fence = new SignalingFence[1];
            boolean[] otherWon = new boolean[1];
            AtomicInteger runs = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier end = new CyclicBarrier(2);
            Thread other = start("other-signaler", () -> {
                for (int i = 0; i < ITERATIONS; i++) {
                    start.await();
                    otherWon[0] = fence[0].signal();
                    end.await();
                }
            });
            for (int i = 0; i < ITERATIONS; i++) {
                fence[0] = ctx.next();
                fence[0].addCallback(f -> runs.incrementAndGet());
                start.await();
                boolean iWon = fence[0].signal();
                end.await();
                assertTrue(iWon ^ otherWon[0], "exactly one signal call wins in round " + i);
            }
            join(other);
            rethrowThreadFailure();
            assertEquals(ITERATIONS, runs.get(), "the callback ran once per fence");
        });
    }

    @Test
    @DisplayName("FENCE-3: setError racing signal either lands before the signal or is refused, never after")
    void setErrorRacingSignalNeverChangesASignaledFence() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            SignalingFence[] fence = new SignalingFence[1];
            boolean[] accepted = new boolean[1];
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier end = new CyclicBarrier(2);
            RuntimeException cause = new IllegalStateException("device lost");
            Thread setter = start("error-setter", () -> {
                for (int i = 0; i < ITERATIONS; i++) {
                    start.await();
                    try {
                        fence[0].setError(cause);
                        accepted[0] = true;
                    } catch (RuleViolationException refused) {
                        accepted[0] = false;
                    }
                    end.await();
                }
            });
            for (int i = 0; i < ITERATIONS; i++) {
                fence[0] = ctx.next();
                FenceStatus[] atCallback = new FenceStatus[1];
                fence[0].addCallback(f -> atCallback[0] = f.status());
                start.await();
                fence[0].signal();
                end.await();
                FenceStatus expected = accepted[0] ? FenceStatus.ERROR
                        : FenceStatus.SIGNALED;
                assertEquals(expected, fence[0].status(), "round " + i);
                assertEquals(expected, atCallback[0], "the status seen by callbacks is final, round " + i);
            }
            join(setter);
            rethrowThreadFailure();
        });
    }

    @Test
    @DisplayName("FENCE-2: many threads adding and removing callbacks while one signals: each queued one runs once")
    void manyThreadsAddAndRemoveWhileSignaling() {
        long seed = Seeds.seed("FenceRaceTest.manyThreadsAddAndRemoveWhileSignaling");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            int rounds = 2_000;
            int threads = 3;
            for (int round = 0; round < rounds; round++) {
                SignalingFence f = ctx.next();
                AtomicInteger expectedRuns = new AtomicInteger();
                AtomicInteger runs = new AtomicInteger();
                CyclicBarrier go = new CyclicBarrier(threads + 1);
                Thread[] workers = new Thread[threads];
                long roundSeed = seed + round;
                for (int t = 0; t < threads; t++) {
                    Random rnd = new Random(roundSeed * 31 + t);
                    workers[t] = start("adder-" + t, () -> {
                        go.await();
                        for (int k = 0; k < 8; k++) {
                            FenceCallback cb = x -> runs.incrementAndGet();
                            if (f.addCallback(cb)) {
                                if (rnd.nextBoolean() && f.removeCallback(cb)) {
                                    continue;
                                }
                                expectedRuns.incrementAndGet();
                            }
                        }
                    });
                }
                go.await();
                f.signal();
                for (Thread w : workers) {
                    join(w);
                }
                rethrowThreadFailure();
                assertEquals(expectedRuns.get(), runs.get(), "round " + round + " (seed " + seed + ")");
            }
        });
    }
}
