package org.dmabuf4j.api;

import java.util.Set;

/**
 * How a sync-object wait treats its points ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}, {@link Rule#SYNCOBJ_5 SYNCOBJ-5}). Pass
 * them as a {@link Set}, for example {@code EnumSet.of(WAIT_ALL, WAIT_FOR_SUBMIT)} or {@link #NONE}.
 *
 * @see "DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, _WAIT_FOR_SUBMIT, _WAIT_AVAILABLE"
 */
public enum SyncWaitFlag {
    /**
     * Wait until every (object, point) pair is done, rather than any one of them ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}).
     */
    WAIT_ALL,
    /**
     * A point without a fence yet is waited for until a fence is attached there, then until it signals, instead of
     * failing at once ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}): Vulkan's wait-before-signal.
     */
    WAIT_FOR_SUBMIT,
    /**
     * A point is done as soon as a fence exists there, signaled or not ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}); implies
     * waiting for the submit.
     */
    WAIT_AVAILABLE;

    /** No flag: wait for any one point, each of which must already have a fence. */
    public static final Set<SyncWaitFlag> NONE = Set.of();
}
