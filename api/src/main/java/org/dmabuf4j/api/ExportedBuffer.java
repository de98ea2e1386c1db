package org.dmabuf4j.api;

import java.time.Duration;
import java.util.List;

/**
 * The exporter's capability over a buffer it exported: what only the exporter may do. Returned by
 * {@link DmaBufSystem#export(ExportInfo)}; the exporter keeps it private and hands {@link #handle()} to users.
 *
 * @see "dma_buf_export, dma_buf_move_notify, dma_buf_attach_revocable"
 */
public interface ExportedBuffer {
    /**
     * The first handle of the buffer, created by the export. The caller owns it and must close it (or hand it on).
     *
     * @return the handle
     */
    DmaBuf handle();

    /**
     * The buffer's reservation.
     *
     * @return the reservation
     */
    Reservation reservation();

    /**
     * The buffer's attachments. Called with the reservation lock held ({@link Rule#RESV_4 RESV-4}).
     *
     * @return a snapshot of the current attachments
     * @throws RuleViolationException ({@link Rule#RESV_4 RESV-4}) if the calling thread does not hold the lock
     */
    List<Attachment> attachments();

    /**
     * Whether any attachment pins the buffer ({@link Rule#PIN_3 PIN-3}): a pinned buffer must not move
     * ({@link Rule#MOVE_2 MOVE-2}). Called with the lock held.
     *
     * @return true if pinned
     * @throws RuleViolationException ({@link Rule#RESV_4 RESV-4}) if the calling thread does not hold the lock
     */
    boolean isPinned();

    /**
     * Invalidates every mapping before a move ({@link Rule#MOVE_3 MOVE-3}): calls {@link Importer#moveNotify} on every
     * dynamic attachment, with the lock held, then kills every mapping made before this call
     * ({@link Rule#MOVE_5 MOVE-5}) by unmapping it through the exporter. Static attachments are not notified
     * ({@link Rule#MOVE_4 MOVE-4}). Called by the exporter with the lock held ({@link Rule#MOVE_1 MOVE-1}). The
     * exporter then publishes the copy of the move as a KERNEL-usage fence before anything touches the new location
     * ({@link Rule#MOVE_8 MOVE-8}).
     *
     * @throws RuleViolationException ({@link Rule#MOVE_1 MOVE-1}) if the calling thread does not hold the lock,
     *     ({@link Rule#MOVE_2 MOVE-2}) if the buffer is pinned
     * @see "dma_buf_move_notify / dma_buf_invalidate_mappings"
     */
    void invalidateMappings();

    /**
     * Revokes the buffer ({@link Rule#REV_1 REV-1}): makes new maps and CPU access fail, notifies every dynamic
     * importer, waits for every fence (BOOKKEEP), then waits for every importer to unmap, all within {@code timeout}.
     * Called without the lock. Pinned and static mappings are killed as well.
     *
     * @param timeout the bound on the fence and unmap waits; positive
     * @throws DmaTimeoutException ({@link Rule#REV_4 REV-4}) if fences or importers did not finish in time; the message
     *     names the importers that did not unmap. The buffer stays revoked.
     * @throws DmaInterruptedException ({@link Rule#REV_1 REV-1}) if interrupted while waiting; the buffer stays revoked
     * @see "dma_buf_attach_revocable"
     */
    void revoke(Duration timeout);

    /**
     * Whether the buffer was revoked.
     *
     * @return true once {@link #revoke} began
     */
    boolean isRevoked();
}
