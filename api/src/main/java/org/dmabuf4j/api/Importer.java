package org.dmabuf4j.api;

/**
 * The importer side of a dynamic attachment: how the exporter reaches the importer when the buffer moves.
 *
 * <p>Attaching with an importer makes the attachment dynamic ({@link Rule#ATT_3 ATT-3}): its mappings are not pinned,
 * and the exporter may move the buffer after calling {@link #moveNotify}. Attaching without one makes it static:
 * pinned, never notified ({@link Rule#MOVE_4 MOVE-4}).
 *
 * @see "struct dma_buf_attach_ops"
 */
public interface Importer {
    /**
     * Tells the importer that the buffer is about to move or be revoked: every mapping made before this call is dead
     * from now on ({@link Rule#MOVE_5 MOVE-5}).
     *
     * <p>Called by the exporter, through the framework, with the buffer's reservation lock held by the calling
     * thread. The importer must not take or release that lock, must tolerate repeated calls, and must drop its mappings
     * and re-map before its next device access ({@link Rule#MOVE_7 MOVE-7}); on revocation it stops and unmaps
     * ({@link Rule#REV_5 REV-5}). It may add fences for work it cannot stop at once, for the exporter to wait for.
     *
     * <p>Foreign code to the framework ({@link Rule#SAFE_2 SAFE-2}): if it throws, every other importer is still
     * notified and every mapping of the buffer is killed anyway, so a revoked buffer never keeps a live mapping; a
     * RuntimeException then reaches the exporter's caller as a {@link Rule#MOVE_7 MOVE-7} error, an Error propagates as
     * it is. A moveNotify that blocks blocks the exporter's thread under the lock: the framework cannot bound it
     * (revoke's timeout bounds only the waits for fences and unmaps), so a notified importer must return promptly and
     * finish asynchronously with fences.
     *
     * @param attachment the attachment whose mappings are invalidated
     * @see "dma_buf_attach_ops.move_notify / invalidate_mappings"
     */
    void moveNotify(Attachment attachment);

    /**
     * Whether the importer can handle entries without CPU pages (device memory reached peer-to-peer,
     * {@link Rule#P2P_1 P2P-1}).
     *
     * <p>Asked exactly once, at attach, before the exporter's attach ({@link Rule#SAFE_3 SAFE-3}): the answer holds for
     * the attachment's life. If it throws, the attach fails with a {@link Rule#SAFE_3 SAFE-3} error and leaves nothing
     * behind.
     *
     * @return false unless overridden
     * @see "dma_buf_attach_ops.allow_peer2peer"
     */
    default boolean allowPeerToPeer() {
        return false;
    }
}
