package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.AlreadyLockedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceCursor;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.WouldDeadlockException;

/**
 * A buffer's reservation: a wait-die ww-mutex and the fence slots it guards.
 *
 * <h2>Lock</h2>
 * The owner is one CAS'd field; an uncontended lock/unlock is that CAS and a volatile store. Contenders spin briefly,
 * then queue and park. Unlock wakes the first queued waiter; a waiter that leaves without the lock passes the wake-up
 * on. Wait-die (RESV-5): a context that holds locks and finds an older context holding this one dies with
 * {@link WouldDeadlockException}; an older or empty-handed one waits. Whenever a context takes the lock while others
 * wait, younger waiting contexts are woken to re-check, so every wait edge goes from an older to a younger context
 * and no cycle can form.
 *
 * <h2>Fences</h2>
 * The slots are an immutable {@link FenceEntry} array, replaced (copy-on-write) under the lock and read without it.
 * The array's identity is the list's generation: an unlocked cursor that sees another array restarts (RESV-10). A
 * reader with no fences to check does one volatile read.
 */
public final class ReservationImpl implements Reservation {
    private static final FenceEntry[] NONE = new FenceEntry[0];
    private static final VarHandle HOLDER;

    static {
        try {
            HOLDER = MethodHandles.lookup().findVarHandle(ReservationImpl.class, "holder", Thread.class);
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

    /** A thread queued for the lock. */
    private record LockWaiter(Thread thread, AcquireContextImpl ctx) {
    }

    private final Supplier<String> owner;
    private volatile Thread holder;
    /** The context of the current hold, or null; written by the holder only. */
    private volatile AcquireContextImpl holderCtx;
    private final ConcurrentLinkedQueue<LockWaiter> waiters = new ConcurrentLinkedQueue<>();

    /** The fence slots: replaced, never mutated. */
    private volatile FenceEntry[] entries = NONE;
    /** Slots reserved for this hold and not yet used (RESV-1, RESV-12). Guarded by the lock. */
    private int freeSlots;

    /**
     * Creates an unlocked reservation with no fences.
     *
     * @param owner describes the owning buffer in messages, e.g. {@code buffer 'frame' #3 (exporter system)}; not
     *     null; called only when a message is built
     */
    public ReservationImpl(Supplier<String> owner) {
        if (owner == null) {
            throw new RuleViolationException(Rule.RESV_4, "a reservation needs a description of its owner, got null");
        }
        this.owner = owner;
    }

    // ---- locking ----------------------------------------------------------------------------------------------------

    @Override
    public void lock() {
        checkNotSignaling("lock()");
        if (HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            return;
        }
        checkNotHeldByMe(null, "lock()");
        acquireUninterruptibly(null, Mode.PLAIN);
    }

    @Override
    public void lock(AcquireContext ctx) {
        AcquireContextImpl context = prepare(ctx, "lock(ctx)");
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lock(ctx)");
            acquireUninterruptibly(context, Mode.WAIT_DIE);
        }
        acquiredWith(context);
    }

    @Override
    public void lockInterruptibly(AcquireContext ctx) throws InterruptedException {
        AcquireContextImpl context = prepare(ctx, "lockInterruptibly(ctx)");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking " + this);
        }
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lockInterruptibly(ctx)");
            acquire(context, Mode.WAIT_DIE, true);
        }
        acquiredWith(context);
    }

    @Override
    public void lockSlow(AcquireContext ctx) {
        AcquireContextImpl context = prepareSlow(ctx, "lockSlow(ctx)");
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lockSlow(ctx)");
            acquireUninterruptibly(context, Mode.SLOW);
        }
        acquiredWith(context);
    }

    /**
     * {@link #lockSlow(AcquireContext)}, interruptibly (the kernel's {@code dma_resv_lock_slow_interruptible}).
     *
     * @param ctx the context; not null; holding nothing
     * @throws InterruptedException if interrupted while waiting; the lock is not taken
     */
    public void lockSlowInterruptibly(AcquireContext ctx) throws InterruptedException {
        AcquireContextImpl context = prepareSlow(ctx, "lockSlowInterruptibly(ctx)");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking " + this);
        }
        if (!HOLDER.compareAndSet(this, null, Thread.currentThread())) {
            checkNotHeldByMe(context, "lockSlowInterruptibly(ctx)");
            acquire(context, Mode.SLOW, true);
        }
        acquiredWith(context);
    }

    @Override
    public boolean tryLock() {
        checkNotSignaling("tryLock()");
        return HOLDER.compareAndSet(this, null, Thread.currentThread());
    }

    @Override
    public void unlock() {
        Thread me = Thread.currentThread();
        Thread current = holder;
        if (current != me) {
            throw new RuleViolationException(Rule.RESV_11, "unlock of " + this + " by thread '" + me.getName()
                    + "', which does not hold it (" + (current == null ? "it is not locked"
                    : "held by thread '" + current.getName() + "'") + "): only the thread that locked it unlocks it");
        }
        AcquireContextImpl ctx = holderCtx;
        if (ctx != null) {
            holderCtx = null;
            ctx.removed(this);
        }
        freeSlots = 0;
        holder = null;
        LockWaiter first = waiters.peek();
        if (first != null) {
            LockSupport.unpark(first.thread());
        }
    }

    private AcquireContextImpl prepare(AcquireContext ctx, String op) {
        checkNotSignaling(op);
        AcquireContextImpl context = contextOf(ctx, op);
        context.checkCanLock(this, op);
        return context;
    }

    private AcquireContextImpl prepareSlow(AcquireContext ctx, String op) {
        AcquireContextImpl context = prepare(ctx, op);
        if (context.holdsAny()) {
            throw new RuleViolationException(Rule.RESV_6, op + " of " + this + " while " + context + " holds "
                    + context.heldCount() + " other lock(s): after would-deadlock, unlockAll() first, then lockSlow "
                    + "the contended reservation");
        }
        return context;
    }

    private AcquireContextImpl contextOf(AcquireContext ctx, String op) {
        if (ctx instanceof AcquireContextImpl impl) {
            return impl;
        }
        throw new RuleViolationException(Rule.RESV_13, op + " of " + this + (ctx == null ? " with a null context"
                : " with " + ctx + ", which this implementation did not create")
                + ": use AcquireContextImpl.create() (DmaBufSystem.newAcquireContext())");
    }

    private void checkNotSignaling(String op) {
        if (SignalingPath.active()) {
            throw new RuleViolationException(Rule.FENCE_4, op + " of " + this + " on a fence's signaling path (in a "
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
            throw new AlreadyLockedException(Rule.RESV_7, op + " of " + this + ": " + ctx
                    + " already holds it; it stays locked once — skip it or unlock it first");
        }
        throw new RuleViolationException(Rule.RESV_7, op + " of " + this + " by thread '"
                + Thread.currentThread().getName() + "', which already holds it "
                + (held == null ? "without a context" : "under " + held) + ": a reservation is not reentrant");
    }

    private void acquiredWith(AcquireContextImpl ctx) {
        holderCtx = ctx;
        ctx.added(this);
        if (waiters.peek() != null) {
            // A younger waiting context that holds locks must now die rather than wait for us: wake it to re-check.
            for (LockWaiter w : waiters) {
                if (w.ctx() != null && w.ctx().ticket() > ctx.ticket()) {
                    LockSupport.unpark(w.thread());
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

    /** The contended path: spin briefly, then queue and park until the lock is ours or wait-die says die. */
    private void acquire(AcquireContextImpl ctx, Mode mode, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        for (int i = 0; i < Waits.SPINS; i++) {
            if (holder == null && HOLDER.compareAndSet(this, null, me)) {
                return;
            }
            dieIfYounger(ctx, mode);
            Thread.onSpinWait();
        }
        LockWaiter self = new LockWaiter(me, ctx);
        waiters.add(self);
        boolean acquired = false;
        boolean interrupted = false;
        try {
            while (true) {
                if (HOLDER.compareAndSet(this, null, me)) {
                    acquired = true;
                    return;
                }
                dieIfYounger(ctx, mode);
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException("interrupted while waiting to lock " + this);
                    }
                    interrupted = true;
                }
            }
        } finally {
            waiters.remove(self);
            if (!acquired && holder == null) {
                LockWaiter next = waiters.peek();
                if (next != null) {
                    LockSupport.unpark(next.thread());
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
            throw new WouldDeadlockException(Rule.RESV_5, "lock of " + this + " under " + ctx + " would deadlock: "
                    + "older " + held + " holds it while " + ctx + " holds " + ctx.heldCount() + " other lock(s). "
                    + "Back off: unlockAll(), lockSlow() this reservation, then retry the others (RESV-6), "
                    + "or use lockAll");
        }
    }

    @Override
    public boolean isLocked() {
        return holder != null;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return holder == Thread.currentThread();
    }

    /**
     * Whether {@code thread} holds the lock.
     *
     * @param thread a thread
     * @return true if it is the holder
     */
    public boolean isHeldBy(Thread thread) {
        return thread != null && holder == thread;
    }

    @Override
    public void assertHeld(Rule rule) {
        if (rule == null) {
            throw new RuleViolationException(Rule.RESV_4, "assertHeld on " + this + " with a null rule");
        }
        if (holder != Thread.currentThread()) {
            throw notHeld(rule, "this operation");
        }
    }

    private RuleViolationException notHeld(Rule rule, String op) {
        Thread current = holder;
        return new RuleViolationException(rule, op + " on " + this + " needs its reservation lock, but thread '"
                + Thread.currentThread().getName() + "' does not hold it (" + (current == null ? "unlocked"
                : "held by thread '" + current.getName() + "'") + "): lock() around the call");
    }

    @Override
    public Optional<AcquireContext> lockingContext() {
        return Optional.ofNullable(holderCtx);
    }

    // ---- fence slots ------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>As in the kernel, this ensures at least {@code n} free slots; it does not add to earlier reservations of the
     * same hold.
     */
    @Override
    public void reserveFences(int n) {
        if (n < 1) {
            throw new RuleViolationException(Rule.RESV_1, "reserveFences(" + n + ") on " + this
                    + ": reserve at least one slot");
        }
        if (holder != Thread.currentThread()) {
            throw notHeld(Rule.RESV_4, "reserveFences(" + n + ")");
        }
        freeSlots = Math.max(freeSlots, n);
    }

    @Override
    public void addFence(Fence fence, FenceUsage usage) {
        checkLeaf(fence, "addFence");
        if (usage == null) {
            throw new RuleViolationException(Rule.RESV_9, "addFence on " + this + " with a null usage");
        }
        if (holder != Thread.currentThread()) {
            throw notHeld(Rule.RESV_4, "addFence");
        }
        FenceEntry[] old = entries;
        for (int i = 0; i < old.length; i++) {
            FenceEntry e = old[i];
            Fence f = e.fence();
            boolean sameContextNotWeaker = f.context() == fence.context()
                    && e.usage().ordinal() >= usage.ordinal()
                    && Long.compareUnsigned(fence.seqno(), f.seqno()) >= 0;
            if (sameContextNotWeaker || f.isSignaled()) {
                FenceEntry[] copy = old.clone();
                copy[i] = new FenceEntry(fence, usage);
                entries = copy;
                return;
            }
        }
        if (freeSlots == 0) {
            throw new RuleViolationException(Rule.RESV_1, "addFence of " + BaseFence.describe(fence) + " ("
                    + usage.kernelName() + ") to " + this + " without a reserved slot (" + old.length
                    + " fences, none replaceable): call reserveFences(n) after locking and before adding");
        }
        FenceEntry[] copy = Arrays.copyOf(old, old.length + 1);
        copy[old.length] = new FenceEntry(fence, usage);
        freeSlots--;
        entries = copy;
    }

    @Override
    public void replaceFences(long context, Fence replacement, FenceUsage usage) {
        checkLeaf(replacement, "replaceFences");
        if (usage == null) {
            throw new RuleViolationException(Rule.RESV_9, "replaceFences on " + this + " with a null usage");
        }
        if (holder != Thread.currentThread()) {
            throw notHeld(Rule.RESV_4, "replaceFences");
        }
        FenceEntry[] old = entries;
        FenceEntry[] copy = null;
        for (int i = 0; i < old.length; i++) {
            if (old[i].fence().context() == context) {
                if (copy == null) {
                    copy = old.clone();
                }
                copy[i] = new FenceEntry(replacement, usage);
            }
        }
        if (copy != null) {
            entries = copy;
        }
    }

    private void checkLeaf(Fence fence, String op) {
        if (fence == null) {
            throw new RuleViolationException(Rule.RESV_8, op + " on " + this + " with a null fence");
        }
        if (fence.isContainer()) {
            throw new RuleViolationException(Rule.RESV_8, op + " on " + this + " with " + BaseFence.describe(fence)
                    + ": a reservation holds leaf fences only; add each of Fences.unwrap(fence) instead");
        }
    }

    @Override
    public List<FenceEntry> entries(FenceUsage usage) {
        checkUsage(usage, "entries");
        if (holder != Thread.currentThread()) {
            throw notHeld(Rule.RESV_4, "entries(" + usage + ")");
        }
        List<FenceEntry> out = new ArrayList<>();
        for (FenceEntry e : entries) {
            if (usage.covers(e.usage())) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public FenceCursor cursor(FenceUsage usage) {
        checkUsage(usage, "cursor");
        return new FenceCursorImpl(this, usage);
    }

    /** The current slot array; its identity changes with every change of the list. */
    FenceEntry[] snapshot() {
        return entries;
    }

    @Override
    public List<Fence> fences(FenceUsage usage) {
        checkUsage(usage, "fences");
        List<Fence> out = new ArrayList<>();
        for (FenceEntry e : entries) {
            if (usage.covers(e.usage()) && !e.fence().isSignaled()) {
                out.add(e.fence());
            }
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<Fence> singleton(FenceUsage usage) {
        List<Fence> pending = fences(usage);
        return switch (pending.size()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(pending.getFirst());
            default -> Optional.of(FenceArrayImpl.of(pending));
        };
    }

    @Override
    public boolean await(FenceUsage usage, Duration timeout) throws InterruptedException {
        checkUsage(usage, "await");
        long nanos = Waits.nanos(timeout, Rule.RESV_14, "the " + usage.kernelName() + " fences of " + this);
        if (nanos == 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before polling the fences of " + this);
            }
            return isSignaled(usage);
        }
        long start = System.nanoTime();
        while (true) {
            FenceEntry[] seen = entries;
            for (FenceEntry e : seen) {
                if (!usage.covers(e.usage()) || e.fence().isSignaled()) {
                    continue;
                }
                long remaining = nanos - (System.nanoTime() - start);
                if (remaining <= 0 || !e.fence().await(Duration.ofNanos(remaining))) {
                    return false;
                }
            }
            if (entries == seen) {
                return true;
            }
        }
    }

    @Override
    public boolean isSignaled(FenceUsage usage) {
        checkUsage(usage, "isSignaled");
        for (FenceEntry e : entries) {
            if (usage.covers(e.usage()) && !e.fence().isSignaled()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A future that completes once no unsignaled fence covered by {@code usage} remains (poll readiness, SYNC-4).
     * It re-checks after each fence it waited for signals, since fences may be added meanwhile. It completes on the
     * signaling thread of the last such fence (on its signaling path), or at once if nothing is pending; cancelling
     * it removes its callback.
     *
     * @param usage the query usage; not null
     * @return the future
     */
    public CompletableFuture<Void> whenSignaled(FenceUsage usage) {
        checkUsage(usage, "whenSignaled");
        Readiness readiness = new Readiness(usage);
        readiness.check();
        return readiness.future;
    }

    /** Follows the first pending covered fence until none is left. */
    private final class Readiness implements FenceCallback {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final FenceUsage usage;
        volatile Fence waitingOn;

        Readiness(FenceUsage usage) {
            this.usage = usage;
            future.whenComplete((v, t) -> {
                Fence f = waitingOn;
                if (future.isCancelled() && f != null) {
                    f.removeCallback(this);
                }
            });
        }

        void check() {
            while (!future.isDone()) {
                Fence pending = firstPending(usage);
                if (pending == null) {
                    future.complete(null);
                    return;
                }
                waitingOn = pending;
                if (pending.addCallback(this)) {
                    return;
                }
            }
        }

        @Override
        public void onSignaled(Fence fence) {
            check();
        }
    }

    private Fence firstPending(FenceUsage usage) {
        for (FenceEntry e : entries) {
            if (usage.covers(e.usage()) && !e.fence().isSignaled()) {
                return e.fence();
            }
        }
        return null;
    }

    /**
     * The number of fence slots in use, signaled entries included.
     *
     * @return the count
     */
    public int fenceCount() {
        return entries.length;
    }

    private void checkUsage(FenceUsage usage, String op) {
        if (usage == null) {
            throw new RuleViolationException(Rule.RESV_9, op + " on " + this + " with a null usage: pass the usage "
                    + "to query (KERNEL, WRITE, READ or BOOKKEEP)");
        }
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (FenceEntry e : entries) {
            Fence f = e.fence();
            sb.append(e.usage().kernelName()).append(' ').append(f.driverName()).append(' ')
                    .append(f.timelineName()).append(" context ").append(f.context()).append(" seqno ")
                    .append(Long.toUnsignedString(f.seqno())).append(' ')
                    .append(f.status().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "reservation of " + owner.get();
    }
}
