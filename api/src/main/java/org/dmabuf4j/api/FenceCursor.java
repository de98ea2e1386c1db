package org.dmabuf4j.api;

/**
 * Unlocked iteration over a reservation's unsignaled fences ({@link Rule#RESV_10 RESV-10}): skips signaled fences and
 * restarts from the first fence when the list changes underneath it.
 *
 * <pre>
 *   try (FenceCursor c = resv.cursor(FenceUsage.READ)) {
 *       while (c.next()) {
 *           if (c.isRestarted()) { accumulator.clear(); }
 *           accumulator.add(c.fence());
 *       }
 *   }
 * </pre>
 *
 * @see "dma_resv_iter_begin, dma_resv_for_each_fence_unlocked, dma_resv_iter_is_restarted"
 */
public interface FenceCursor extends AutoCloseable {
    /**
     * Moves to the next unsignaled fence, restarting if the list changed.
     *
     * @return true if there is a current fence
     */
    boolean next();

    /**
     * The current fence.
     *
     * @return the fence
     * @throws RuleViolationException ({@link Rule#RESV_10 RESV-10}) if {@link #next()} has not returned true
     */
    Fence fence();

    /**
     * The current fence's usage.
     *
     * @return the usage
     * @throws RuleViolationException ({@link Rule#RESV_10 RESV-10}) if {@link #next()} has not returned true
     */
    FenceUsage usage();

    /**
     * Whether the current fence is the first after a (re)start: accumulators reset here.
     *
     * @return true for the first fence of a pass
     */
    boolean isRestarted();

    /**
     * Ends the iteration.
     */
    @Override
    void close();
}
