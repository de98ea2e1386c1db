package org.dmabuf4j.api;

/**
 * The state of a fence.
 *
 * @see "dma_fence_get_status"
 */
public enum FenceStatus {
    /** Not signaled yet (kernel status 0). */
    PENDING,
    /** Signaled without error (kernel status 1). */
    SIGNALED,
    /** Signaled with an error (kernel status &lt; 0); see {@link Fence#error()}. */
    ERROR;

    /**
     * Whether the fence has signaled, with or without error.
     *
     * @return true unless PENDING
     */
    public boolean isSignaled() {
        return this != PENDING;
    }
}
