package org.dmabuf4j.core.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * Blocking waits on fences (FENCE-12) and the spin-then-park policy shared by the package.
 *
 * <p>A wait spins briefly, then queues a {@link Waiter} callback and parks with the fence as blocker; the signaler
 * unparks it. Nothing holds a monitor while parking, so virtual threads are never pinned, and no thread is started.
 */
final class Waits {
    /**
     * Busy-wait iterations before parking. Idle vCPUs halt, so a wake-up after park costs tens of microseconds;
     * a short spin catches signals that arrive within about a microsecond without burning a core for long.
     */
    static final int SPINS = Integer.getInteger("dmabuf4j.fence.spins", 100);

    /**
     * The longest a wait on a fence of another implementation parks before it looks at the fence again: such a fence
     * may report SIGNALED without running the callbacks added to it (FENCE-2 broken by foreign code), and the
     * framework's own waits (MAP-8, CPU-2, revocation) must not hang on it. The framework's fences wake waiters through
     * their callbacks and never need it.
     */
    private static final long FOREIGN_SLICE_NANOS = 20_000_000L;

    private Waits() {
    }

    /** How long to park: the remaining time, in slices for a fence of another implementation. */
    private static long slice(Fence fence, long remaining) {
        return fence instanceof BaseFence ? remaining : Math.min(remaining, FOREIGN_SLICE_NANOS);
    }

    /**
     * A timeout in nanoseconds, saturated at {@link Long#MAX_VALUE}.
     *
     * @param timeout the timeout; not null, not negative
     * @param rule the rule named when the timeout is bad
     * @param what what is waited for, for the message; called only to build it (waits are hot paths)
     * @return the nanoseconds
     */
    static long nanos(Duration timeout, Rule rule, Supplier<String> what) {
        if (timeout == null) {
            throw new RuleViolationException(rule, "timeout of the wait for " + what.get()
                    + " is null: pass Duration.ZERO to poll or a positive duration");
        }
        if (timeout.isNegative()) {
            throw new RuleViolationException(rule, "timeout of the wait for " + what.get() + " is negative ("
                    + timeout + "): pass Duration.ZERO to poll or a positive duration");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Backs off inside a CAS retry loop whose competitor holds a transient state for a few instructions.
     *
     * @param round how many times the caller has retried
     */
    static void backOff(int round) {
        if (round < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * {@link #await(Fence, Duration)} with the api's interrupt convention: an interrupt becomes
     * {@link DmaInterruptedException} (FENCE-12), the interrupt status restored. Does not look at the fence's error.
     *
     * @param fence the fence
     * @param timeout the timeout; checked (FENCE-12)
     * @return whether the fence signaled
     */
    static boolean awaitOrThrowInterrupt(Fence fence, Duration timeout) {
        try {
            return await(fence, timeout);
        } catch (InterruptedException e) {
            throw interruptedWait(fence, e);
        }
    }

    /**
     * {@link #await(Fence)} with the api's interrupt convention, as {@link #awaitOrThrowInterrupt(Fence, Duration)}.
     *
     * @param fence the fence
     */
    static void awaitOrThrowInterrupt(Fence fence) {
        try {
            await(fence);
        } catch (InterruptedException e) {
            throw interruptedWait(fence, e);
        }
    }

    private static DmaInterruptedException interruptedWait(Fence fence, InterruptedException e) {
        return new DmaInterruptedException(Rule.FENCE_12, "wait for " + fence + " was interrupted; nothing changed"
                + " and the thread's interrupt status is set again", e);
    }

    /** {@link Fence#await(Duration)}: the wait alone, ignoring the fence's error. */
    static boolean await(Fence fence, Duration timeout) throws InterruptedException {
        long nanos = nanos(timeout, Rule.FENCE_12, fence::toString);
        if (fence.isSignaled()) {
            return true;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before waiting for " + fence);
        }
        if (nanos == 0) {
            return false;
        }
        if (spin(fence)) {
            return true;
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        if (!fence.addCallback(waiter)) {
            return true;
        }
        long start = System.nanoTime();
        while (true) {
            if (fence.isSignaled()) {
                if (!(fence instanceof BaseFence)) {
                    fence.removeCallback(waiter);
                }
                return true;
            }
            long remaining = nanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                return !fence.removeCallback(waiter);
            }
            LockSupport.parkNanos(fence, slice(fence, remaining));
            if (Thread.interrupted()) {
                return interrupted(fence, waiter);
            }
        }
    }

    /** {@link Fence#await()}. */
    static void await(Fence fence) throws InterruptedException {
        if (fence.isSignaled()) {
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before waiting for " + fence);
        }
        if (spin(fence)) {
            return;
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        if (!fence.addCallback(waiter)) {
            return;
        }
        boolean foreign = !(fence instanceof BaseFence);
        while (!fence.isSignaled()) {
            if (foreign) {
                LockSupport.parkNanos(fence, FOREIGN_SLICE_NANOS);
            } else {
                LockSupport.park(fence);
            }
            if (Thread.interrupted()) {
                interrupted(fence, waiter);
                return;
            }
        }
        if (foreign) {
            fence.removeCallback(waiter);
        }
    }

    /** Withdraws an interrupted wait; if the fence signaled in the same instant, reports it and keeps the interrupt. */
    private static boolean interrupted(Fence fence, Waiter waiter) throws InterruptedException {
        if (fence.removeCallback(waiter)) {
            throw new InterruptedException("interrupted while waiting for " + fence);
        }
        Thread.currentThread().interrupt();
        return true;
    }

    /** {@link Fence#awaitUninterruptibly()}. */
    static void awaitUninterruptibly(Fence fence) {
        if (fence.isSignaled() || spin(fence)) {
            return;
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        if (!fence.addCallback(waiter)) {
            return;
        }
        boolean interrupted = false;
        while (!fence.isSignaled()) {
            LockSupport.park(fence);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spins briefly; true if the fence signaled meanwhile. */
    private static boolean spin(Fence fence) {
        for (int i = 0; i < SPINS; i++) {
            if (fence.isSignaled()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** {@link Fence#toCompletableFuture()}: cancelling the future removes its callback. */
    static CompletableFuture<Fence> future(Fence fence) {
        CompletableFuture<Fence> future = new CompletableFuture<>();
        FenceCallback completer = signaled -> complete(signaled, future);
        if (!fence.addCallback(completer)) {
            complete(fence, future);
        } else {
            future.whenComplete((value, failure) -> {
                if (future.isCancelled()) {
                    fence.removeCallback(completer);
                }
            });
        }
        return future;
    }

    private static void complete(Fence fence, CompletableFuture<Fence> future) {
        fence.error().ifPresentOrElse(future::completeExceptionally, () -> future.complete(fence));
    }
}
