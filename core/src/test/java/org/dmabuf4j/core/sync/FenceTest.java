package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.ExpectedLogs;
import org.dmabuf4j.core.LogCapture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The single fence: signal once, callbacks, error, status, timestamp, order, contexts, stub, deadline, futures. */
class FenceTest extends SyncTestBase {
    private final FenceContext ctx = fences.newContext("test-driver", "render");

    // ---- FENCE-1 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-1: a second signal changes nothing and reports that the fence was already signaled")
    void aSecondSignalChangesNothingAndReportsAlreadySignaled() {
        SignalingFence f = ctx.next();
        AtomicInteger runs = new AtomicInteger();
        f.addCallback(x -> runs.incrementAndGet());

        assertTrue(f.signal(), "the first signal signals");
        long ts = f.timestampNanos();
        assertFalse(f.signal(), "the second signal reports 'already signaled'");
        assertFalse(f.fail(new IOException("late")), "fail after signal reports 'already signaled'");

        assertEquals(1, runs.get(), "callbacks ran once");
        assertEquals(ts, f.timestampNanos(), "timestamp unchanged");
        assertEquals(FenceStatus.SIGNALED, f.status(), "a late fail does not add an error");
        assertTrue(f.error().isEmpty());
    }

    @Test
    @DisplayName("FENCE-1: a pending fence reports PENDING and is not signaled")
    void aNewFenceIsPending() {
        SignalingFence f = ctx.next();
        assertEquals(FenceStatus.PENDING, f.status());
        assertFalse(f.isSignaled());
        assertFalse(f.status().isSignaled());
    }

    // ---- FENCE-2 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-2: a callback runs exactly once, on the signaling thread, with the fence")
    void aCallbackRunsOnceOnTheSignalingThread() throws Exception {
        SignalingFence f = ctx.next();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<Fence> got = new AtomicReference<>();
        assertTrue(f.addCallback(fence -> {
            runs.incrementAndGet();
            ranOn.set(Thread.currentThread());
            got.set(fence);
        }));
        assertEquals(0, runs.get(), "not run before signal");

        Thread signaler = start("signaler", f::signal);
        join(signaler);

        assertEquals(1, runs.get());
        assertSame(signaler, ranOn.get(), "ran on the signaling thread");
        assertSame(f, got.get());
    }

    @Test
    @DisplayName("FENCE-2: adding a callback to a signaled fence is refused and does not run it")
    void addingACallbackToASignaledFenceIsRefused() {
        SignalingFence f = ctx.next();
        f.signal();
        AtomicInteger runs = new AtomicInteger();
        assertFalse(f.addCallback(x -> runs.incrementAndGet()));
        assertEquals(0, runs.get());
    }

    @Test
    @DisplayName("FENCE-2: callbacks run in the order they were added")
    void callbacksRunInTheOrderAdded() {
        SignalingFence f = ctx.next();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 5; i++) {
            int n = i;
            f.addCallback(x -> order.add(n));
        }
        f.signal();
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    @DisplayName("FENCE-2: removing a pending callback reports true and it never runs; removing again reports false")
    void removingAPendingCallbackReportsItWasPending() {
        SignalingFence f = ctx.next();
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        AtomicInteger c = new AtomicInteger();
        FenceCallback ca = x -> a.incrementAndGet();
        FenceCallback cb = x -> b.incrementAndGet();
        FenceCallback cc = x -> c.incrementAndGet();
        f.addCallback(ca);
        f.addCallback(cb);
        f.addCallback(cc);

        assertTrue(f.removeCallback(cb), "cb was pending");
        assertFalse(f.removeCallback(cb), "cb is gone");
        f.signal();

        assertEquals(1, a.get());
        assertEquals(0, b.get(), "a removed callback never runs");
        assertEquals(1, c.get());
        assertFalse(f.removeCallback(ca), "an executed callback cannot be removed");
    }

