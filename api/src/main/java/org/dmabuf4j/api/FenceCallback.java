package org.dmabuf4j.api;

/**
 * What runs when a fence signals (FENCE-2): once, on the signaling thread.
 *
 * @see "dma_fence_func_t"
 */
@FunctionalInterface
public interface FenceCallback {
    /**
     * Called once when {@code fence} signals. Must not block or take a reservation lock (FENCE-4).
     *
     * @param fence the fence that signaled
     */
    void onSignaled(Fence fence);
}
