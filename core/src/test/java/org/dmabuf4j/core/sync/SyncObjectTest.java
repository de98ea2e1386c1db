package org.dmabuf4j.core.sync;

import static org.dmabuf4j.core.sync.SyncObjectTests.ALL;
import static org.dmabuf4j.core.sync.SyncObjectTests.AVAILABLE;
import static org.dmabuf4j.core.sync.SyncObjectTests.BOUND;
import static org.dmabuf4j.core.sync.SyncObjectTests.FOR_SUBMIT;
import static org.dmabuf4j.core.sync.SyncObjectTests.NONE;
import static org.dmabuf4j.core.sync.SyncObjectTests.assertFails;
import static org.dmabuf4j.core.sync.SyncObjectTests.awaitBlocked;
import static org.dmabuf4j.core.sync.SyncObjectTests.binary;
import static org.dmabuf4j.core.sync.SyncObjectTests.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.SyncWaitFlag;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kernel's drm_syncobj semantics, ported: binary and timeline signal, wait and reset, wait-for-submit and
 * wait-available, multi-object waits, transfer, export and import of points, closing.
 */
class SyncObjectTest extends SyncTestBase {
    private final FenceContext ctx = fences.newContext("syncobj-test", "gpu");

    // ---- SYNCOBJ-1: binary payload ------------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-1: a binary object holds one fence: replace swaps it, reset removes it, signal makes it signaled")
    void binaryReplaceResetSignal() {
        SyncObject obj = binary("bin");
        assertTrue(obj.fence().isEmpty(), "a new binary object has no fence");
        SignalingFence first = ctx.next();
        SignalingFence second = ctx.next();
        obj.replace(first);
        assertSame(first, obj.fence().orElseThrow());
        obj.replace(second);
        assertSame(second, obj.fence().orElseThrow());
        assertFalse(obj.waitFor(0, NONE, Duration.ZERO), "the replaced fence is pending");
        obj.reset();
        assertTrue(obj.fence().isEmpty(), "reset removes the fence");
        obj.signal();
        assertTrue(obj.fence().orElseThrow().isSignaled());
        assertTrue(obj.waitFor(0, NONE, Duration.ZERO));
        assertFalse(first.isSignaled(), "replacing never signals the old fence");
    }

