package org.dmabuf4j.api;

/**
 * The issuer's side of a fence: what signals it. Created by {@link FenceContext#next()}; keep it private to the code
 * that does the work, and hand out the {@link Fence} view. The issuer signals every fence in finite time: work that
 * hangs is completed with an error ({@link #fail}) rather than left pending ({@link Rule#FENCE_7 FENCE-7}).
 *
 * @see "dma_fence_signal, dma_fence_set_error"
 */
public interface SignalingFence extends Fence {
    /**
     * Signals the fence ({@link Rule#FENCE_1 FENCE-1}): records the timestamp ({@link Rule#FENCE_8 FENCE-8}), wakes
     * waiters and runs callbacks on this thread ({@link Rule#FENCE_2 FENCE-2}). Callable from any thread, with or
     * without reservation locks held: signaling never takes one ({@link Rule#FENCE_4 FENCE-4}).
     *
     * @return true if this call signaled the fence; false if it was already signaled (nothing changes)
     * @see "dma_fence_check_and_signal"
     */
    boolean signal();

    /**
     * Sets the error the fence will signal with ({@link Rule#FENCE_3 FENCE-3}).
     *
     * @param error the error; not null
     * @throws RuleViolationException ({@link Rule#FENCE_3 FENCE-3}) if the fence has already signaled; nothing changes
     * @see "dma_fence_set_error"
     */
    void setError(Throwable error);

    /**
     * Sets the error and signals, as one step.
     *
     * @param error the error; not null
     * @return as {@link #signal()}; if already signaled the error is not set
     */
    boolean fail(Throwable error);
}
