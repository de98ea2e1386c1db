package org.dmabuf4j.core.sync;

/**
 * A leaf fence whose signaling side stays with its issuer ({@link FenceIssuer}, or the {@link TimelineImpl} that
 * advances it): it is not a
 * {@link org.dmabuf4j.api.SignalingFence}, so whoever holds it can wait for it but cannot complete it.
 */
final class IssuedFence extends BaseFence {
    /** A pending fence. */
    IssuedFence(FenceContextImpl context, long seqno) {
        super(context, seqno);
    }

    /** A fence created signaled at {@code timestampNanos} (a timeline point in the past, SYNC-7). */
    IssuedFence(FenceContextImpl context, long seqno, long timestampNanos) {
        super(context, seqno, timestampNanos);
    }
}