    @Test
    @DisplayName("FENCE-2: removing a callback that was never added reports false")
    void removingAnUnknownCallbackReportsFalse() {
        SignalingFence f = ctx.next();
        assertFalse(f.removeCallback(x -> { }));
        f.addCallback(x -> { });
        assertFalse(f.removeCallback(x -> { }));
        f.signal();
    }

    @Test
    @ExtendWith(LogCapture.class)
    @ExpectedLogs("Fence callbacks must not throw (FENCE-2)")
    @DisplayName("FENCE-2: a throwing callback does not stop the others, and the fence is signaled")
    void aThrowingCallbackDoesNotStopTheOthers(LogCapture.Records logs) {
        SignalingFence f = ctx.next();
        AtomicInteger after = new AtomicInteger();
        f.addCallback(x -> {
            throw new IllegalStateException("broken callback (expected in this test)");
        });
        f.addCallback(x -> after.incrementAndGet());
        assertTrue(f.signal());
        assertEquals(1, after.get());
        assertTrue(f.isSignaled());
        assertTrue(logs.contains(java.util.logging.Level.SEVERE, "threw; the other callbacks still ran"),
                "the throwing callback is logged");
    }

    @Test
    @DisplayName("FENCE-2: a null callback is refused")
    void aNullCallbackIsRefused() {
        SignalingFence f = ctx.next();
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> f.addCallback(null));
        assertEquals(Rule.FENCE_2, e.rule());
        assertThrows(RuleViolationException.class, () -> f.removeCallback(null));
    }

    // ---- FENCE-3 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-3: an error set before signal makes the status ERROR and is reported")
    void anErrorSetBeforeSignalIsReported() {
        SignalingFence f = ctx.next();
        IOException cause = new IOException("dma engine hung");
        f.setError(cause);
        assertEquals(FenceStatus.PENDING, f.status(), "setting the error does not signal");
        f.signal();
        assertEquals(FenceStatus.ERROR, f.status());
        assertSame(cause, f.error().orElseThrow());
        assertTrue(f.isSignaled(), "an error fence is signaled");
    }

    @Test
    @DisplayName("FENCE-3: setting the error after signal is refused and changes nothing")
    void settingTheErrorAfterSignalIsRefused() {
        SignalingFence f = ctx.next();
        f.signal();
        RuleViolationException e = assertThrows(RuleViolationException.class,
                () -> f.setError(new IOException("too late")));
        assertEquals(Rule.FENCE_3, e.rule());
        assertTrue(e.getMessage().contains("already signaled"), e.getMessage());
        assertEquals(FenceStatus.SIGNALED, f.status());
        assertTrue(f.error().isEmpty());
    }

    @Test
    @DisplayName("FENCE-3: fail sets the error and signals in one step; a null error is refused")
    void failSetsTheErrorAndSignals() {
        SignalingFence f = ctx.next();
        assertEquals(Rule.FENCE_3, assertThrows(RuleViolationException.class, () -> f.fail(null)).rule());
        assertEquals(Rule.FENCE_3, assertThrows(RuleViolationException.class, () -> f.setError(null)).rule());
        assertFalse(f.isSignaled(), "a refused fail does not signal");
        IOException cause = new IOException("bad job");
        assertTrue(f.fail(cause));
        assertEquals(FenceStatus.ERROR, f.status());
        assertSame(cause, f.error().orElseThrow());
    }

    // ---- FENCE-5 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-5: fences of one context are ordered by seqno; a fence is later-or-same as itself")
    void fencesOfOneContextAreOrderedBySeqno() {
        SignalingFence a = ctx.next();
        SignalingFence b = ctx.next();
        assertTrue(b.isLaterThan(a));
        assertFalse(a.isLaterThan(b));
        assertFalse(a.isLaterThan(a));
        assertTrue(a.isLaterOrSame(a));
        assertTrue(b.isLaterOrSame(a));
        assertFalse(a.isLaterOrSame(b));
    }

    @Test
    @DisplayName("FENCE-5: seqnos are 64-bit and compared unsigned")
    void seqnosAreSixtyFourBitUnsigned() {
        TimelineImpl tl = new TimelineImpl("wide");
        Fence low = tl.point(1L << 40);
        Fence high = tl.point(0x8000_0000_0000_0001L); // negative as a signed long
        Fence top = tl.point(-1L);
        assertTrue(high.isLaterThan(low), "2^63+1 is later than 2^40");
        assertTrue(top.isLaterThan(high), "2^64-1 is the latest");
        assertFalse(low.isLaterThan(top));
        tl.close();
    }

    @Test
    @DisplayName("FENCE-5: comparing fences of different contexts is refused, naming both")
    void comparingAcrossContextsIsRefused() {
        SignalingFence a = ctx.next();
        SignalingFence other = fences.newContext("test-driver", "compute").next();
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> a.isLaterThan(other));
        assertEquals(Rule.FENCE_5, e.rule());
        assertTrue(e.getMessage().contains("render") && e.getMessage().contains("compute"), e.getMessage());
        assertEquals(Rule.FENCE_5, assertThrows(RuleViolationException.class, () -> a.isLaterOrSame(other)).rule());
        assertEquals(Rule.FENCE_5, assertThrows(RuleViolationException.class, () -> a.isLaterThan(null)).rule());
    }

    // ---- FENCE-6 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-6: contexts are unique and increasing, never 0; seqnos of a context start at 1 and increase")
    void contextsAreUniqueAndIncreasing() {
        FenceContext a = fences.newContext("d", "a");
        FenceContext b = fences.newContext("d", "b");
        assertTrue(a.id() > 0);
        assertTrue(b.id() > a.id());
        assertEquals(0, a.lastSeqno());
        SignalingFence f1 = a.next();
        SignalingFence f2 = a.next();
        assertEquals(1, f1.seqno());
        assertEquals(2, f2.seqno());
        assertEquals(2, a.lastSeqno());
        assertEquals(a.id(), f1.context());
        assertEquals("d", f1.driverName());
        assertEquals("a", f1.timelineName());
    }

    @Test
    @DisplayName("FENCE-6: contexts allocated and fences issued from several threads are still unique and increasing")
    void contextsAndSeqnosStayUniqueUnderConcurrency() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        FenceContext shared = fences.newContext("d", "shared");
        long[][] contextIds = new long[threads][perThread];
        long[][] seqnos = new long[threads][perThread];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(start("allocator-" + t, () -> {
                for (int i = 0; i < perThread; i++) {
                    contextIds[me][i] = fences.newContext("d", "t").id();
                    seqnos[me][i] = shared.next().seqno();
                }
            }));
        }
        for (Thread w : workers) {
            join(w);
        }
        rethrowThreadFailure();
        Set<Long> ids = new HashSet<>();
        Set<Long> seqs = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertTrue(ids.add(contextIds[t][i]), "duplicate context id");
                assertTrue(seqs.add(seqnos[t][i]), "duplicate seqno");
                if (i > 0) {
                    assertTrue(contextIds[t][i] > contextIds[t][i - 1], "context ids increase per thread");
                    assertTrue(seqnos[t][i] > seqnos[t][i - 1], "seqnos increase per thread");
                }
            }
        }
        assertEquals((long) threads * perThread, shared.lastSeqno());
    }

    @Test
    @DisplayName("FENCE-6: a context needs non-blank names")
    void aContextNeedsNames() {
        assertEquals(Rule.FENCE_6, assertThrows(RuleViolationException.class,
                () -> fences.newContext(" ", "t")).rule());
        assertEquals(Rule.FENCE_6, assertThrows(RuleViolationException.class,
                () -> fences.newContext("d", null)).rule());
    }

    // ---- FENCE-7 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-7: work that hangs is completed with an error, which wakes its waiters")
    void hungWorkIsCompletedWithAnError() throws Exception {
        SignalingFence f = ctx.next();
        AtomicReference<FenceStatus> seen = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            assertThrows(FenceFailedException.class, f::await, "the waiter wakes with the failure (FENCE-13)");
            seen.set(f.status());
        });
        // The issuer's watchdog gives up on the job:
        f.fail(new TimeoutException("job timed out after 2 s"));
        join(waiter);
        assertEquals(FenceStatus.ERROR, seen.get());
    }

    // ---- FENCE-8 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-8: the timestamp does not exist before signal")
    void theTimestampDoesNotExistBeforeSignal() {
        SignalingFence f = ctx.next();
        RuleViolationException e = assertThrows(RuleViolationException.class, f::timestampNanos);
        assertEquals(Rule.FENCE_8, e.rule());
        assertTrue(e.getMessage().contains("render"), e.getMessage());
    }

    @Test
    @DisplayName("FENCE-8: the timestamp is taken when the fence signals")
    void theTimestampIsTakenAtSignal() {
        SignalingFence f = ctx.next();
        long before = System.nanoTime();
        f.signal();
        long after = System.nanoTime();
        long ts = f.timestampNanos();
        assertTrue(ts - before >= 0 && after - ts >= 0, "timestamp within the signal call");
    }

    @Test
    @DisplayName("FENCE-8: the shared stub is signaled, context 0, with a fixed timestamp")
    void theStubIsSignaled() {
        Fence stub = fences.signaled();
        assertSame(stub, fences.signaled());
        assertTrue(stub.isSignaled());
        assertEquals(FenceStatus.SIGNALED, stub.status());
        assertEquals(0, stub.context());
        assertEquals(stub.timestampNanos(), fences.signaled().timestampNanos());
        assertFalse(stub.addCallback(x -> { }));
    }

    // ---- deadlines and futures ----------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-12: a deadline hint keeps the earliest value and is ignored once signaled")
    void deadlineHintsKeepTheEarliest() {
        SignalingFence f = ctx.next();
        assertEquals(OptionalLong.empty(), f.deadline());
        long now = System.nanoTime();
        f.setDeadline(now + 2_000);
        f.setDeadline(now + 5_000);
        assertEquals(OptionalLong.of(now + 2_000), f.deadline());
        f.setDeadline(now + 1_000);
        assertEquals(OptionalLong.of(now + 1_000), f.deadline());
        f.signal();
        f.setDeadline(now);
        assertEquals(OptionalLong.of(now + 1_000), f.deadline(), "ignored after signal");
    }

    @Test
    @DisplayName("FENCE-2: the future completes with the fence when it signals")
    void theFutureCompletesWithTheFence() throws Exception {
        SignalingFence f = ctx.next();
        CompletableFuture<Fence> future = f.toCompletableFuture();
        assertFalse(future.isDone());
        f.signal();
        assertSame(f, future.get());
        assertSame(f, f.toCompletableFuture().getNow(null), "already signaled: completed at once");
    }

    @Test
    @DisplayName("FENCE-3: the future completes exceptionally with the fence's error")
    void theFutureCompletesExceptionallyWithTheError() {
        SignalingFence f = ctx.next();
        CompletableFuture<Fence> future = f.toCompletableFuture();
        IOException cause = new IOException("copy failed");
        f.fail(cause);
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        assertSame(cause, e.getCause());
    }

    @Test
    @DisplayName("FENCE-2: cancelling the future removes its callback")
    void cancellingTheFutureRemovesItsCallback() {
        SignalingFence f = ctx.next();
        AtomicInteger dependents = new AtomicInteger();
        CompletableFuture<Fence> future = f.toCompletableFuture();
        future.thenRun(dependents::incrementAndGet);
        assertTrue(future.cancel(false));
        f.signal();
        assertTrue(future.isCancelled());
        assertEquals(0, dependents.get());
    }

    @Test
    @DisplayName("FENCE-2: description names driver, timeline, context, seqno and status")
    void theDescriptionNamesTheFence() {
        SignalingFence f = ctx.next();
        String s = f.toString();
        assertTrue(s.contains("test-driver/render") && s.contains("context " + ctx.id()) && s.contains("seqno 1")
                && s.contains("PENDING"), s);
        assertInstanceOf(FenceImpl.class, f);
        f.signal();
    }
}
