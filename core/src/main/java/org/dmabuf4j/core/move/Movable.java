package org.dmabuf4j.core.move;

import org.dmabuf4j.api.Fence;

/**
 * An exporter whose memory can be moved on demand (SimulatedSystem.move): the dynamic core exporters.
 */
public interface Movable {
    /**
     * Moves the memory to a new location: invalidates the mappings (MOVE-3, MOVE-5) and publishes the copy as a
     * KERNEL fence (MOVE-8). Called with the buffer's reservation lock held by the calling thread (MOVE-1).
     *
     * @return the copy's fence
     * @throws org.dmabuf4j.api.RuleViolationException (MOVE-2) if the buffer is pinned; nothing moves
     */
    Fence move();
}
