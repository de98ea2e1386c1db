package org.dmabuf4j.core.sync;

import static org.dmabuf4j.core.sync.SyncObjectTests.AVAILABLE;
import static org.dmabuf4j.core.sync.SyncObjectTests.BOUND;
import static org.dmabuf4j.core.sync.SyncObjectTests.FOR_SUBMIT;
import static org.dmabuf4j.core.sync.SyncObjectTests.NONE;
import static org.dmabuf4j.core.sync.SyncObjectTests.assertFails;
import static org.dmabuf4j.core.sync.SyncObjectTests.binary;
import static org.dmabuf4j.core.sync.SyncObjectTests.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Deadline hints (SYNCOBJ-8), error status (SYNCOBJ-9) and non-blocking readiness (SYNCOBJ-10) of every container. */
class SyncObjectHintsTest extends SyncTestBase {
    private final FenceContext ctx = fences.newContext("hints-test", "gpu");
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static long nanos(Fence f) {
        return f.deadline().orElseThrow(() -> new AssertionError("no deadline reached " + f));
    }

    // ---- SYNCOBJ-8: deadlines -----------------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-8: a deadline set on an array, chain, merge or sync file reaches every pending leaf")
    void deadlineReachesLeavesThroughContainers() {
        SignalingFence a = ctx.next();
        SignalingFence b = fences.newContext("hints-test", "other").next();
        Instant soon = Instant.now().plusMillis(16);
        fences.array(List.of(a, b)).setDeadline(soon);
        long viaArray = nanos(a);
        assertEquals(viaArray, nanos(b), "both leaves of the array got the hint");

        SignalingFence c = ctx.next();
        SignalingFence d = ctx.next();
        Fence chain = fences.chain(fences.chain(null, c, 1), d, 2);
        chain.setDeadline(soon);
        assertTrue(c.deadline().isPresent() && d.deadline().isPresent(), "both chain leaves got the hint");

        SignalingFence e = ctx.next();
        SignalingFence g = fences.newContext("hints-test", "third").next();
        fences.merge(List.of(e, g)).setDeadline(soon);
        assertTrue(e.deadline().isPresent() && g.deadline().isPresent(), "both merged leaves got the hint");

        SignalingFence h = ctx.next();
        SyncFile file = fences.syncFile(h, null);
        file.setDeadline(soon);
        assertTrue(h.deadline().isPresent(), "SYNC_IOC_SET_DEADLINE reached the leaf");
        long expected = System.nanoTime() + 16_000_000L;
        assertTrue(Math.abs(nanos(h) - expected) < 5_000_000_000L, "the instant was converted to the nanoTime clock");
    }

