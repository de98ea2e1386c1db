package org.dmabuf4j.core.sync;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceCursor;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A buffer's reservation: a wait-die ww-mutex ({@link WwMutex}) and the fence slots it guards ({@link FenceSlots}).
 * Fence changes and locked iteration check that the calling thread holds the lock (RESV-4); queries, waits and
 * cursors need no lock.
 */
public final class ReservationImpl implements Reservation {
    private final Supplier<String> owner;
    private final WwMutex mutex = new WwMutex(this);
    private final FenceSlots slots = new FenceSlots();

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
        mutex.lock();
    }

    @Override
    public void lock(AcquireContext ctx) {
        mutex.lock(ctx);
    }

    @Override
    public void lockInterruptibly(AcquireContext ctx) {
        try {
            mutex.lockInterruptibly(ctx);
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.RESV_5, "lockInterruptibly of " + this + " was interrupted while"
                    + " waiting; the lock is not taken and the thread's interrupt status is set again", e);
        }
    }

    @Override
    public void lockSlow(AcquireContext ctx) {
        mutex.lockSlow(ctx);
    }

    /**
     * {@link #lockSlow(AcquireContext)}, interruptibly (the kernel's {@code dma_resv_lock_slow_interruptible}).
     *
     * @param ctx the context; not null; holding nothing
     * @throws InterruptedException if interrupted while waiting; the lock is not taken
     */
    public void lockSlowInterruptibly(AcquireContext ctx) throws InterruptedException {
        mutex.lockSlowInterruptibly(ctx);
    }

    @Override
    public boolean tryLock() {
        return mutex.tryLock();
    }

    @Override
    public void unlock() {
        mutex.checkHolder();
        slots.dropUnused();
        mutex.release();
    }

    @Override
    public boolean isLocked() {
        return mutex.holder() != null;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return mutex.holder() == Thread.currentThread();
    }

    /**
     * Whether {@code thread} holds the lock.
     *
     * @param thread a thread
     * @return true if it is the holder
     */
    public boolean isHeldBy(Thread thread) {
        return thread != null && mutex.holder() == thread;
    }

    @Override
    public void assertHeld(Rule rule) {
        if (rule == null) {
            throw new RuleViolationException(Rule.RESV_4, "assertHeld on " + this + " with a null rule");
        }
        checkHeld(rule, "this operation");
    }

    private void checkHeld(Rule rule, String op) {
        if (mutex.holder() != Thread.currentThread()) {
            throw notHeld(rule, op);
        }
    }

    private RuleViolationException notHeld(Rule rule, String op) {
        Thread current = mutex.holder();
        return new RuleViolationException(rule, op + " on " + this + " needs its reservation lock, but thread '"
                + Thread.currentThread().getName() + "' does not hold it (" + (current == null ? "unlocked"
                : "held by thread '" + current.getName() + "'") + "): lock() around the call");
    }

    @Override
    public Optional<AcquireContext> lockingContext() {
        return Optional.ofNullable(mutex.holderContext());
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
        if (!isHeldByCurrentThread()) {
            throw notHeld(Rule.RESV_4, "reserveFences(" + n + ")"); // the message is built on failure only
        }
        slots.reserve(n);
    }

    @Override
    public void addFence(Fence fence, FenceUsage usage) {
        checkLeaf(fence, "addFence");
        checkUsage(usage, "addFence");
        checkHeld(Rule.RESV_4, "addFence");
        slots.add(fence, usage, this);
    }

    @Override
    public void replaceFences(long context, Fence replacement, FenceUsage usage) {
        checkLeaf(replacement, "replaceFences");
        checkUsage(usage, "replaceFences");
        checkHeld(Rule.RESV_4, "replaceFences");
        slots.replace(context, replacement, usage);
    }

    @Override
    public List<FenceEntry> entries(FenceUsage usage) {
        checkUsage(usage, "entries");
        if (!isHeldByCurrentThread()) {
            throw notHeld(Rule.RESV_4, "entries(" + usage + ")");
        }
        return slots.covered(usage);
    }

    @Override
    public FenceCursor cursor(FenceUsage usage) {
        checkUsage(usage, "cursor");
        return new FenceCursorImpl(this, slots, usage);
    }

    @Override
    public List<Fence> fences(FenceUsage usage) {
        checkUsage(usage, "fences");
        return slots.pending(usage);
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
    public boolean await(FenceUsage usage, Duration timeout) {
        Fence[] firstFailed = new Fence[1];
        boolean signaled;
        try {
            signaled = awaitTracking(usage, timeout, firstFailed);
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.RESV_14, "await(" + usage + ", " + timeout + ") on " + this
                    + " was interrupted; nothing changed and the thread's interrupt status is set again", e);
        }
        if (firstFailed[0] != null) {
            throw new FenceFailedException("await(" + usage + ") on " + this, firstFailed[0]);
        }
        return signaled;
    }

    /**
     * The wait of {@link #await(FenceUsage, Duration)} alone, for the framework's own waits (CPU access, map,
     * revocation), which go on when device work failed, as the kernel's do: it does not look at the fences' errors
     * and reports an interrupt as {@link InterruptedException} for the caller to name its own rule.
     *
     * @param usage the query usage; not null
     * @param timeout how long in total; zero polls; not negative (RESV-14)
     * @return true if every covered fence has signaled, with or without error
     * @throws InterruptedException if interrupted
     */
    public boolean awaitFences(FenceUsage usage, Duration timeout) throws InterruptedException {
        return awaitTracking(usage, timeout, null);
    }

    /**
     * Waits; if {@code firstFailed} is given, stores in it the first fence this call waited for (pending when it
     * was looked at) that signaled with an error. Fences that had already signaled are skipped, errors or not.
     */
    private boolean awaitTracking(FenceUsage usage, Duration timeout, Fence[] firstFailed)
            throws InterruptedException {
        checkUsage(usage, "await");
        long nanos = Waits.nanos(timeout, Rule.RESV_14, () -> "the " + usage.kernelName() + " fences of " + this);
        if (nanos == 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before polling the fences of " + this);
            }
            return slots.firstPending(usage) == null;
        }
        long start = System.nanoTime();
        while (true) {
            FenceEntry[] seen = slots.snapshot();
            for (FenceEntry e : seen) {
                if (!usage.covers(e.usage()) || e.fence().isSignaled()) {
                    continue;
                }
                long remaining = nanos - (System.nanoTime() - start);
                if (remaining <= 0 || !Waits.await(e.fence(), Duration.ofNanos(remaining))) {
                    return false;
                }
                if (firstFailed != null && firstFailed[0] == null && e.fence().error().isPresent()) {
                    firstFailed[0] = e.fence();
                }
            }
            // Fences added while we waited are waited for too, as the kernel's restarting iterator does.
            if (slots.snapshot() == seen) {
                return true;
            }
        }
    }

    @Override
    public boolean isSignaled(FenceUsage usage) {
        checkUsage(usage, "isSignaled");
        return slots.firstPending(usage) == null;
    }

    /**
     * A future that completes once no unsignaled fence covered by {@code usage} remains (poll readiness, SYNC-4).
     * It re-checks after each fence it waited for signals, since fences may be added meanwhile. It completes at once
     * if nothing is pending, else on the signaling thread of the last such fence, on its signaling path: stages
     * added with the non-async methods run there, so they must not block or take reservation locks (FENCE-4).
     * Cancelling it removes its callback.
     *
     * @param usage the query usage; not null
     * @return the future
     */
    public CompletableFuture<Void> whenSignaled(FenceUsage usage) {
        checkUsage(usage, "whenSignaled");
        Readiness readiness = new Readiness(slots, usage);
        readiness.check();
        return readiness.future;
    }

    /** Follows the first pending covered fence until none is left. */
    private static final class Readiness implements FenceCallback {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        private final FenceSlots slots;
        private final FenceUsage usage;
        private volatile Fence waitingOn;

        Readiness(FenceSlots slots, FenceUsage usage) {
            this.slots = slots;
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
                Fence pending = slots.firstPending(usage);
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

    /**
     * The number of fence slots in use, signaled entries included.
     *
     * @return the count
     */
    public int fenceCount() {
        return slots.count();
    }

    @Override
    public String describe() {
        return slots.describe();
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

    private void checkUsage(FenceUsage usage, String op) {
        if (usage == null) {
            throw new RuleViolationException(Rule.RESV_9, op + " on " + this + " with a null usage: pass the usage "
                    + "to query (KERNEL, WRITE, READ or BOOKKEEP)");
        }
    }

    @Override
    public String toString() {
        return "reservation of " + owner.get();
    }
}
