package org.dmabuf4j.core.sync;

import static org.dmabuf4j.api.FenceUsage.BOOKKEEP;
import static org.dmabuf4j.api.FenceUsage.KERNEL;
import static org.dmabuf4j.api.FenceUsage.READ;
import static org.dmabuf4j.api.FenceUsage.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reservation's fence slots: reserve, add and replace, usages, queries, waits. */
class ReservationFenceTest extends SyncTestBase {
    private final FenceContext gfx = fences.newContext("gpu", "gfx");
    private final FenceContext copy = fences.newContext("gpu", "copy");

    /** Locks, reserves n slots, adds, unlocks. */
    static void add(ReservationImpl r, Fence f, FenceUsage usage) {
        r.lock();
        try {
            r.reserveFences(1);
            r.addFence(f, usage);
        } finally {
            r.unlock();
        }
    }

    private static List<FenceEntry> entries(ReservationImpl r) {
        r.lock();
        try {
            return r.entries(BOOKKEEP);
        } finally {
            r.unlock();
        }
    }

    // ---- RESV-1 / RESV-12 ---------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-1: adding a fence without a reserved slot is refused and changes nothing")
    void addingWithoutAReservationIsRefused() {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        r.lock();
        try {
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> r.addFence(f, WRITE));
            assertEquals(Rule.RESV_1, e.rule());
            assertTrue(e.getMessage().contains("frame") && e.getMessage().contains("reserveFences"), e.getMessage());
            assertEquals(0, r.fenceCount());
        } finally {
            r.unlock();
        }
        f.signal();
    }

    @Test
    @DisplayName("RESV-1: reserving fewer than one slot is refused")
    void reservingZeroIsRefused() {
        ReservationImpl r = reservation("frame");
        r.lock();
        try {
            assertEquals(Rule.RESV_1, assertThrows(RuleViolationException.class, () -> r.reserveFences(0)).rule());
            assertEquals(Rule.RESV_1, assertThrows(RuleViolationException.class, () -> r.reserveFences(-3)).rule());
        } finally {
            r.unlock();
        }
    }

    @Test
    @DisplayName("RESV-1: n reserved slots take n new fences, then the next add is refused")
    void reservedSlotsAreCounted() {
        ReservationImpl r = reservation("frame");
        r.lock();
        try {
            r.reserveFences(2);
            r.addFence(gfx.next(), READ);
            r.addFence(copy.next(), READ);
            assertEquals(Rule.RESV_1, assertThrows(RuleViolationException.class,
                    () -> r.addFence(fences.newContext("d", "t").next(), READ)).rule());
            r.reserveFences(1);
            r.addFence(fences.newContext("d", "t2").next(), READ);
            assertEquals(3, r.fenceCount());
        } finally {
            r.unlock();
        }
        signalAll(r);
    }

    @Test
    @DisplayName("RESV-12: unused reserved slots are dropped at unlock")
    void unusedSlotsAreDroppedAtUnlock() {
        ReservationImpl r = reservation("frame");
        r.lock();
        r.reserveFences(4);
        r.unlock();
        r.lock();
        try {
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> r.addFence(gfx.next(), READ));
            assertEquals(Rule.RESV_1, e.rule());
        } finally {
            r.unlock();
        }
    }

    // ---- RESV-2 / RESV-3 ----------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-2: a WRITE fence after a READ fence of the same context replaces it")
    void writeAfterReadOfTheSameContextReplaces() {
        ReservationImpl r = reservation("frame");
        SignalingFence read = gfx.next();
        SignalingFence write = gfx.next();
        add(r, read, READ);
        r.lock();
        try {
            r.addFence(write, WRITE); // no reservation needed: it replaces
            assertEquals(List.of(new FenceEntry(write, WRITE)), r.entries(BOOKKEEP));
        } finally {
            r.unlock();
        }
        read.signal();
        write.signal();
    }

    @Test
    @DisplayName("RESV-2: a READ fence after an unsignaled WRITE fence of the same context is appended")
    void readAfterAnUnsignaledWriteAppends() {
        ReservationImpl r = reservation("frame");
        SignalingFence write = gfx.next();
        SignalingFence read = gfx.next();
        add(r, write, WRITE);
        add(r, read, READ);
        assertEquals(List.of(new FenceEntry(write, WRITE), new FenceEntry(read, READ)), entries(r));
        write.signal();
        read.signal();
    }

    @Test
    @DisplayName("RESV-2: a signaled entry is reused by the next fence, whatever its context")
    void signaledEntriesAreReused() {
        ReservationImpl r = reservation("frame");
        SignalingFence old = gfx.next();
        SignalingFence other = copy.next();
        add(r, old, WRITE);
        old.signal();
        r.lock();
        try {
            r.addFence(other, READ); // reuses the signaled slot: no reservation needed
        } finally {
            r.unlock();
        }
        assertEquals(List.of(new FenceEntry(other, READ)), entries(r));
        other.signal();
    }

    @Test
    @DisplayName("RESV-2: an earlier fence of the same context does not replace a later one")
    void anEarlierFenceDoesNotReplace() {
        ReservationImpl r = reservation("frame");
        SignalingFence first = gfx.next();
        SignalingFence second = gfx.next();
        add(r, second, READ);
        add(r, first, READ);
        assertEquals(2, entries(r).size());
        first.signal();
        second.signal();
    }

    @Test
    @DisplayName("RESV-2: fences of different contexts are appended")
    void differentContextsAppend() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = gfx.next();
        SignalingFence b = copy.next();
        add(r, a, WRITE);
        add(r, b, WRITE);
        assertEquals(2, r.fenceCount());
        signalAll(r);
    }

    @Test
    @DisplayName("RESV-3: re-adding a BOOKKEEP fence as READ promotes it")
    void reAddingPromotes() {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        add(r, f, BOOKKEEP);
        assertTrue(r.isSignaled(READ), "a BOOKKEEP fence is not covered by READ");
        add(r, f, READ);
        assertEquals(List.of(new FenceEntry(f, READ)), entries(r));
        assertFalse(r.isSignaled(READ));
        f.signal();
    }

    @Test
    @DisplayName("RESV-3: re-adding a WRITE fence as BOOKKEEP never degrades it")
    void reAddingNeverDegrades() {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        add(r, f, WRITE);
        add(r, f, BOOKKEEP);
        assertFalse(r.isSignaled(WRITE), "still covered as a writer");
        assertTrue(entries(r).contains(new FenceEntry(f, WRITE)));
        f.signal();
    }

    @Test
    @DisplayName("RESV-2: replaceFences swaps every fence of a context")
    void replaceFencesSwapsAContext() {
        ReservationImpl r = reservation("frame");
        SignalingFence g1 = gfx.next();
        SignalingFence c1 = copy.next();
        SignalingFence repl = fences.newContext("gpu", "pt-update").next();
        add(r, g1, BOOKKEEP);
        add(r, c1, READ);
        r.lock();
        try {
            r.replaceFences(gfx.id(), repl, KERNEL);
            assertEquals(List.of(new FenceEntry(repl, KERNEL), new FenceEntry(c1, READ)), r.entries(BOOKKEEP));
        } finally {
            r.unlock();
        }
        g1.signal();
        c1.signal();
        repl.signal();
    }

    @Test
    @DisplayName("RESV-9: a reservation whose many fences have signaled is signaled only once every covered one has")
    void manySignaledFencesDoNotHideAPendingOne() {
        // the readiness test remembers the signaled prefix of the slots (issue 15): it must never skip a fence that
        // is still pending, nor keep skipping once the slots change
        ReservationImpl r = reservation("frame");
        List<SignalingFence> added = new java.util.ArrayList<>();
        r.lock();
        try {
            r.reserveFences(12);
            for (int i = 0; i < 12; i++) {
                SignalingFence f = fences.newContext("gpu", "ring" + i).next();
                added.add(f);
                r.addFence(f, i == 9 ? BOOKKEEP : WRITE);
            }
        } finally {
            r.unlock();
        }
        for (int i = 0; i < 8; i++) {
            added.get(i).signal();
        }
        assertFalse(r.isSignaled(WRITE), "fences 8 to 11 are pending");
        assertFalse(r.isSignaled(WRITE), "asked again, after the prefix was noted");
        added.get(8).signal();
        added.get(10).signal();
        assertFalse(r.isSignaled(WRITE), "fence 11 is pending");
        assertFalse(r.isSignaled(BOOKKEEP), "fences 9 and 11 are pending");
        added.get(11).signal();
        assertTrue(r.isSignaled(WRITE), "fence 9 is BOOKKEEP, which WRITE does not cover");
        assertFalse(r.isSignaled(BOOKKEEP), "fence 9 is pending");
        SignalingFence later = gfx.next();
        add(r, later, WRITE); // replaces the first signaled slot: a new array, whose prefix is not known yet
        assertFalse(r.isSignaled(WRITE), "the new fence is pending");
        later.signal();
        added.get(9).signal();
        assertTrue(r.isSignaled(BOOKKEEP));
    }

    // ---- RESV-4 / RESV-8 ----------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-4: reserve, add, replace and locked iteration without the lock are refused")
    void fenceChangesNeedTheLock() throws Exception {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        assertEquals(Rule.RESV_4, assertThrows(RuleViolationException.class, () -> r.reserveFences(1)).rule());
        assertEquals(Rule.RESV_4, assertThrows(RuleViolationException.class, () -> r.addFence(f, READ)).rule());
        assertEquals(Rule.RESV_4, assertThrows(RuleViolationException.class,
                () -> r.replaceFences(1, f, READ)).rule());
        assertEquals(Rule.RESV_4, assertThrows(RuleViolationException.class, () -> r.entries(READ)).rule());
        // Held by another thread is not held by us:
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = start("holder", () -> {
            r.lock();
            locked.countDown();
            done.await();
            r.unlock();
        });
        locked.await();
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> r.addFence(f, READ));
        assertEquals(Rule.RESV_4, e.rule());
        assertTrue(e.getMessage().contains("holder"), e.getMessage());
        done.countDown();
        join(holder);
        assertEquals(0, r.fenceCount());
        f.signal();
    }

    @Test
    @DisplayName("RESV-8: adding a container fence is refused")
    void addingAContainerIsRefused() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = gfx.next();
        SignalingFence b = copy.next();
        FenceArray array = fences.array(List.of(a, b));
        r.lock();
        try {
            r.reserveFences(1);
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> r.addFence(array, READ));
            assertEquals(Rule.RESV_8, e.rule());
            assertTrue(e.getMessage().contains("unwrap"), e.getMessage());
            assertEquals(Rule.RESV_8, assertThrows(RuleViolationException.class,
                    () -> r.addFence(fences.chain(null, a, 1), READ)).rule());
            assertEquals(Rule.RESV_8, assertThrows(RuleViolationException.class,
                    () -> r.replaceFences(gfx.id(), array, READ)).rule());
            assertEquals(Rule.RESV_8, assertThrows(RuleViolationException.class, () -> r.addFence(null, READ))
                    .rule());
            assertEquals(0, r.fenceCount());
            for (Fence leaf : fences.unwrap(array)) {
                r.reserveFences(1);
                r.addFence(leaf, READ);
            }
            assertEquals(2, r.fenceCount());
        } finally {
            r.unlock();
        }
        a.signal();
        b.signal();
    }

    // ---- RESV-9 -------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-9: a query at usage U covers every fence of usage U or stronger")
    void queriesCoverStrongerUsages() {
        ReservationImpl r = reservation("frame");
        SignalingFence k = fences.newContext("mm", "move").next();
        SignalingFence w = fences.newContext("gpu", "w").next();
        SignalingFence rd = fences.newContext("gpu", "r").next();
        SignalingFence bk = fences.newContext("gpu", "bk").next();
        add(r, k, KERNEL);
        add(r, w, WRITE);
        add(r, rd, READ);
        add(r, bk, BOOKKEEP);
        assertEquals(List.of(k), r.fences(KERNEL));
        assertEquals(List.of(k, w), r.fences(WRITE));
        assertEquals(List.of(k, w, rd), r.fences(READ));
        assertEquals(List.of(k, w, rd, bk), r.fences(BOOKKEEP));
        r.lock();
        try {
            assertEquals(2, r.entries(WRITE).size());
        } finally {
            r.unlock();
        }
        k.signal();
        w.signal();
        assertTrue(r.isSignaled(WRITE));
        assertFalse(r.isSignaled(READ));
        assertEquals(List.of(rd), r.fences(READ), "the unlocked snapshot skips signaled fences");
        r.lock();
        try {
            assertEquals(4, r.entries(BOOKKEEP).size(), "locked iteration includes signaled entries");
        } finally {
            r.unlock();
        }
        rd.signal();
        bk.signal();
        assertTrue(r.isSignaled(BOOKKEEP));
        assertEquals(Rule.RESV_9, assertThrows(RuleViolationException.class, () -> r.isSignaled(null)).rule());
    }

    @Test
    @DisplayName("RESV-9: singleton gives nothing, the one fence, or an array of the pending fences")
    void singleton() {
        ReservationImpl r = reservation("frame");
        assertEquals(Optional.empty(), r.singleton(BOOKKEEP));
        SignalingFence a = gfx.next();
        SignalingFence b = copy.next();
        add(r, a, WRITE);
        assertSame(a, r.singleton(READ).orElseThrow());
        add(r, b, READ);
        FenceArray array = assertInstanceOf(FenceArray.class, r.singleton(READ).orElseThrow());
        assertEquals(List.of(a, b), array.fences());
        assertSame(a, r.singleton(WRITE).orElseThrow());
        a.signal();
        b.signal();
        assertTrue(array.isSignaled());
    }

    // ---- RESV-14 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-14: a wait returns false when the timeout passes with fences pending")
    void aWaitTimesOut() throws InterruptedException {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        add(r, f, WRITE);
        assertFalse(r.await(WRITE, Duration.ofMillis(20)));
        assertTrue(r.await(KERNEL, Duration.ofMillis(20)), "KERNEL does not cover a WRITE fence");
        f.signal();
        assertTrue(r.await(WRITE, Duration.ofMillis(20)));
    }

    @Test
    @DisplayName("RESV-14: a zero timeout polls and a negative one is rejected")
    void zeroPollsAndNegativeIsRejected() throws InterruptedException {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        add(r, f, READ);
        assertFalse(r.await(READ, Duration.ZERO));
        assertEquals(Rule.RESV_14, assertThrows(RuleViolationException.class,
                () -> r.await(READ, Duration.ofMillis(-1))).rule());
        assertEquals(Rule.RESV_14, assertThrows(RuleViolationException.class, () -> r.await(READ, null)).rule());
        f.signal();
        assertTrue(r.await(READ, Duration.ZERO));
    }

    @Test
    @DisplayName("RESV-14: a wait returns once every covered fence has signaled, with the lock held or not")
    void aWaitReturnsWhenAllSignal() throws Exception {
        ReservationImpl r = reservation("frame");
        SignalingFence a = gfx.next();
        SignalingFence b = copy.next();
        add(r, a, WRITE);
        add(r, b, READ);
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            r.lock(); // allowed: the signalers never take it
            try {
                result.set(r.await(READ, Duration.ofSeconds(10)));
            } finally {
                r.unlock();
            }
        });
        FenceWaitTest.awaitParked(waiter, a);
        a.signal();
        FenceWaitTest.awaitParked(waiter, b);
        b.signal();
        join(waiter);
        assertTrue(result.get());
    }

    @Test
    @DisplayName("RESV-14: a wait is interruptible")
    void aWaitIsInterruptible() throws Exception {
        ReservationImpl r = reservation("frame");
        SignalingFence f = gfx.next();
        add(r, f, WRITE);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            try {
                r.await(WRITE, Duration.ofSeconds(30));
            } catch (DmaInterruptedException e) {
                thrown.set(e);
            }
        });
        FenceWaitTest.awaitParked(waiter, f);
        waiter.interrupt();
        join(waiter);
        assertEquals(Rule.RESV_14, assertInstanceOf(DmaInterruptedException.class, thrown.get()).rule());
        f.signal();
    }

    // ---- whenSignaled, describe ---------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-9: whenSignaled completes once no covered fence is pending, re-checking fences added meanwhile")
    void whenSignaledFollowsAddedFences() {
        ReservationImpl r = reservation("frame");
        assertTrue(r.whenSignaled(READ).isDone(), "nothing pending: done at once");
        SignalingFence a = gfx.next();
        SignalingFence b = copy.next();
        SignalingFence bk = fences.newContext("gpu", "bk").next();
        add(r, a, WRITE);
        add(r, bk, BOOKKEEP);
        CompletableFuture<Void> readable = r.whenSignaled(WRITE);
        assertFalse(readable.isDone());
        add(r, b, WRITE); // added while the future waits for a
        a.signal();
        assertFalse(readable.isDone(), "b was added meanwhile");
        b.signal();
        assertTrue(readable.isDone(), "BOOKKEEP fences do not count for WRITE");
        bk.signal();
    }

    @Test
    @DisplayName("RESV-9: cancelling whenSignaled removes its callback")
    void cancellingWhenSignaledRemovesItsCallback() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = gfx.next();
        add(r, a, WRITE);
        CompletableFuture<Void> f = r.whenSignaled(WRITE);
        assertTrue(f.cancel(false));
        assertFalse(a.removeCallback(x -> { }));
        a.signal();
        assertTrue(f.isCancelled());
    }

    @Test
    @DisplayName("RESV-9: describe lists usage, driver, timeline, context, seqno and status per entry")
    void describeListsEntries() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = gfx.next();
        add(r, a, WRITE);
        assertEquals("write gpu gfx context " + gfx.id() + " seqno 1 pending\n", r.describe());
        a.signal();
        assertTrue(r.describe().endsWith("signaled\n"));
        assertTrue(r.toString().contains("buffer 'frame'"));
    }

    private static void signalAll(ReservationImpl r) {
        for (Fence f : r.fences(BOOKKEEP)) {
            ((SignalingFence) f).signal();
        }
    }
}