    @Test
    @DisplayName("SYNCOBJ-8: a deadline on a sync-object point reaches its fence, and a later fence for a future point")
    void deadlineReachesSyncObjectPoints() {
        SyncObject tl = timeline("tl");
        SignalingFence f1 = ctx.next();
        SignalingFence f2 = ctx.next();
        tl.addPoint(1, f1);
        tl.addPoint(2, f2);
        Instant vblank = Instant.now().plusMillis(8);
        tl.setDeadline(2, vblank);
        assertTrue(f2.deadline().isPresent() && f1.deadline().isPresent(), "point 2 depends on points 1 and 2");
        tl.setDeadline(5, vblank);
        SignalingFence f5 = ctx.next();
        assertFalse(f5.deadline().isPresent());
        tl.addPoint(5, f5);
        assertTrue(f5.deadline().isPresent(), "the hint for the unsubmitted point reached the fence attached later");
        SyncObject bin = binary("bin");
        SignalingFence fb = ctx.next();
        bin.replace(fb);
        bin.setDeadline(0, vblank);
        assertTrue(fb.deadline().isPresent());
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_8, () -> bin.setDeadline(0, null));
    }

    @Test
    @DisplayName("SYNCOBJ-8: a sw_sync timeline reports the soonest deadline of its pending points")
    void timelineReportsSoonestDeadline() {
        try (Timeline t = fences.newTimeline("vsync")) {
            Fence p1 = t.point(1);
            Fence p2 = t.point(2);
            assertEquals(OptionalLong.empty(), t.soonestDeadline());
            long now = System.nanoTime();
            p2.setDeadline(now + 2_000_000);
            p1.setDeadline(now + 9_000_000);
            assertEquals(OptionalLong.of(now + 2_000_000), t.soonestDeadline());
            t.advance(2);
            assertEquals(OptionalLong.empty(), t.soonestDeadline(), "signaled points no longer count");
        }
    }

    // ---- SYNCOBJ-9: errors --------------------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-9: a chain node reports the first error among its components, in signaling order")
    void chainReportsFirstError() {
        SignalingFence c1 = ctx.next();
        SignalingFence c2 = ctx.next();
        Fence node2 = fences.chain(fences.chain(null, c1, 1), c2, 2);
        IOException earlier = new IOException("first to fail");
        IOException later = new IOException("second to fail");
        c1.fail(earlier);
        c2.fail(later);
        assertSame(earlier, node2.error().orElseThrow(), "the first error to signal wins, not the node's own");
    }

    @Test
    @DisplayName("SYNCOBJ-9: merges and sync files report the first error of their fences")
    void mergeAndSyncFileReportErrors() {
        SignalingFence a = ctx.next();
        SignalingFence b = fences.newContext("hints-test", "other").next();
        SyncFile file = fences.syncFile(fences.merge(List.of(a, b)), "merged");
        assertEquals(FenceStatus.PENDING, file.status());
        IOException cause = new IOException("decode failed");
        b.fail(cause);
        a.signal();
        assertEquals(FenceStatus.ERROR, file.status());
        assertSame(cause, file.error().orElseThrow());
    }

    @Test
    @DisplayName("SYNCOBJ-9: a sync-object point reports the first error of the points it depends on, also once retired")
    void syncObjectPointsReportErrors() {
        SyncObject tl = timeline("tl");
        SignalingFence f1 = ctx.next();
        tl.addPoint(1, f1);
        tl.signal(2);
        IOException cause = new IOException("ring timeout");
        f1.fail(cause);
        assertEquals(FenceStatus.ERROR, tl.status(2), "point 2 depends on the failed point 1");
        assertSame(cause, tl.error(2).orElseThrow());
        for (long p = 3; p <= 200; p++) {
            tl.signal(p);
        }
        assertTrue(((SyncObjectImpl) tl).retainedPoints() < 100, "points were retired");
        assertSame(cause, tl.error(1).orElseThrow(), "a retired point keeps its error");
        assertTrue(tl.error(0).isPresent(), "the latest node carries the first error too");
        SyncObject bin = binary("bin");
        SignalingFence fb = ctx.next();
        bin.replace(fb);
        fb.fail(cause);
        assertSame(cause, bin.error(0).orElseThrow());
        assertSame(cause, bin.exportSyncFile(0).error().orElseThrow(), "an exported point carries the error");
    }

    // ---- SYNCOBJ-10: readiness ----------------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-10: a point's future completes once a fence is submitted and signals, never under the object's lock")
    void pointFutureCompletesAfterSubmitAndSignal() throws Exception {
        SyncObjectImpl tl = (SyncObjectImpl) timeline("tl");
        AtomicBoolean underLock = new AtomicBoolean(true);
        CompletableFuture<Fence> available = tl.whenSignaled(3, AVAILABLE);
        available.thenRun(() -> underLock.set(tl.lockHeldByCurrentThread()));
        CompletableFuture<Fence> signaled = tl.whenSignaled(3, FOR_SUBMIT);
        assertFalse(available.isDone());
        SignalingFence f = ctx.next();
        tl.addPoint(4, f);
        assertTrue(available.isDone(), "WAIT_AVAILABLE: done once point 4 covers point 3");
        assertFalse(underLock.get(), "the future completed after the lock was released");
        assertFalse(signaled.isDone());
        f.signal();
        assertSame(tl.fenceAt(3).orElseThrow(), signaled.get(10, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("SYNCOBJ-10: cancelling a point's future withdraws it; closing the object fails the pending ones")
    void cancelAndCloseEndPointFutures() {
        SyncObjectImpl tl = (SyncObjectImpl) timeline("tl");
        CompletableFuture<Fence> cancelled = tl.whenSignaled(1, FOR_SUBMIT);
        CompletableFuture<Fence> pending = tl.whenSignaled(2, FOR_SUBMIT);
        assertEquals(2, tl.listenerCount());
        cancelled.cancel(false);
        assertEquals(1, tl.listenerCount(), "the cancelled future withdrew its wait");
        tl.close();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> pending.get(10, TimeUnit.SECONDS));
        assertEquals(Rule.SYNCOBJ_12, ((ClosedException) e.getCause()).rule());
    }

    @Test
    @DisplayName("SYNCOBJ-10: a point, a fence and a sync file run their callback once on the executor, even if it throws")
    void callbacksRunOnceOnTheExecutor() throws InterruptedException {
        SyncObject bin = binary("bin");
        SignalingFence f = ctx.next();
        bin.replace(f);
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<String> threads = new AtomicReference<>("");
        CountDownLatch all = new CountDownLatch(3);
        Thread[] executorThread = new Thread[1];
        executor.execute(() -> executorThread[0] = Thread.currentThread());
        bin.onSignaled(0, NONE, executor, (fence, error) -> {
            runs.incrementAndGet();
            threads.accumulateAndGet(Thread.currentThread().getName(), (x, y) -> x + y);
            all.countDown();
            throw new IllegalStateException("a hostile callback");
        });
        f.onSignaled(executor, fence -> {
            runs.incrementAndGet();
            all.countDown();
        });
        fences.syncFile(f, null).fence().onSignaled(executor, fence -> {
            runs.incrementAndGet();
            all.countDown();
        });
        assertEquals(0, runs.get(), "nothing ran before the fence signaled");
        f.signal();
        assertTrue(all.await(10, TimeUnit.SECONDS));
        CountDownLatch drained = new CountDownLatch(1);
        executor.execute(drained::countDown);
        assertTrue(drained.await(10, TimeUnit.SECONDS));
        assertEquals(3, runs.get(), "each callback ran exactly once");
        assertEquals(executorThread[0].getName(), threads.get(), "the point's callback ran on the executor");
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_10, () -> f.onSignaled(null, fence -> { }));
    }

    @Test
    @DisplayName("SYNCOBJ-10: waiting for an unsubmitted point without a flag is refused up front")
    void futureWithoutFlagIsRefused() {
        SyncObject tl = timeline("tl");
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_2, () -> tl.whenSignaled(1, NONE));
        assertTrue(tl.waitFor(0, AVAILABLE, java.time.Duration.ZERO) == false);
        tl.signal(1);
        assertTrue(tl.whenSignaled(1, NONE).isDone());
        assertTrue(tl.waitFor(1, NONE, BOUND));
    }
}
