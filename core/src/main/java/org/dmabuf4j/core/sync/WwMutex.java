package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.AlreadyLockedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.WouldDeadlockException;

/**
 * The wound/wait mutex of a reservation, in its wait-die flavour (RESV-5).
 *
 * <p>The owner is one CAS'd field; an uncontended lock/unlock is that CAS and a volatile store. Contenders spin
 * briefly, then queue and park (with the reservation as blocker). Unlock wakes the first queued waiter; a waiter that
 * leaves without the lock passes the wake-up on. A context that holds locks and finds an older context holding this
 * one dies with {@link WouldDeadlockException}; an older or empty-handed one waits. Whenever a context takes the lock
 * while others wait, younger waiting contexts are woken to re-check, so every wait edge goes from an older to a
 * younger context and no cycle can form. Every lock method refuses to run on a fence's signaling path (FENCE-4).
 */
final class WwMutex {
    private static final VarHandle HOLDER;
    private static final VarHandle HOLDER_CTX;
    private static final VarHandle WAITERS;

    static {
        try {
            HOLDER = MethodHandles.lookup().findVarHandle(WwMutex.class, "holder", Thread.class);
            WAITERS = MethodHandles.lookup().findVarHandle(WwMutex.class, "waiters", ConcurrentLinkedQueue.class);
            HOLDER_CTX = MethodHandles.lookup().findVarHandle(WwMutex.class, "holderCtx", AcquireContextImpl.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a blocked lock call behaves. */
    private enum Mode {
        /** No context: plain mutex, never dies. */
        PLAIN,
        /** With a context: wait-die. */
        WAIT_DIE,
        /** After a back-off: the context holds nothing, waits regardless. */
        SLOW
    }

    /** A thread queued for the lock; identity matters (the queue removes it by equals). */
    private static final class LockWaiter {
        final Thread thread;
        final AcquireContextImpl ctx;

        LockWaiter(Thread thread, AcquireContextImpl ctx) {
            this.thread = thread;
            this.ctx = ctx;
        }
    }

    /** The reservation: named in messages, registered with contexts, and the blocker of parked waiters. */
    private final ReservationImpl owner;
    private volatile Thread holder;
    /** The context of the current hold, or null; written by the holder only. */
    private volatile AcquireContextImpl holderCtx;
    /** Threads queued for the lock; made by the first contender (a never-contended lock has none: issue 15). */
    private volatile ConcurrentLinkedQueue<LockWaiter> waiters;

    WwMutex(ReservationImpl owner) {
        this.owner = owner;
    }

    void lock() {
        checkNotSignaling("lock()");
        if (HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            return;
        }
        checkNotHeldByMe(null, "lock()");
        acquireUninterruptibly(null, Mode.PLAIN);
    }

    void lock(AcquireContext ctx) {
        AcquireContextImpl context = prepare(ctx, "lock(ctx)");
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lock(ctx)");
            acquireUninterruptibly(context, Mode.WAIT_DIE);
        }
        acquiredWith(context);
    }

    void lockInterruptibly(AcquireContext ctx) throws InterruptedException {
        AcquireContextImpl context = prepare(ctx, "lockInterruptibly(ctx)");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking " + owner);
        }
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lockInterruptibly(ctx)");
            acquire(context, Mode.WAIT_DIE, true);
        }
        acquiredWith(context);
    }

