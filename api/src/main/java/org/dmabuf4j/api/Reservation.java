package org.dmabuf4j.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A buffer's reservation object: a wound/wait mutex (wait-die) and a list of fences with usages. It orders all access
 * to the buffer: implicit synchronisation is "wait for the fences of the right usage" ({@link Rule#RESV_9 RESV-9}).
 *
 * <p>Locking: without a context it is a plain non-reentrant mutex; with an {@link AcquireContext} several
 * reservations can be locked in any order without deadlock ({@link Rule#RESV_5 RESV-5}). Fence changes and locked
 * iteration need the lock ({@link Rule#RESV_4 RESV-4}); waits, tests and unlocked iteration do not. The lock is owned
 * by a thread and unlocked by it ({@link Rule#RESV_11 RESV-11}). Code on a fence's signaling path never takes a
 * reservation lock ({@link Rule#FENCE_4 FENCE-4}).
 *
 * <pre>
 *   slots:  [ f1 ctx 7 WRITE ][ f2 ctx 9 READ ][ f3 ctx 7 BOOKKEEP ][ reserved ][ reserved ]
 *   query(WRITE)    = f1              query(READ) = f1, f2          query(BOOKKEEP) = all
 * </pre>
 *
 * @see "struct dma_resv"
 */
public interface Reservation {
    /**
     * Locks without deadlock detection, uninterruptibly.
     *
     * @throws RuleViolationException ({@link Rule#RESV_7 RESV-7}) if the calling thread already holds it,
     *     ({@link Rule#FENCE_4 FENCE-4}) on a fence's signaling path
     * @see "dma_resv_lock(obj, NULL)"
     */
    void lock();

    /**
     * Locks under an acquire context ({@link Rule#RESV_5 RESV-5}).
     *
     * @param ctx the context; not null; used by this thread only ({@link Rule#RESV_13 RESV-13})
     * @throws WouldDeadlockException ({@link Rule#RESV_5 RESV-5}) if an older context holds it: back off
     *     ({@link Rule#RESV_6 RESV-6})
     * @throws AlreadyLockedException ({@link Rule#RESV_7 RESV-7}) if {@code ctx} already holds it
     * @throws RuleViolationException ({@link Rule#RESV_13 RESV-13}) if {@code ctx} is done or closed,
     *     ({@link Rule#FENCE_4 FENCE-4}) on a signaling path
     * @see "dma_resv_lock"
     */
    void lock(AcquireContext ctx);

    /**
     * {@link #lock(AcquireContext)}, interruptibly.
     *
     * @param ctx the context; not null
     * @throws DmaInterruptedException ({@link Rule#RESV_5 RESV-5}) if interrupted while waiting; the lock is not taken
     *         and the interrupt status is restored
     * @throws WouldDeadlockException ({@link Rule#RESV_5 RESV-5}) as {@link #lock(AcquireContext)}
     * @throws AlreadyLockedException ({@link Rule#RESV_7 RESV-7}) as {@link #lock(AcquireContext)}
     * @see "dma_resv_lock_interruptible"
     */
    void lockInterruptibly(AcquireContext ctx);

    /**
     * Locks after a back-off ({@link Rule#RESV_6 RESV-6}): sleeps until free; cannot fail with would-deadlock. The
     * context must hold no other lock.
     *
     * @param ctx the context; not null; holding nothing
     * @throws RuleViolationException ({@link Rule#RESV_6 RESV-6}) if {@code ctx} holds locks
     * @see "dma_resv_lock_slow"
     */
    void lockSlow(AcquireContext ctx);

    /**
     * Locks if free, without waiting and without deadlock detection.
     *
     * @return true if locked by this call
     * @see "dma_resv_trylock"
     */
    boolean tryLock();

    /**
     * Unlocks ({@link Rule#RESV_11 RESV-11}); unused fence slots are dropped ({@link Rule#RESV_12 RESV-12}).
     *
     * @throws RuleViolationException ({@link Rule#RESV_11 RESV-11}) if the calling thread does not hold the lock
     * @see "dma_resv_unlock"
     */
    void unlock();

    /**
     * Whether any thread holds the lock.
     *
     * @return true if locked
     * @see "dma_resv_is_locked"
     */
    boolean isLocked();

    /**
     * Whether the calling thread holds the lock.
     *
     * @return true if held by this thread
     * @see "dma_resv_held"
     */
    boolean isHeldByCurrentThread();

    /**
     * Throws unless the calling thread holds the lock.
     *
     * @param rule the rule that requires the lock, named in the exception; not null
     * @throws RuleViolationException ({@code rule}) if not held
     * @see "dma_resv_assert_held"
     */
    void assertHeld(Rule rule);

    /**
     * The context the lock is held under.
     *
     * @return the context, or empty if unlocked or held without one
     * @see "dma_resv_locking_ctx"
     */
    Optional<AcquireContext> lockingContext();

    /**
     * Reserves {@code n} fence slots for this lock hold ({@link Rule#RESV_1 RESV-1}, {@link Rule#RESV_12 RESV-12}).
     * Lock held ({@link Rule#RESV_4 RESV-4}).
     *
     * @param n slots; at least 1
     * @throws RuleViolationException ({@link Rule#RESV_1 RESV-1}) if n &lt; 1, ({@link Rule#RESV_4 RESV-4}) if the lock
     *     is not held
     * @see "dma_resv_reserve_fences"
     */
    void reserveFences(int n);

    /**
     * Adds a fence ({@link Rule#RESV_2 RESV-2}): replaces an entry of the same context with usage at least
     * {@code usage} and a fence not later, or a signaled entry; otherwise takes a reserved slot. Lock held
     * ({@link Rule#RESV_4 RESV-4}).
     *
     * @param fence a leaf fence ({@link Rule#RESV_8 RESV-8}); not null
     * @param usage its usage; not null
     * @throws RuleViolationException ({@link Rule#RESV_1 RESV-1}) if no slot is reserved and nothing is replaced,
     *     ({@link Rule#RESV_8 RESV-8}) for a container, ({@link Rule#RESV_4 RESV-4}) if the lock is not held
     * @see "dma_resv_add_fence"
     */
    void addFence(Fence fence, FenceUsage usage);

    /**
     * Replaces every fence of {@code context} with {@code replacement} at {@code usage}. Lock held
     * ({@link Rule#RESV_4 RESV-4}).
     *
     * @param context the context whose fences go
     * @param replacement the fence that takes their place; a leaf; not null
     * @param usage the replacement's usage; not null
     * @throws RuleViolationException ({@link Rule#RESV_4 RESV-4}) if the lock is not held, ({@link Rule#RESV_8 RESV-8})
     *     for a container
     * @see "dma_resv_replace_fences"
     */
    void replaceFences(long context, Fence replacement, FenceUsage usage);

    /**
     * Locked iteration ({@link Rule#RESV_4 RESV-4}): every entry whose usage is covered by {@code usage}
     * ({@link Rule#RESV_9 RESV-9}), signaled included.
     *
     * @param usage the query usage; not null
     * @return a snapshot of the entries, in slot order
     * @throws RuleViolationException ({@link Rule#RESV_4 RESV-4}) if the lock is not held
     * @see "dma_resv_for_each_fence"
     */
    List<FenceEntry> entries(FenceUsage usage);

    /**
     * Unlocked iteration ({@link Rule#RESV_10 RESV-10}) over unsignaled fences covered by {@code usage}.
     *
     * @param usage the query usage; not null
     * @return a cursor
     * @see "dma_resv_iter_begin"
     */
    FenceCursor cursor(FenceUsage usage);

    /**
     * An unlocked snapshot of the unsignaled fences covered by {@code usage}.
     *
     * @param usage the query usage; not null
     * @return the fences
     * @see "dma_resv_get_fences"
     */
    List<Fence> fences(FenceUsage usage);

    /**
     * The unsignaled fences covered by {@code usage} as one fence.
     *
     * @param usage the query usage; not null
     * @return empty if none, the fence if one, else a new array
     * @see "dma_resv_get_singleton"
     */
    Optional<Fence> singleton(FenceUsage usage);

    /**
     * Waits for every fence covered by {@code usage} ({@link Rule#RESV_14 RESV-14}). No lock needed; allowed with it
     * held. A fence this call waited for (pending when the wait looked at it) that signaled with an error makes the
     * wait throw once all have signaled ({@link Rule#FENCE_13 FENCE-13}): the work this caller was waiting for failed.
     * A fence that had already signaled before the call is not reported again, so one failed job does not fail every
     * later wait of the buffer; wait on the job's own fence to learn about it. To wait without throwing, wait on
     * {@link #singleton(FenceUsage)} with {@link Fence#awaitStatus(Duration)}.
     *
     * @param usage the query usage; not null
     * @param timeout how long in total; zero polls; not negative
     * @return true if all have signaled and none waited for failed, false if the timeout passed first
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) naming the first fence waited for that signaled
     *     with an error
     * @throws DmaInterruptedException ({@link Rule#RESV_14 RESV-14}) if interrupted while waiting; the interrupt status
     *     is restored
     * @throws RuleViolationException ({@link Rule#RESV_14 RESV-14}) on a negative timeout
     * @see "dma_resv_wait_timeout"
     */
    boolean await(FenceUsage usage, Duration timeout);

    /**
     * Whether every fence covered by {@code usage} has signaled. No lock needed.
     *
     * @param usage the query usage; not null
     * @return true if none is pending
     * @see "dma_resv_test_signaled"
     */
    boolean isSignaled(FenceUsage usage);

    /**
     * A debugfs-style description: one line per entry with usage, driver, timeline, seqno and status.
     *
     * @return the description
     * @see "dma_resv_describe"
     */
    String describe();
}