    @Test
    @DisplayName("SYNCOBJ-1: a binary object rejects points other than 0, a null fence and timeline-only calls")
    void binaryRejectsTimelineCalls() {
        SyncObject obj = binary("bin");
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_1, () -> obj.signal(3));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_1, () -> obj.waitFor(1, FOR_SUBMIT, Duration.ZERO));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_1, () -> new SyncPoint(obj, 2));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_1, () -> obj.replace(null));
        SyncObject tl = timeline("tl");
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_1, () -> tl.replace(ctx.next()));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_1, tl::signal);
        assertTrue(obj.fence().isEmpty(), "a rejected call changed nothing");
    }

    // ---- SYNCOBJ-2: wait before submit --------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-2: waiting on a point without a fence fails at once without WAIT_FOR_SUBMIT")
    void waitWithoutFenceFails() {
        SyncObject bin = binary("bin");
        SyncObject tl = timeline("tl");
        tl.signal(1);
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_2, () -> bin.waitFor(0, NONE, BOUND));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_2, () -> tl.waitFor(2, NONE, BOUND));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_2, () -> tl.whenSignaled(2, NONE));
        assertTrue(tl.waitFor(1, NONE, Duration.ZERO), "a submitted point waits normally");
    }

    @Test
    @DisplayName("SYNCOBJ-2: WAIT_FOR_SUBMIT blocks until a fence is attached, then until it signals")
    void waitForSubmitBlocksUntilFenceAppearsThenSignals() throws InterruptedException {
        SyncObject obj = binary("bin");
        AtomicBoolean result = new AtomicBoolean();
        Thread waiter = start("waiter", () -> result.set(obj.waitFor(0, FOR_SUBMIT, BOUND)));
        awaitBlocked(waiter);
        SignalingFence f = ctx.next();
        obj.replace(f);
        awaitBlocked(waiter); // the fence exists but is pending: still waiting
        assertTrue(waiter.isAlive());
        f.signal();
        join(waiter);
        rethrowThreadFailure();
        assertTrue(result.get());
    }

    @Test
    @DisplayName("SYNCOBJ-2: WAIT_AVAILABLE returns once a fence covers the point, signaled or not")
    void waitAvailableReturnsOnceFenceExists() throws InterruptedException {
        SyncObject tl = timeline("tl");
        AtomicBoolean result = new AtomicBoolean();
        Thread waiter = start("waiter", () -> result.set(tl.waitFor(4, AVAILABLE, BOUND)));
        awaitBlocked(waiter);
        tl.addPoint(2, ctx.next());
        awaitBlocked(waiter); // point 2 does not cover point 4
        SignalingFence at6 = ctx.next();
        tl.addPoint(6, at6);
        join(waiter);
        rethrowThreadFailure();
        assertTrue(result.get());
        assertFalse(at6.isSignaled(), "WAIT_AVAILABLE did not need the fence to signal");
    }

    @Test
    @DisplayName("SYNCOBJ-2: a timeline wait on an unsubmitted point with a timeout returns false and leaves nothing queued")
    void unsubmittedPointWaitTimesOut() {
        SyncObject tl = timeline("tl");
        tl.signal(1);
        assertFalse(tl.waitFor(5, FOR_SUBMIT, Duration.ofMillis(30)));
        assertFalse(tl.waitFor(5, AVAILABLE, Duration.ZERO), "a zero timeout polls");
        assertEquals(0, ((SyncObjectImpl) tl).listenerCount(), "the timed-out wait withdrew its listener");
    }

    // ---- SYNCOBJ-3: monotonic points ----------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-3: a point not later than the last one is rejected and the timeline is unchanged")
    void pointsGoingBackwardsAreRejected() {
        SyncObject tl = timeline("tl");
        tl.signal(5);
        DmaBufException same = assertFails(RuleViolationException.class, Rule.SYNCOBJ_3, () -> tl.signal(5));
        assertTrue(same.getMessage().contains("last point is 5"), same::getMessage);
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_3, () -> tl.addPoint(3, ctx.next()));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_3, () -> tl.signal(0));
        SyncFile file = fences.syncFile(ctx.next(), null);
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_3, () -> tl.importSyncFile(file, 4));
        assertEquals(5, tl.lastPoint());
        assertEquals(5, tl.query());
        tl.reset();
        assertEquals(0, tl.lastPoint(), "reset starts the timeline over");
        tl.signal(1);
        assertEquals(1, tl.query());
    }

    // ---- SYNCOBJ-4: chain semantics and query -------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-4: a point signals once it and every earlier point have; query returns the last such point")
    void timelineQueryFollowsChainSemantics() {
        SyncObject tl = timeline("tl");
        SignalingFence f1 = ctx.next();
        SignalingFence f3 = ctx.next();
        SignalingFence f5 = ctx.next();
        tl.addPoint(1, f1);
        tl.addPoint(3, f3);
        tl.addPoint(5, f5);
        assertEquals(5, tl.lastPoint());
        f3.signal();
        assertEquals(0, tl.query(), "point 3's fence signaled but point 1 is pending");
        assertEquals(FenceStatus.PENDING, tl.status(3));
        f1.signal();
        assertEquals(3, tl.query());
        assertEquals(FenceStatus.SIGNALED, tl.status(2), "point 2 is covered by point 3");
        assertEquals(FenceStatus.PENDING, tl.status(4), "point 4 is covered by point 5");
        assertTrue(tl.waitFor(2, NONE, Duration.ZERO));
        assertFalse(tl.waitFor(4, NONE, Duration.ZERO));
        f5.signal();
        assertEquals(5, tl.query());
        assertEquals(FenceStatus.PENDING, tl.status(6), "a point after the last one is not submitted");
    }

    @Test
    @DisplayName("SYNCOBJ-4: a long timeline retires signaled points but keeps answering for them")
    void longTimelineRetiresSignaledPoints() {
        SyncObject tl = timeline("frames");
        for (long p = 1; p <= 4096; p++) {
            tl.signal(p);
        }
        SignalingFence pending = ctx.next();
        tl.addPoint(5000, pending);
        assertEquals(4096, tl.query());
        assertTrue(((SyncObjectImpl) tl).retainedPoints() <= 64, "retired points: " + ((SyncObjectImpl) tl)
                .retainedPoints() + " kept");
        assertEquals(FenceStatus.SIGNALED, tl.status(17), "a retired point reports signaled");
        assertTrue(tl.waitFor(17, NONE, Duration.ZERO));
        assertEquals(FenceStatus.PENDING, tl.status(4097), "point 4097 is covered by the pending point 5000");
        pending.signal();
        assertEquals(5000, tl.query());
    }

    // ---- SYNCOBJ-5: multi-object waits --------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-5: a wait for any returns the lowest done index; WAIT_ALL waits for every pair")
    void waitAnyAndAll() {
        SyncObject a = timeline("a");
        SyncObject b = binary("b");
        SignalingFence fa = ctx.next();
        SignalingFence fb = ctx.next();
        a.addPoint(2, fa);
        b.replace(fb);
        List<SyncPoint> both = List.of(new SyncPoint(a, 2), SyncPoint.of(b));
        assertEquals(OptionalInt.empty(), SyncWaits.await(both, NONE, Duration.ZERO));
        fb.signal();
        assertEquals(OptionalInt.of(1), SyncWaits.await(both, NONE, Duration.ZERO));
        assertEquals(OptionalInt.empty(), SyncWaits.await(both, ALL, Duration.ofMillis(5)));
        fa.signal();
        assertEquals(OptionalInt.of(0), SyncWaits.await(both, ALL, BOUND));
        assertEquals(OptionalInt.of(0), SyncWaits.await(both, NONE, BOUND));
    }

    @Test
    @DisplayName("SYNCOBJ-5: a multi-object wait rejects an empty list, null flags and a negative timeout")
    void multiWaitRejectsBadArguments() {
        SyncObject a = timeline("a");
        a.signal(1);
        List<SyncPoint> one = List.of(new SyncPoint(a, 1));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_5, () -> SyncWaits.await(List.of(), NONE, BOUND));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_5, () -> SyncWaits.await(one, null, BOUND));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_5,
                () -> SyncWaits.await(one, NONE, Duration.ofMillis(-1)));
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_5, () -> a.waitFor(1, NONE, null));
    }

    @Test
    @DisplayName("SYNCOBJ-5: an interrupted wait throws DmaInterruptedException and keeps the interrupt status")
    void interruptedWaitThrows() throws InterruptedException {
        SyncObject tl = timeline("tl");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            try {
                tl.waitFor(3, FOR_SUBMIT, BOUND);
            } catch (DmaInterruptedException e) {
                thrown.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(waiter);
        waiter.interrupt();
        join(waiter);
        rethrowThreadFailure();
        assertEquals(Rule.SYNCOBJ_5, ((DmaBufException) thrown.get()).rule());
        assertTrue(flagKept.get(), "the interrupt status is kept");
        assertEquals(0, ((SyncObjectImpl) tl).listenerCount(), "the interrupted wait withdrew its listener");
    }

    @Test
    @DisplayName("SYNCOBJ-5: a wait whose fence signaled with an error throws with that error as cause")
    void failedFenceFailsTheWait() {
        SyncObject tl = timeline("tl");
        SignalingFence f = ctx.next();
        tl.addPoint(1, f);
        IOException cause = new IOException("gpu hang");
        f.fail(cause);
        FenceFailedException e = assertFails(FenceFailedException.class, Rule.FENCE_13,
                () -> tl.waitFor(1, NONE, BOUND));
        assertSame(cause, e.getCause());
        assertTrue(tl.waitFor(1, AVAILABLE, BOUND), "WAIT_AVAILABLE does not look at the status");
        assertEquals(FenceStatus.ERROR, tl.status(1), "the status query does not throw");
    }

    // ---- SYNCOBJ-6: transfer ------------------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-6: transfer copies the fence at a point to a timeline point or a binary object without waiting")
    void transferCopiesFences() {
        SyncObject src = timeline("src");
        SyncObject dst = timeline("dst");
        SyncObject bin = binary("bin");
        SignalingFence f = ctx.next();
        src.addPoint(4, f);
        src.transfer(4, new SyncPoint(dst, 10));
        src.transfer(3, SyncPoint.of(bin));
        assertEquals(10, dst.lastPoint());
        assertEquals(FenceStatus.PENDING, dst.status(10), "transfer does not wait for the fence");
        assertEquals(FenceStatus.PENDING, bin.status(0));
        f.signal();
        assertEquals(10, dst.query());
        assertTrue(bin.waitFor(0, NONE, Duration.ZERO));
        bin.transfer(0, new SyncPoint(dst, 11));
        assertEquals(11, dst.query(), "binary to timeline");
    }

    @Test
    @DisplayName("SYNCOBJ-6: transfer from an unsubmitted point is rejected, or waits for the submit with a timeout")
    void transferFromUnsubmittedPoint() throws InterruptedException {
        SyncObject src = timeline("src");
        SyncObject dst = timeline("dst");
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_6, () -> src.transfer(1, new SyncPoint(dst, 1)));
        assertFalse(src.transfer(1, new SyncPoint(dst, 1), Duration.ofMillis(5)));
        assertEquals(0, dst.lastPoint(), "nothing was transferred");
        AtomicBoolean done = new AtomicBoolean();
        Thread t = start("transfer", () -> done.set(src.transfer(2, new SyncPoint(dst, 7), BOUND)));
        awaitBlocked(t);
        SignalingFence f = ctx.next();
        src.addPoint(2, f);
        join(t);
        rethrowThreadFailure();
        assertTrue(done.get());
        assertEquals(7, dst.lastPoint());
        assertEquals(FenceStatus.PENDING, dst.status(7));
    }

    // ---- SYNCOBJ-7: sync-file exchange --------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-7: an exported point is an immutable snapshot, untouched by later changes to the object")
    void exportIsASnapshot() {
        SyncObject bin = binary("bin");
        SignalingFence f = ctx.next();
        bin.replace(f);
        SyncFile file = bin.exportSyncFile(0);
        bin.reset();
        bin.signal();
        assertFalse(file.poll(), "the snapshot still holds the pending fence");
        SyncObject tl = timeline("tl");
        SignalingFence g = ctx.next();
        tl.addPoint(1, g);
        SyncFile point1 = tl.exportSyncFile(1);
        tl.signal(2);
        tl.reset();
        assertFalse(point1.poll());
        g.signal();
        f.signal();
        assertTrue(point1.poll());
        assertTrue(file.poll());
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_2, () -> tl.exportSyncFile(3));
    }

    @Test
    @DisplayName("SYNCOBJ-7: importing the same sync file twice adds two points (no deduplication)")
    void importsAreNotDeduplicated() {
        SyncObject tl = timeline("tl");
        SignalingFence f = ctx.next();
        SyncFile file = fences.syncFile(f, "frame");
        tl.importSyncFile(file, 1);
        tl.importSyncFile(file, 2);
        assertEquals(2, tl.lastPoint());
        assertNotSame(tl.fenceAt(1).orElseThrow(), tl.fenceAt(2).orElseThrow(), "two chain nodes, one per import");
        SyncObject bin = binary("bin");
        bin.importSyncFile(file, 0);
        assertSame(f, bin.fence().orElseThrow());
        assertFails(RuleViolationException.class, Rule.SYNCOBJ_7, () -> tl.importSyncFile(null, 3));
        f.signal();
        assertEquals(2, tl.query());
    }

    // ---- SYNCOBJ-12: closing ------------------------------------------------------------------------------------

    @Test
    @DisplayName("SYNCOBJ-12: a closed object rejects calls, close is idempotent, and a wait for a submit fails")
    void closeRejectsCallsAndFailsWaiters() throws InterruptedException {
        SyncObject tl = timeline("tl");
        SignalingFence f = ctx.next();
        tl.addPoint(1, f);
        Fence node = tl.fenceAt(1).orElseThrow();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            try {
                tl.waitFor(9, FOR_SUBMIT, BOUND);
            } catch (ClosedException e) {
                thrown.set(e);
            }
        });
        awaitBlocked(waiter);
        tl.close();
        tl.close();
        join(waiter);
        rethrowThreadFailure();
        assertEquals(Rule.SYNCOBJ_12, ((ClosedException) thrown.get()).rule());
        assertTrue(tl.isClosed());
        assertFails(ClosedException.class, Rule.SYNCOBJ_12, () -> tl.signal(2));
        assertFails(ClosedException.class, Rule.SYNCOBJ_12, tl::query);
        assertFails(ClosedException.class, Rule.SYNCOBJ_12, () -> tl.waitFor(1, NONE, Duration.ZERO));
        f.signal();
        assertTrue(node.isSignaled(), "fences handed out are unaffected by the close");
    }

    @Test
    @DisplayName("SYNCOBJ-5: a wait for all blocks on a point not yet submitted until every point is done")
    void waitAllWithSubmitAcrossObjects() throws InterruptedException {
        SyncObject a = timeline("a");
        SyncObject b = timeline("b");
        AtomicReference<OptionalInt> result = new AtomicReference<>();
        Thread waiter = start("waiter", () -> result.set(SyncWaits.await(
                List.of(new SyncPoint(a, 1), new SyncPoint(b, 1)),
                EnumSet.of(SyncWaitFlag.WAIT_ALL, SyncWaitFlag.WAIT_FOR_SUBMIT), BOUND)));
        awaitBlocked(waiter);
        a.signal(1);
        awaitBlocked(waiter);
        b.signal(1);
        join(waiter);
        rethrowThreadFailure();
        assertEquals(OptionalInt.of(0), result.get());
    }
}
