package org.dmabuf4j.core.sync;

import static org.dmabuf4j.core.sync.FenceWaitTest.awaitParked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The drm_exec-like helper (RESV-6). */
class LockAllTest extends SyncTestBase {

    @Test
    @DisplayName("RESV-6: lockAll holds every reservation, duplicates once, in the order given; close unlocks all")
    void lockAllHoldsEveryReservation() {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        ReservationImpl c = reservation("c");
        ReservationSet set = LockAll.lockAll(List.of(c, a, b, a, c));
        assertEquals(List.of(c, a, b), set.reservations());
        assertEquals(0, set.backoffs());
        for (Reservation r : set.reservations()) {
            assertTrue(r.isHeldByCurrentThread());
            assertTrue(r.lockingContext().isPresent());
        }
        set.close();
        set.close(); // idempotent
        assertFalse(a.isLocked() || b.isLocked() || c.isLocked());
    }

    @Test
    @DisplayName("RESV-6: on would-deadlock lockAll backs off, waits with lockSlow, retries, and counts the back-off")
    void lockAllBacksOffAndCounts() throws Exception {
        ReservationImpl first = reservation("a");
        ReservationImpl second = reservation("b");
        // lockAll locks in its own global order: let the older context hold the one it takes second
        Reservation[] order = LockAll.lockingOrder(new Reservation[] {first, second});
        ReservationImpl a = (ReservationImpl) order[0];
        ReservationImpl b = (ReservationImpl) order[1];
        Thread tester = Thread.currentThread();
        CountDownLatch olderHoldsB = new CountDownLatch(1);
        Thread older = start("older", () -> {
            AcquireContextImpl ctx = context();
            b.lock(ctx);
            olderHoldsB.countDown();
            awaitParked(tester, b); // the tester died on b, released a, and now waits in lockSlow(b)
            assertFalse(a.isLocked(), "the younger context released a before waiting");
            ctx.unlockAll();
            ctx.close();
        });
        olderHoldsB.await();
        try (ReservationSet set = LockAll.lockAll(List.of(a, b))) {
            assertEquals(1, set.backoffs());
            assertTrue(a.isHeldByCurrentThread() && b.isHeldByCurrentThread());
        }
        join(older);
    }

    @Test
    @DisplayName("RESV-6: an interrupted lockAll throws DmaInterruptedException and holds nothing")
    void anInterruptedLockAllHoldsNothing() throws Exception {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        b.lock();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean heldA = new AtomicBoolean(true);
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread worker = start("worker", () -> {
            try {
                LockAll.lockAll(List.of(a, b)).close();
            } catch (DmaInterruptedException e) {
                thrown.set(e);
                heldA.set(a.isHeldByCurrentThread());
                interruptKept.set(Thread.interrupted());
            }
        });
        awaitParked(worker, b);
        worker.interrupt();
        join(worker);
        DmaInterruptedException e = assertInstanceOf(DmaInterruptedException.class, thrown.get());
        assertEquals(Rule.RESV_6, e.rule());
        assertFalse(heldA.get(), "a was released");
        assertTrue(interruptKept.get(), "the interrupt status is set again");
        b.unlock();
        assertFalse(a.isLocked());
    }

    @Test
    @DisplayName("RESV-7: lockAll of a reservation the thread already holds fails and leaves nothing else locked")
    void lockAllOfAHeldReservationFails() {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        b.lock();
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> LockAll.lockAll(List.of(a, b)));
        assertEquals(Rule.RESV_7, e.rule());
        assertFalse(a.isLocked());
        assertTrue(b.isHeldByCurrentThread());
        b.unlock();
    }

    @Test
    @DisplayName("RESV-6: lockAll rejects a null collection and null elements")
    void lockAllRejectsNulls() {
        assertEquals(Rule.RESV_6, assertThrows(RuleViolationException.class, () -> LockAll.lockAll(null)).rule());
        List<Reservation> withNull = new ArrayList<>();
        withNull.add(reservation("a"));
        withNull.add(null);
        assertEquals(Rule.RESV_6, assertThrows(RuleViolationException.class, () -> LockAll.lockAll(withNull))
                .rule());
        assertFalse(withNull.getFirst().isLocked());
    }

    @Test
    @DisplayName("RESV-13: the set is closed by the thread that locked it")
    void theSetIsClosedByItsThread() throws Exception {
        ReservationImpl a = reservation("a");
        ReservationSet set = LockAll.lockAll(List.of(a));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        join(start("other", () -> {
            try {
                set.close();
            } catch (RuleViolationException e) {
                thrown.set(e);
            }
        }));
        assertEquals(Rule.RESV_13, assertInstanceOf(RuleViolationException.class, thrown.get()).rule());
        assertTrue(a.isHeldByCurrentThread());
        set.close();
        assertFalse(a.isLocked());
    }

    @Test
    @DisplayName("RESV-6: lockAll of an empty collection holds nothing")
    void lockAllOfNothing() {
        try (ReservationSet set = LockAll.lockAll(List.of())) {
            assertTrue(set.reservations().isEmpty());
        }
    }

    @Test
    @DisplayName("RESV-6: lockAll of more than 16 reservations with duplicates holds each once, in the order given")
    void lockAllOfManyWithDuplicates() {
        List<Reservation> distinct = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            distinct.add(reservation("r" + i));
        }
        List<Reservation> withDuplicates = new ArrayList<>(distinct);
        for (int i = 19; i >= 0; i -= 3) {
            withDuplicates.add(distinct.get(i));
        }
        try (ReservationSet set = LockAll.lockAll(withDuplicates)) {
            assertEquals(distinct, set.reservations());
            for (Reservation r : distinct) {
                assertTrue(r.isHeldByCurrentThread(), r + " is held");
            }
        }
        for (Reservation r : distinct) {
            assertFalse(r.isLocked(), r + " is unlocked after close");
        }
    }

    @Test
    @DisplayName("RESV-6: two lockAll calls that list shared reservations in opposite orders wait, never back off")
    void lockAllCallsShareOneOrder() throws Exception {
        List<Reservation> forward = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            forward.add(reservation("r" + i));
        }
        List<Reservation> backward = forward.reversed();
        Reservation firstLocked = LockAll.lockingOrder(backward.toArray(new Reservation[0]))[0];
        AtomicReference<Integer> otherBackoffs = new AtomicReference<>();
        Thread other;
        try (ReservationSet set = LockAll.lockAll(forward)) {
            assertEquals(0, set.backoffs());
            other = start("other", () -> {
                try (ReservationSet mine = LockAll.lockAll(backward)) {
                    otherBackoffs.set(mine.backoffs());
                }
            });
            // the other call waits on the first reservation of the shared order, holding nothing
            awaitParked(other, firstLocked);
            for (Reservation r : forward) {
                assertTrue(r.isHeldByCurrentThread(), r + " is still held by this thread");
            }
        }
        join(other);
        assertEquals(0, otherBackoffs.get());
    }
}
