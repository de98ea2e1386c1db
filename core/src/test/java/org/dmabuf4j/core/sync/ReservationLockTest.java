package org.dmabuf4j.core.sync;

import static org.dmabuf4j.core.sync.FenceWaitTest.awaitParked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.AlreadyLockedException;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.WouldDeadlockException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The reservation's ww-mutex: wait-die, back-off, relock, ownership, contexts, interrupts, FENCE-4. */
class ReservationLockTest extends SyncTestBase {

    // ---- basics -------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-11: lock and unlock by one thread; held-assertions follow the holder")
    void lockAndUnlock() {
        ReservationImpl r = reservation("frame");
        assertFalse(r.isLocked());
        r.lock();
        assertTrue(r.isLocked());
        assertTrue(r.isHeldByCurrentThread());
        assertTrue(r.isHeldBy(Thread.currentThread()));
        assertTrue(r.lockingContext().isEmpty(), "no context for a plain lock");
        r.assertHeld(Rule.MAP_1);
        r.unlock();
        assertFalse(r.isLocked());
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> r.assertHeld(Rule.MAP_1));
        assertEquals(Rule.MAP_1, e.rule(), "assertHeld names the caller's rule");
        assertTrue(e.getMessage().contains("frame"), e.getMessage());
    }

    @Test
    @DisplayName("RESV-11: tryLock takes a free lock, and fails without waiting when it is held")
    void tryLock() throws Exception {
        ReservationImpl r = reservation("frame");
        assertTrue(r.tryLock());
        assertFalse(r.tryLock(), "not reentrant");
        AtomicBoolean otherGot = new AtomicBoolean(true);
        join(start("other", () -> otherGot.set(r.tryLock())));
        assertFalse(otherGot.get());
        r.unlock();
    }

    @Test
    @DisplayName("RESV-11: unlocking a reservation nobody holds is refused")
    void unlockingAnUnlockedReservationIsRefused() {
        ReservationImpl r = reservation("frame");
        RuleViolationException e = assertThrows(RuleViolationException.class, r::unlock);
        assertEquals(Rule.RESV_11, e.rule());
        assertTrue(e.getMessage().contains("not locked") && e.getMessage().contains("frame"), e.getMessage());
    }

    @Test
    @DisplayName("RESV-11: unlock by a thread that does not hold the lock is refused and the holder keeps it")
    void unlockByANonHolderIsRefused() throws Exception {
        ReservationImpl r = reservation("frame");
        r.lock();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        join(start("intruder", () -> {
            try {
                r.unlock();
            } catch (RuleViolationException e) {
                thrown.set(e);
            }
        }));
        RuleViolationException e = assertInstanceOf(RuleViolationException.class, thrown.get());
        assertEquals(Rule.RESV_11, e.rule());
        assertTrue(e.getMessage().contains("intruder") && e.getMessage().contains(Thread.currentThread().getName()),
                e.getMessage());
        assertTrue(r.isHeldByCurrentThread(), "still held by its holder");
        r.unlock();
    }

    @Test
    @DisplayName("RESV-11: a blocked lock() waits until the holder unlocks")
    void aBlockedLockWaitsForUnlock() throws Exception {
        ReservationImpl r = reservation("frame");
        r.lock();
        AtomicBoolean got = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            r.lock();
            got.set(true);
            r.unlock();
        });
        awaitParked(waiter, r);
        assertFalse(got.get());
        r.unlock();
        join(waiter);
        assertTrue(got.get());
    }

    @Test
    @DisplayName("RESV-11: virtual threads contending for one reservation take turns, one holder at a time")
    void virtualThreadsTakeTurns() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            ReservationImpl r = reservation("shared");
            int threads = 200;
            int rounds = 50;
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            long[] counter = new long[1];
            List<Thread> vts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                vts.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < rounds; i++) {
                        r.lock();
                        try {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            counter[0]++;
                            Thread.yield();
                            inside.decrementAndGet();
                        } finally {
                            r.unlock();
                        }
                    }
                }));
            }
            for (Thread t : vts) {
                t.join();
            }
            assertEquals(0, overlaps.get());
            assertEquals((long) threads * rounds, counter[0], "no lost update under the lock");
        });
    }

    // ---- RESV-7 -------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-7: locking again with the context that holds it fails with already-locked and changes nothing")
    void relockingWithTheSameContextIsAlreadyLocked() {
        ReservationImpl r = reservation("frame");
        AcquireContextImpl ctx = context();
        r.lock(ctx);
        AlreadyLockedException e = assertThrows(AlreadyLockedException.class, () -> r.lock(ctx));
        assertEquals(Rule.RESV_7, e.rule());
        assertEquals(1, ctx.heldCount(), "held once");
        assertSame(ctx, r.lockingContext().orElseThrow());
        assertThrows(AlreadyLockedException.class, () -> r.lockInterruptibly(ctx));
        r.unlock();
        assertFalse(r.isLocked(), "one unlock releases it");
        assertEquals(0, ctx.heldCount());
        ctx.close();
    }

    @Test
    @DisplayName("RESV-7: a plain lock is not reentrant: locking it again on the same thread is refused")
    void aPlainLockIsNotReentrant() {
        ReservationImpl r = reservation("frame");
        r.lock();
        RuleViolationException e = assertThrows(RuleViolationException.class, r::lock);
        assertEquals(Rule.RESV_7, e.rule());
        AcquireContextImpl ctx = context();
        assertEquals(Rule.RESV_7, assertThrows(RuleViolationException.class, () -> r.lock(ctx)).rule());
        assertEquals(0, ctx.heldCount());
        r.unlock();
        ctx.close();
    }

    // ---- RESV-5 / RESV-6: wait-die ------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-5: a younger context holding a lock dies when an older context holds the one it wants")
    void aYoungerContextDies() throws Exception {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        CountDownLatch olderHoldsA = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread older = start("older", () -> {
            AcquireContextImpl ctx = context();
            a.lock(ctx);
            olderHoldsA.countDown();
            release.await();
            ctx.unlockAll();
            ctx.close();
        });
        olderHoldsA.await();
        AcquireContextImpl young = context();
        b.lock(young);
        WouldDeadlockException e = assertThrows(WouldDeadlockException.class, () -> a.lock(young));
        assertEquals(Rule.RESV_5, e.rule());
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("Back off"), e.getMessage());
        assertEquals(1, young.heldCount(), "nothing changed: still holds b only");
        assertTrue(a.isHeldBy(older));
        young.unlockAll();
        young.close();
        release.countDown();
        join(older);
    }

    @Test
    @DisplayName("RESV-5: an older context waits for a younger holder instead of dying")
    void anOlderContextWaits() throws Exception {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        AcquireContextImpl[] olderCtx = new AcquireContextImpl[1];
        CountDownLatch olderCreated = new CountDownLatch(1);
        CountDownLatch youngerHoldsA = new CountDownLatch(1);
        AtomicBoolean olderGotA = new AtomicBoolean();
        Thread olderThread = start("older", () -> {
            AcquireContextImpl ctx = context();
            olderCtx[0] = ctx;
            olderCreated.countDown();
            youngerHoldsA.await();
            b.lock(ctx);
            a.lock(ctx); // waits: the holder is younger
            olderGotA.set(true);
            ctx.unlockAll();
            ctx.close();
        });
        olderCreated.await();
        AcquireContextImpl young = context();
        assertTrue(young.ticket() > olderCtx[0].ticket());
        a.lock(young);
        youngerHoldsA.countDown();
        awaitParked(olderThread, a);
        assertFalse(olderGotA.get(), "the older context waits");
        assertTrue(b.isHeldBy(olderThread));
        young.unlockAll();
        young.close();
        join(olderThread);
        assertTrue(olderGotA.get());
    }

    @Test
    @DisplayName("RESV-5: a context holding nothing never dies: it waits even for an older holder")
    void aContextHoldingNothingWaits() throws Exception {
        ReservationImpl a = reservation("a");
        AcquireContextImpl old = context();
        a.lock(old);
        CountDownLatch youngCreated = new CountDownLatch(1);
        AtomicBoolean got = new AtomicBoolean();
        Thread young = start("young", () -> {
            AcquireContextImpl ctx = context();
            youngCreated.countDown();
            a.lock(ctx);
            got.set(true);
            ctx.unlockAll();
            ctx.close();
        });
        youngCreated.await();
        awaitParked(young, a);
        assertFalse(got.get());
        old.unlockAll();
        old.close();
        join(young);
        assertTrue(got.get());
    }

    @Test
    @DisplayName("RESV-6: lockSlow waits regardless of ages, then the context retries the rest")
    void lockSlowWaitsRegardless() throws Exception {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        AcquireContextImpl old = context();
        a.lock(old);
        CountDownLatch backedOff = new CountDownLatch(1);
        AtomicReference<Integer> held = new AtomicReference<>();
        Thread young = start("young", () -> {
            AcquireContextImpl ctx = context();
            b.lock(ctx);
            try {
                a.lock(ctx);
            } catch (WouldDeadlockException e) {
                ctx.unlockAll();
                backedOff.countDown();
                a.lockSlow(ctx); // waits for the older holder
                b.lock(ctx);
            }
            ctx.done();
            held.set(ctx.heldCount());
            ctx.unlockAll();
            ctx.close();
        });
        backedOff.await();
        awaitParked(young, a);
        old.unlockAll();
        old.close();
        join(young);
        assertEquals(2, held.get());
    }

    @Test
    @DisplayName("RESV-6: lockSlow while the context holds other locks is refused")
    void lockSlowWithLocksHeldIsRefused() {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        AcquireContextImpl ctx = context();
        a.lock(ctx);
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> b.lockSlow(ctx));
        assertEquals(Rule.RESV_6, e.rule());
        assertFalse(b.isLocked());
        ctx.unlockAll();
        ctx.close();
    }

    // ---- RESV-13 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-13: no lock may be taken under a context after done()")
    void noLockAfterDone() {
        ReservationImpl a = reservation("a");
        ReservationImpl b = reservation("b");
        AcquireContextImpl ctx = context();
        a.lock(ctx);
        ctx.done();
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> b.lock(ctx));
        assertEquals(Rule.RESV_13, e.rule());
        assertTrue(e.getMessage().contains("done()"), e.getMessage());
        assertFalse(b.isLocked());
        ctx.unlockAll();
        ctx.close();
    }

    @Test
    @DisplayName("RESV-13: closing a context that still holds locks is refused and the locks stay held")
    void closingAContextWithLocksIsRefused() {
        ReservationImpl a = reservation("a");
        AcquireContextImpl ctx = context();
        a.lock(ctx);
        RuleViolationException e = assertThrows(RuleViolationException.class, ctx::close);
        assertEquals(Rule.RESV_13, e.rule());
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        assertTrue(a.isHeldByCurrentThread());
        assertFalse(ctx.isClosed());
        ctx.unlockAll();
        ctx.close();
        ctx.close(); // idempotent
        assertEquals(Rule.RESV_13, assertThrows(RuleViolationException.class, () -> a.lock(ctx)).rule());
        assertEquals(Rule.RESV_13, assertThrows(RuleViolationException.class, ctx::done).rule());
    }

    @Test
    @DisplayName("RESV-13: a context is used by the thread that created it only")
    void aContextBelongsToItsThread() throws Exception {
        ReservationImpl a = reservation("a");
        AcquireContextImpl ctx = context();
        AtomicReference<Throwable> lockFailure = new AtomicReference<>();
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        join(start("other", () -> {
            try {
                a.lock(ctx);
            } catch (RuleViolationException e) {
                lockFailure.set(e);
            }
            try {
                ctx.close();
            } catch (RuleViolationException e) {
                closeFailure.set(e);
            }
        }));
        assertEquals(Rule.RESV_13, assertInstanceOf(RuleViolationException.class, lockFailure.get()).rule());
        assertEquals(Rule.RESV_13, assertInstanceOf(RuleViolationException.class, closeFailure.get()).rule());
        assertFalse(a.isLocked());
        ctx.close();
    }

    @Test
    @DisplayName("RESV-13: a null or foreign context is refused")
    void aForeignContextIsRefused() {
        ReservationImpl a = reservation("a");
        AcquireContext foreign = new AcquireContext() {
            @Override
            public long ticket() {
                return 0;
            }

            @Override
            public int heldCount() {
                return 0;
            }

            @Override
            public void done() {
            }

            @Override
            public void unlockAll() {
            }

            @Override
            public void close() {
            }
        };
        assertEquals(Rule.RESV_13, assertThrows(RuleViolationException.class, () -> a.lock(foreign)).rule());
        assertEquals(Rule.RESV_13, assertThrows(RuleViolationException.class, () -> a.lock(null)).rule());
        assertFalse(a.isLocked());
    }

    // ---- interrupts ---------------------------------------------------------------------------------------------

    @Test
    @DisplayName("RESV-5: lockInterruptibly gives up when interrupted and does not take the lock")
    void lockInterruptiblyGivesUp() throws Exception {
        ReservationImpl a = reservation("a");
        a.lock();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> heldAfter = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            AcquireContextImpl ctx = context();
            try {
                a.lockInterruptibly(ctx);
            } catch (DmaInterruptedException e) {
                thrown.set(e);
            }
            heldAfter.set(a.isHeldByCurrentThread());
            ctx.close();
        });
        awaitParked(waiter, a);
        waiter.interrupt();
        join(waiter);
        assertEquals(Rule.RESV_5, assertInstanceOf(DmaInterruptedException.class, thrown.get()).rule());
        assertFalse(heldAfter.get());
        assertTrue(a.isHeldByCurrentThread());
        a.unlock();

        AcquireContextImpl ctx = context();
        Thread.currentThread().interrupt();
        assertThrows(DmaInterruptedException.class, () -> a.lockInterruptibly(ctx), "interrupted before the call");
        assertTrue(Thread.interrupted(), "the interrupt status is set again (and cleared here)");
        assertFalse(a.isLocked());
        ctx.close();
    }

    @Test
    @DisplayName("RESV-5: lock(ctx) and lock() ignore interrupts while waiting and keep the interrupt status")
    void uninterruptibleLocksKeepTheStatus() throws Exception {
        ReservationImpl a = reservation("a");
        a.lock();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            a.lock();
            interruptedAfter.set(Thread.interrupted());
            a.unlock();
        });
        awaitParked(waiter, a);
        waiter.interrupt();
        awaitParked(waiter, a);
        assertTrue(waiter.isAlive());
        a.unlock();
        join(waiter);
        assertTrue(interruptedAfter.get());
    }

    // ---- FENCE-4 ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-4: locking a reservation inside a fence callback is refused, by every lock method")
    void lockingInsideAFenceCallbackIsRefused() {
        ReservationImpl r = reservation("frame");
        AcquireContextImpl ctx = context();
        SignalingFence f = fences.newContext("gpu", "gfx").next();
        List<Executable> attempts = List.of(r::lock, () -> r.lock(ctx), () -> r.lockInterruptibly(ctx),
                () -> r.lockSlow(ctx), () -> r.lockSlowInterruptibly(ctx), r::tryLock);
        AtomicReference<List<Throwable>> failures = new AtomicReference<>(new ArrayList<>());
        f.addCallback(x -> {
            assertTrue(SignalingPath.active(), "callbacks run on the signaling path");
            for (Executable attempt : attempts) {
                try {
                    attempt.execute();
                    failures.get().add(null);
                } catch (Throwable t) {
                    failures.get().add(t);
                }
            }
        });
        f.signal();
        assertEquals(attempts.size(), failures.get().size());
        for (Throwable t : failures.get()) {
            RuleViolationException e = assertInstanceOf(RuleViolationException.class, t);
            assertEquals(Rule.FENCE_4, e.rule());
            assertTrue(e.getMessage().contains("frame") && e.getMessage().contains("signaling path"),
                    e.getMessage());
        }
        assertFalse(r.isLocked());
        assertFalse(SignalingPath.active(), "the path ends with the callbacks");
        ctx.close();
    }

    @Test
    @DisplayName("FENCE-4: an engine's completion section refuses locks; sections nest; exit without enter is refused")
    void signalingSectionsRefuseLocks() {
        ReservationImpl r = reservation("frame");
        SignalingPath.enter();
        try {
            SignalingPath.enter();
            SignalingPath.exit();
            assertTrue(SignalingPath.active(), "still inside the outer section");
            assertEquals(Rule.FENCE_4, assertThrows(RuleViolationException.class, r::lock).rule());
        } finally {
            SignalingPath.exit();
        }
        assertFalse(SignalingPath.active());
        assertEquals(Rule.FENCE_4, assertThrows(RuleViolationException.class, SignalingPath::exit).rule());
        r.lock();
        r.unlock();
    }

    @Test
    @DisplayName("FENCE-4: waiting for a fence while holding a reservation lock is allowed: the signaler takes none")
    void waitingWhileHoldingALockIsAllowed() throws Exception {
        ReservationImpl r = reservation("frame");
        SignalingFence f = fences.newContext("gpu", "gfx").next();
        r.lock();
        Thread signaler = start("signaler", f::signal);
        assertTrue(f.await(Duration.ofSeconds(5)));
        join(signaler);
        r.unlock();
    }
}
