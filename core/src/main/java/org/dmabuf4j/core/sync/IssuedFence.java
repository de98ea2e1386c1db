package org.dmabuf4j.core.sync;

/**
 * A leaf fence whose signaling side stays with its issuer ({@link FenceIssuer}): it is not a
 * {@link org.dmabuf4j.api.SignalingFence}, so whoever holds it can wait for it but cannot complete it.
 */
final class IssuedFence extends BaseFence {
    /** A pending fence. */
    IssuedFence(FenceContextImpl context, long seqno) {
        super(context, seqno);
    }
}
