package org.dmabuf4j.api;

/**
 * One (sync object, point) pair: what a multi-object wait, an engine's wait or signal list
 * ({@link Rule#SYNCOBJ_11 SYNCOBJ-11}: a job runs after its wait points signal, and its fence is attached at its signal
 * points at submission), or a transfer names. Point 0 is the only point of a {@link SyncObjectKind#BINARY} object
 * ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}); on a timeline, point 0 means the timeline's latest fence.
 *
 * @param object the sync object; not null
 * @param point the point, compared unsigned
 * @see "struct drm_syncobj_timeline_wait: handles[] and points[]"
 */
public record SyncPoint(SyncObject object, long point) {
    /**
     * Validates the pair.
     *
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) if the object is null, or the point is not 0 on
     *     a binary object
     */
    public SyncPoint {
        if (object == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "a sync point needs a sync object, got null (point "
                    + Long.toUnsignedString(point) + ")");
        }
        if (object.kind() == SyncObjectKind.BINARY && point != 0) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "point " + Long.toUnsignedString(point) + " of "
                    + object + ", which is binary: a binary sync object has only point 0; use a timeline object "
                    + "for numbered points");
        }
    }

    /**
     * The single point of a binary sync object, or a timeline's latest fence.
     *
     * @param object the object; not null
     * @return the pair (object, 0)
     */
    public static SyncPoint of(SyncObject object) {
        return new SyncPoint(object, 0);
    }

    @Override
    public String toString() {
        return object + " point " + Long.toUnsignedString(point);
    }
}
