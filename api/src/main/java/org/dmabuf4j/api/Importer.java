package org.dmabuf4j.api;

/**
 * The importer side of a dynamic attachment: how the exporter reaches the importer when the buffer moves.
 *
 * <p>Attaching with an importer makes the attachment dynamic (ATT-3): its mappings are not pinned, and the exporter
 * may move the buffer after calling {@link #moveNotify}. Attaching without one makes it static: pinned, never notified
 * (MOVE-4).
 *
 * @see "struct dma_buf_attach_ops"
 */
public interface Importer {
    /**
     * Tells the importer that the buffer is about to move or be revoked: every mapping made before this call is dead
     * from now on (MOVE-5).
     *
     * <p>Called by the exporter, through the framework, with the buffer's reservation lock held by the calling
     * thread. The importer must not take or release that lock, must tolerate repeated calls, and must drop its mappings
     * and re-map before its next device access (MOVE-7); on revocation it stops and unmaps (REV-5). It may add fences
     * for work it cannot stop at once, for the exporter to wait for.
     *
     * @param attachment the attachment whose mappings are invalidated
     * @see "dma_buf_attach_ops.move_notify / invalidate_mappings"
     */
    void moveNotify(Attachment attachment);

    /**
     * Whether the importer can handle entries without CPU pages (device memory reached peer-to-peer, P2P-1).
     *
     * @return false unless overridden
     * @see "dma_buf_attach_ops.allow_peer2peer"
     */
    default boolean allowPeerToPeer() {
        return false;
    }
}
