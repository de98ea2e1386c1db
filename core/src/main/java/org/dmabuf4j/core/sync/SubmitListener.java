package org.dmabuf4j.core.sync;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Fence;

/**
 * Waits for a fence to appear at a sync-object point (SYNCOBJ-2): registered under the object's lock, called once,
 * after the lock is released (SYNCOBJ-10). Implementations only hand the result on: unpark a thread, complete a
 * future.
 */
public interface SubmitListener {
    /**
     * A fence now covers the point.
     *
     * @param fence the covering fence
     */
    void available(Fence fence);

    /**
     * The object closed before a fence came (SYNCOBJ-12).
     *
     * @param closed the error to report
     */
    void closed(ClosedException closed);
}
