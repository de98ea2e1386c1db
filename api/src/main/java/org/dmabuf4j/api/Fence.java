package org.dmabuf4j.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A one-shot completion signal for device work: a point on a timeline (context) that signals once
 * ({@link Rule#FENCE_1 FENCE-1}), optionally with an error.
 *
 * <p>Fences of one context are ordered by their 64-bit seqno ({@link Rule#FENCE_5 FENCE-5}). Anyone may wait on a fence
 * or add callbacks; only its issuer signals it, through {@link SignalingFence}. Waiting while holding a reservation
 * lock is allowed, so the signaling path never takes one ({@link Rule#FENCE_4 FENCE-4}). Implementations are
 * thread-safe.
 *
 * <pre>
 *   PENDING ──signal()──► SIGNALED          callbacks run once, on the signaling thread (FENCE-2)
 *      │                                    timestamp taken at signal (FENCE-8)
 *      └─setError(e)─► PENDING+error ──signal()──► ERROR
 * </pre>
 *
 * @see "struct dma_fence"
 */
public interface Fence {
    /**
     * The fence's context (timeline), unique in the JVM ({@link Rule#FENCE_6 FENCE-6}).
     *
     * @return the context; 0 only for the signaled stub
     */
    long context();

    /**
     * The position on the context's timeline.
     *
     * @return the seqno, compared unsigned
     */
    long seqno();

    /**
     * The name of the driver that issued the fence.
     *
     * @return the driver name
     * @see "dma_fence_ops.get_driver_name"
     */
    String driverName();

    /**
     * The name of the fence's timeline.
     *
     * @return the timeline name
     * @see "dma_fence_ops.get_timeline_name"
     */
    String timelineName();

    /**
     * The fence's state.
     *
     * @return PENDING, SIGNALED or ERROR
     * @see "dma_fence_get_status"
     */
    FenceStatus status();

    /**
     * Whether the fence has signaled, with or without error.
     *
     * @return true once signaled
     * @see "dma_fence_is_signaled"
     */
    boolean isSignaled();

    /**
     * The error the fence carries (set before signaling, {@link Rule#FENCE_3 FENCE-3}).
     *
     * @return the error, or empty
     */
    Optional<Throwable> error();

    /**
     * When the fence signaled, on {@link System#nanoTime()}'s clock ({@link Rule#FENCE_8 FENCE-8}).
     *
     * @return the timestamp
     * @throws RuleViolationException ({@link Rule#FENCE_8 FENCE-8}) if the fence has not signaled
     * @see "dma_fence_timestamp"
     */
    long timestampNanos();

    /**
     * Adds a callback to run once when the fence signals ({@link Rule#FENCE_2 FENCE-2}), on the signaling thread, which
     * may hold internal locks: keep it short, never block and never take a reservation lock in it
     * ({@link Rule#FENCE_4 FENCE-4}).
     *
     * @param callback the callback; not null; one fence at a time
     * @return true if queued; false if the fence has already signaled, in which case the callback is not run
     * @see "dma_fence_add_callback"
     */
    boolean addCallback(FenceCallback callback);

    /**
     * Removes a queued callback.
     *
     * @param callback a callback added to this fence; not null
     * @return true if it was still pending and will now not run; false if it already ran or was never added
     * @see "dma_fence_remove_callback"
     */
    boolean removeCallback(FenceCallback callback);

    /**
     * Waits until the fence signals or the timeout passes ({@link Rule#FENCE_12 FENCE-12}). Spins briefly, then parks;
     * does not pin a virtual thread. Allowed while holding reservation locks. Like {@code CompletableFuture.join()}, a
     * fence that signaled with an error makes the wait throw ({@link Rule#FENCE_13 FENCE-13}); use
     * {@link #awaitStatus(Duration)} to wait without throwing.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} polls; not negative
     * @return true if the fence has signaled without error, false if the timeout passed first
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if the fence signaled with an error, which is its
     *     cause
     * @throws DmaInterruptedException ({@link Rule#FENCE_12 FENCE-12}) if interrupted while waiting; the interrupt
     *     status is restored
     * @throws RuleViolationException ({@link Rule#FENCE_12 FENCE-12}) on a negative or null timeout
     * @see "dma_fence_wait_timeout"
     */
    boolean await(Duration timeout);

    /**
     * Waits until the fence signals; throws if it signaled with an error ({@link Rule#FENCE_13 FENCE-13}).
     *
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if the fence signaled with an error, which is its
     *     cause
     * @throws DmaInterruptedException ({@link Rule#FENCE_12 FENCE-12}) if interrupted while waiting; the interrupt
     *     status is restored
     * @see "dma_fence_wait"
     */
    void await();

    /**
     * Waits until the fence signals, ignoring interrupts (the interrupt status is kept); throws if it signaled with
     * an error ({@link Rule#FENCE_13 FENCE-13}).
     *
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if the fence signaled with an error, which is its
     *     cause
     * @see "dma_fence_wait(fence, false)"
     */
    void awaitUninterruptibly();

    /**
     * Waits like {@link #await(Duration)} but never throws for the fence's error: the way to wait without throwing
     * ({@link Rule#FENCE_13 FENCE-13}). Look at the result, and at {@link #error()} when it is
     * {@link FenceStatus#ERROR}.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} polls; not negative
     * @return {@link FenceStatus#PENDING} if the timeout passed first, else {@link FenceStatus#SIGNALED} or
     *         {@link FenceStatus#ERROR}
     * @throws DmaInterruptedException ({@link Rule#FENCE_12 FENCE-12}) if interrupted while waiting; the interrupt
     *     status is restored
     * @throws RuleViolationException ({@link Rule#FENCE_12 FENCE-12}) on a negative or null timeout
     * @see "dma_fence_wait_timeout, then dma_fence_get_status"
     */
    default FenceStatus awaitStatus(Duration timeout) {
        try {
            return await(timeout) ? status() : FenceStatus.PENDING;
        } catch (FenceFailedException failed) {
            return FenceStatus.ERROR;
        }
    }

    /**
     * Whether this fence comes after {@code other} on their common context ({@link Rule#FENCE_5 FENCE-5}).
     *
     * @param other a fence of the same context; not null
     * @return true if this seqno is later
     * @throws RuleViolationException ({@link Rule#FENCE_5 FENCE-5}) if the contexts differ
     * @see "dma_fence_is_later"
     */
    boolean isLaterThan(Fence other);

    /**
     * Whether this fence is {@code other} or comes after it ({@link Rule#FENCE_5 FENCE-5}).
     *
     * @param other a fence of the same context; not null
     * @return true if the same fence or later
     * @throws RuleViolationException ({@link Rule#FENCE_5 FENCE-5}) if the contexts differ
     * @see "dma_fence_is_later_or_same"
     */
    boolean isLaterOrSame(Fence other);

    /**
     * Hints that the fence's result is needed by {@code deadlineNanos} ({@link System#nanoTime()} clock). Ignored once
     * signaled. The earliest hint is kept. A container passes it on to its pending leaves
     * ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}); a simulated engine serves first the submission queue whose queued jobs carry
     * the soonest hint, never reordering the jobs of one queue ({@link Rule#DEV_10 DEV-10}).
     *
     * @param deadlineNanos the deadline
     * @see "dma_fence_set_deadline"
     */
    void setDeadline(long deadlineNanos);

    /**
     * The earliest deadline hinted so far.
     *
     * @return the deadline, or empty if none was set
     */
    java.util.OptionalLong deadline();

    /**
     * Hints that the fence's result is needed by {@code deadline}, a wall-clock instant converted to the
     * {@link System#nanoTime()} clock ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}). A container passes it on to every pending
     * leaf it depends on: arrays, chains, merges, sync files and sync-object points all reach the device that will
     * signal.
     *
     * @param deadline when the result is needed; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}) on a null deadline
     * @see "dma_fence_set_deadline"
     */
    default void setDeadline(java.time.Instant deadline) {
        setDeadline(Deadlines.toNanoTime(deadline, this));
    }

    /**
     * Runs {@code action} on {@code executor} once the fence has signaled, with or without error
     * ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}): at once (on the executor) if it already has. Nothing runs on the signaling
     * path but the hand-off to the executor, so the action may block. An executor that rejects the task drops it; an
     * action that throws harms nobody. Build other readiness signals (an event loop's wake-up, an eventfd) on this or
     * on {@link #toCompletableFuture()}.
     *
     * @param executor where the action runs; not null
     * @param action receives this fence; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}) on a null executor or action
     * @see "dma_fence_add_callback, deferred to a worker"
     */
    default void onSignaled(java.util.concurrent.Executor executor, java.util.function.Consumer<? super Fence> action) {
        if (executor == null || action == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_10, "onSignaled on " + this + " needs an executor and an "
                    + "action, got " + (executor == null ? "a null executor" : "a null action"));
        }
        toCompletableFuture().whenCompleteAsync((fence, error) -> action.accept(this), executor);
    }

    /**
     * The fence as a future: completed with this fence when it signals without error, exceptionally with its error.
     *
     * @return a new future; cancelling it removes its callback
     */
    CompletableFuture<Fence> toCompletableFuture();

    /**
     * Whether this is a container (array or chain) rather than a leaf. Containers are never added to a reservation
     * ({@link Rule#RESV_8 RESV-8}).
     *
     * @return true for {@link FenceArray} and {@link FenceChain}
     */
    default boolean isContainer() {
        return false;
    }
}
