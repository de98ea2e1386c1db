package org.dmabuf4j.api;

/**
 * What runs when a fence signals ({@link Rule#FENCE_2 FENCE-2}): once, on the signaling thread.
 *
 * @see "dma_fence_func_t"
 */
@FunctionalInterface
public interface FenceCallback {
    /**
     * Called once when {@code fence} signals. Must not block or take a reservation lock ({@link Rule#FENCE_4 FENCE-4}).
     *
     * <p>If it throws, the fence's other callbacks still run; a RuntimeException is logged, an Error is rethrown to
     * the signaling thread once every callback ran and, for a timeline advance or close and a fence chain, once
     * every other due point or node has signaled too ({@link Rule#SAFE_5 SAFE-5}).
     *
     * @param fence the fence that signaled
     */
    void onSignaled(Fence fence);
}
