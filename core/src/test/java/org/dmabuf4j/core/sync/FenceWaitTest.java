package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Waits on fences (FENCE-12): timeouts, polls, interruption, wait-for-any, virtual threads, no leaked threads. */
class FenceWaitTest extends SyncTestBase {
    private final FenceContext ctx = fences.newContext("wait", "wait");

    @Test
    @DisplayName("FENCE-12: a wait on a pending fence returns false when the timeout passes")
    void aWaitTimesOut() throws InterruptedException {
        SignalingFence f = ctx.next();
        assertFalse(f.await(Duration.ofMillis(20)));
        assertFalse(f.isSignaled());
        assertFalse(f.removeCallback(x -> { }), "the timed-out waiter left no callback behind");
    }

    @Test
    @DisplayName("FENCE-12: a zero timeout polls")
    void aZeroTimeoutPolls() throws InterruptedException {
        SignalingFence f = ctx.next();
        assertFalse(f.await(Duration.ZERO));
        f.signal();
        assertTrue(f.await(Duration.ZERO));
    }

    @Test
    @DisplayName("FENCE-12: a negative or null timeout is rejected")
    void aNegativeTimeoutIsRejected() {
        SignalingFence f = ctx.next();
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> f.await(Duration.ofNanos(-1)));
        assertEquals(Rule.FENCE_12, e.rule());
        assertEquals(Rule.FENCE_12, assertThrows(RuleViolationException.class, () -> f.await(null)).rule());
    }

    @Test
    @DisplayName("FENCE-12: a waiter blocked on a pending fence wakes when another thread signals it")
    void aWaiterWakesOnSignal() throws Exception {
        SignalingFence f = ctx.next();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean result = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            waiting.countDown();
            result.set(f.await(Duration.ofSeconds(10)));
        });
        waiting.await();
        awaitParked(waiter, f);
        f.signal();
        join(waiter);
        assertTrue(result.get());
    }

    @Test
    @DisplayName("FENCE-12: an interrupted wait throws DmaInterruptedException, restores the interrupt status and"
            + " leaves no callback behind")
    void aWaitIsInterruptible() throws Exception {
        SignalingFence f = ctx.next();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean statusRestored = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            try {
                f.await();
            } catch (DmaInterruptedException e) {
                thrown.set(e);
                statusRestored.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitParked(waiter, f);
        waiter.interrupt();
        join(waiter);
        DmaInterruptedException e = assertInstanceOf(DmaInterruptedException.class, thrown.get());
        assertEquals(Rule.FENCE_12, e.rule());
        assertInstanceOf(InterruptedException.class, e.getCause());
        assertTrue(statusRestored.get(), "the interrupt status is set again");
        AtomicInteger runs = new AtomicInteger();
        f.addCallback(x -> runs.incrementAndGet());
        f.signal();
        assertEquals(1, runs.get(), "only the test's own callback was left to run");
    }

    @Test
    @DisplayName("FENCE-12: a timed wait is interruptible too, and an interrupt before the wait is reported")
    void aTimedWaitIsInterruptible() throws Exception {
        SignalingFence f = ctx.next();
        Thread.currentThread().interrupt();
        assertEquals(Rule.FENCE_12, assertThrows(DmaInterruptedException.class,
                () -> f.await(Duration.ofSeconds(10))).rule());
        assertTrue(Thread.interrupted(), "the interrupt status is set again (and cleared here)");

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            try {
                f.await(Duration.ofSeconds(30));
            } catch (DmaInterruptedException e) {
                thrown.set(e);
            }
        });
        awaitParked(waiter, f);
        waiter.interrupt();
        join(waiter);
        assertInstanceOf(DmaInterruptedException.class, thrown.get());
        f.signal();
    }

    @Test
    @DisplayName("FENCE-12: a wait on a signaled fence succeeds even if the thread is interrupted")
    void aWaitOnASignaledFenceIgnoresTheInterrupt() throws InterruptedException {
        SignalingFence f = ctx.next();
        f.signal();
        Thread.currentThread().interrupt();
        try {
            assertTrue(f.await(Duration.ofSeconds(1)));
            f.await();
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    @DisplayName("FENCE-12: awaitUninterruptibly ignores interrupts, waits for the signal and keeps the status")
    void awaitUninterruptiblyKeepsTheInterrupt() throws Exception {
        SignalingFence f = ctx.next();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicBoolean signaledAfter = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            f.awaitUninterruptibly();
            signaledAfter.set(f.isSignaled());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        awaitParked(waiter, f);
        waiter.interrupt();
        awaitParked(waiter, f);
        assertTrue(waiter.isAlive(), "an interrupt does not end the wait");
        f.signal();
        join(waiter);
        assertTrue(signaledAfter.get());
        assertTrue(interruptedAfter.get());
    }

    @Test
    @DisplayName("FENCE-12: awaitAny returns the index of a signaled fence, polls with zero, times out")
    void awaitAnyReturnsASignaledIndex() throws Exception {
        SignalingFence a = ctx.next();
        SignalingFence b = ctx.next();
        SignalingFence c = ctx.next();
        List<Fence> all = List.of(a, b, c);
        assertEquals(OptionalInt.empty(), fences.awaitAny(all, Duration.ZERO));
        assertEquals(OptionalInt.empty(), fences.awaitAny(all, Duration.ofMillis(10)));

        AtomicReference<OptionalInt> got = new AtomicReference<>();
        Thread waiter = start("any-waiter", () -> got.set(fences.awaitAny(all, Duration.ofSeconds(10))));
        awaitParked(waiter, fences);
        b.signal();
        join(waiter);
        assertEquals(OptionalInt.of(1), got.get());
        assertEquals(OptionalInt.of(1), fences.awaitAny(all, Duration.ZERO));

        AtomicInteger runs = new AtomicInteger();
        a.addCallback(x -> runs.incrementAndGet());
        c.addCallback(x -> runs.incrementAndGet());
        a.signal();
        c.signal();
        assertEquals(2, runs.get(), "the waiter's callbacks were removed: only ours ran");
    }

    @Test
    @DisplayName("FENCE-12: awaitAny rejects an empty list, a null element and a negative timeout")
    void awaitAnyRejectsBadArguments() {
        SignalingFence a = ctx.next();
        assertEquals(Rule.FENCE_12, assertThrows(RuleViolationException.class,
                () -> fences.awaitAny(List.of(), Duration.ZERO)).rule());
        List<Fence> withNull = new ArrayList<>();
        withNull.add(a);
        withNull.add(null);
        assertEquals(Rule.FENCE_12, assertThrows(RuleViolationException.class,
                () -> fences.awaitAny(withNull, Duration.ZERO)).rule());
        assertEquals(Rule.FENCE_12, assertThrows(RuleViolationException.class,
                () -> fences.awaitAny(List.of(a), Duration.ofSeconds(-1))).rule());
    }

    @Test
    @DisplayName("FENCE-12: awaitAny is interruptible")
    void awaitAnyIsInterruptible() throws Exception {
        SignalingFence a = ctx.next();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = start("any-waiter", () -> {
            try {
                fences.awaitAny(List.of(a), Duration.ofSeconds(30));
            } catch (DmaInterruptedException e) {
                thrown.set(e);
            }
        });
        awaitParked(waiter, fences);
        waiter.interrupt();
        join(waiter);
        assertEquals(Rule.FENCE_12, assertInstanceOf(DmaInterruptedException.class, thrown.get()).rule());
        a.signal();
    }

    @Test
    @DisplayName("FENCE-12: a thousand virtual threads wait on one fence without pinning and all wake")
    void virtualThreadsWaitWithoutPinning() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            SignalingFence f = ctx.next();
            int n = 1_000;
            CountDownLatch started = new CountDownLatch(n);
            AtomicInteger woke = new AtomicInteger();
            List<Thread> vts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                vts.add(Thread.ofVirtual().name("vt-" + i).start(() -> {
                    started.countDown();
                    if (f.await(Duration.ofSeconds(30))) {
                        woke.incrementAndGet();
                    }
                }));
            }
            started.await();
            // With 2 carriers, a pinned virtual thread would block the rest from even starting to wait;
            // these all reached the wait, and the signaler itself is a platform thread.
            f.signal();
            for (Thread t : vts) {
                t.join();
            }
            assertEquals(n, woke.get());
        });
    }

    @Test
    @DisplayName("FENCE-12: waits start no threads and leave none behind")
    void waitsLeakNoThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 200; i++) {
            SignalingFence f = ctx.next();
            assertFalse(f.await(Duration.ofNanos(1_000)));
            assertEquals(OptionalInt.empty(), fences.awaitAny(List.of(f, ctx.next()), Duration.ofNanos(1_000)));
            f.toCompletableFuture();
            f.signal();
            assertTrue(f.await(Duration.ofSeconds(1)));
        }
        Set<Thread> after = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        after.removeAll(before);
        after.removeIf(t -> !t.isAlive());
        assertTrue(after.isEmpty(), "new threads after waits: " + after);
    }

    /**
     * Waits until {@code t} is parked on {@code blocker} (the fence, reservation or factory it waits on), so that a
     * later signal, unlock or interrupt hits the slow path. Polls the thread's state: no sleep-based guessing.
     */
    static void awaitParked(Thread t, Object blocker) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Thread.State s = t.getState();
            if ((s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && LockSupport.getBlocker(t) == blocker) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(t.getName() + " did not park on " + blocker + ", state " + s);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