    void lockSlow(AcquireContext ctx) {
        AcquireContextImpl context = prepareSlow(ctx, "lockSlow(ctx)");
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lockSlow(ctx)");
            acquireUninterruptibly(context, Mode.SLOW);
        }
        acquiredWith(context);
    }

    void lockSlowInterruptibly(AcquireContext ctx) throws InterruptedException {
        AcquireContextImpl context = prepareSlow(ctx, "lockSlowInterruptibly(ctx)");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking " + owner);
        }
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lockSlowInterruptibly(ctx)");
            acquire(context, Mode.SLOW, true);
        }
        acquiredWith(context);
    }

    boolean tryLock() {
        checkNotSignaling("tryLock()");
        return HOLDER.compareAndSet(this, null, Thread.currentThread());
    }

    /** Throws unless the calling thread holds the lock (RESV-11). */
    void checkHolder() {
        Thread me = Thread.currentThread();
        Thread current = holder;
        if (current != me) {
            throw new RuleViolationException(Rule.RESV_11, "unlock of " + owner + " by thread '" + me.getName()
                    + "', which does not hold it (" + (current == null ? "it is not locked"
                    : "held by thread '" + current.getName() + "'") + "): only the thread that locked it unlocks it");
        }
    }

    /** Releases the lock held by the calling thread (checked by {@link #checkHolder()}) and wakes the first waiter. */
    void release() {
        AcquireContextImpl ctx = holderCtx;
        if (ctx != null) {
            // a release store: the volatile store of holder just below orders it (one fence per unlock, not two)
            HOLDER_CTX.setRelease(this, (AcquireContextImpl) null);
            ctx.removed(owner);
        }
        holder = null;
        LockWaiter first = firstWaiter();
        if (first != null) {
            LockSupport.unpark(first.thread);
        }
    }

    /** The first queued waiter, or null. */
    private LockWaiter firstWaiter() {
        ConcurrentLinkedQueue<LockWaiter> q = waiters;
        return q == null ? null : q.peek();
    }

    /** The queue, made by the first thread that needs it. */
    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<LockWaiter> queue() {
        ConcurrentLinkedQueue<LockWaiter> q = waiters;
        if (q == null) {
            ConcurrentLinkedQueue<LockWaiter> made = new ConcurrentLinkedQueue<>();
            q = WAITERS.compareAndSet(this, null, made) ? made : waiters;
        }
        return q;
    }

    private AcquireContextImpl prepare(AcquireContext ctx, String op) {
        checkNotSignaling(op);
        AcquireContextImpl context = contextOf(ctx, op);
        context.checkCanLock(owner, op);
        return context;
    }

    private AcquireContextImpl prepareSlow(AcquireContext ctx, String op) {
        AcquireContextImpl context = prepare(ctx, op);
        if (context.holdsAny()) {
            throw new RuleViolationException(Rule.RESV_6, op + " of " + owner + " while " + context + " holds "
                    + context.heldCount() + " other lock(s): after would-deadlock, unlockAll() first, then lockSlow "
                    + "the contended reservation");
        }
        return context;
    }

    private AcquireContextImpl contextOf(AcquireContext ctx, String op) {
        if (ctx instanceof AcquireContextImpl impl) {
            return impl;
        }
        throw new RuleViolationException(Rule.RESV_13, op + " of " + owner + (ctx == null ? " with a null context"
                : " with " + ctx + ", which this implementation did not create")
                + ": use AcquireContextImpl.create() (DmaBufSystem.newAcquireContext())");
    }

    private void checkNotSignaling(String op) {
        if (SignalingPath.active()) {
            throw new RuleViolationException(Rule.FENCE_4, op + " of " + owner + " on a fence's signaling path (in a "
                    + "fence callback or a job completion): a waiter may hold this lock while it waits for the fence, "
                    + "so taking it here can deadlock; defer the work to another thread");
        }
    }

    private void checkNotHeldByMe(AcquireContextImpl ctx, String op) {
        if (holder != Thread.currentThread()) {
            return;
        }
        AcquireContextImpl held = holderCtx;
        if (ctx != null && held == ctx) {
            throw new AlreadyLockedException(Rule.RESV_7, op + " of " + owner + ": " + ctx
                    + " already holds it; it stays locked once — skip it or unlock it first");
        }
        throw new RuleViolationException(Rule.RESV_7, op + " of " + owner + " by thread '"
                + Thread.currentThread().getName() + "', which already holds it "
                + (held == null ? "without a context" : "under " + held) + ": a reservation is not reentrant");
    }

    private void acquiredWith(AcquireContextImpl ctx) {
        holderCtx = ctx;
        ctx.added(owner);
        ConcurrentLinkedQueue<LockWaiter> q = waiters;
        if (q != null && q.peek() != null) {
            // A younger waiting context that holds locks must now die rather than wait for us: wake it to re-check.
            for (LockWaiter w : q) {
                if (w.ctx != null && w.ctx.ticket() > ctx.ticket()) {
                    LockSupport.unpark(w.thread);
                }
            }
        }
    }

    private void acquireUninterruptibly(AcquireContextImpl ctx, Mode mode) {
        try {
            acquire(ctx, mode, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * The contended path: spin briefly, then queue and park until the lock is ours or wait-die says die.
     *
     * <p>The spin does not apply wait-die: most holds are short, and a younger context that spins a bounded while
     * and gets the lock saves a back-off (unlock everything, wait, relock) that costs far more. A real cycle still
     * ends after the spin, when the younger context checks and dies.
     */
    private void acquire(AcquireContextImpl ctx, Mode mode, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        for (int i = 0; i < Waits.SPINS; i++) {
            if (holder == null && HOLDER.compareAndSet(this, null, me)) {
                return;
            }
            Thread.onSpinWait();
        }
        LockWaiter self = new LockWaiter(me, ctx);
        ConcurrentLinkedQueue<LockWaiter> queue = queue();
        queue.add(self);
        boolean acquired = false;
        boolean interrupted = false;
        try {
            while (true) {
                if (HOLDER.compareAndSet(this, null, me)) {
                    acquired = true;
                    return;
                }
                dieIfYounger(ctx, mode);
                LockSupport.park(owner);
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException("interrupted while waiting to lock " + owner);
                    }
                    interrupted = true;
                }
            }
        } finally {
            queue.remove(self);
            if (!acquired && holder == null) {
                LockWaiter next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.thread);
                }
            }
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    private void dieIfYounger(AcquireContextImpl ctx, Mode mode) {
        if (mode != Mode.WAIT_DIE || !ctx.holdsAny()) {
            return;
        }
        AcquireContextImpl held = holderCtx;
        if (held != null && held.ticket() < ctx.ticket() && holder != null) {
            throw new WouldDeadlockException(Rule.RESV_5, "lock of " + owner + " under " + ctx + " would deadlock: "
                    + "older " + held + " holds it while " + ctx + " holds " + ctx.heldCount() + " other lock(s). "
                    + "Back off: unlockAll(), lockSlow() this reservation, then retry the others (RESV-6), "
                    + "or use lockAll");
        }
    }

    /** The holding thread, or null. */
    Thread holder() {
        return holder;
    }

    /** The context of the current hold, or null. */
    AcquireContextImpl holderContext() {
        return holderCtx;
    }
}
