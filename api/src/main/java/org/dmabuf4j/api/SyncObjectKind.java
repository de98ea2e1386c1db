package org.dmabuf4j.api;

/**
 * What a {@link SyncObject} holds: one fence, or a timeline of 64-bit points.
 *
 * @see "DRM_SYNCOBJ_CREATE_SIGNALED; DRM_CAP_SYNCOBJ_TIMELINE"
 */
public enum SyncObjectKind {
    /**
     * At most one fence, replaced as a whole (a Vulkan binary semaphore); every call names point 0
     * ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}).
     */
    BINARY,
    /**
     * Strictly increasing points, each a fence chain node on the previous one ({@link Rule#SYNCOBJ_3 SYNCOBJ-3},
     * {@link Rule#SYNCOBJ_4 SYNCOBJ-4}).
     */
    TIMELINE
}
