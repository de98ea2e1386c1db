package org.dmabuf4j.api;

import java.util.List;

/**
 * A fence that signals when all of its fences have ({@link Rule#FENCE_9 FENCE-9}), carrying the first error among them.
 *
 * @see "struct dma_fence_array"
 */
public interface FenceArray extends Fence {
    /**
     * The contained fences.
     *
     * @return an immutable list of leaf fences
     */
    List<Fence> fences();

    @Override
    default boolean isContainer() {
        return true;
    }
}
