package org.dmabuf4j.api;

import java.util.Optional;

/**
 * A buffer attached to one device ({@link Rule#ATT_4 ATT-4}): the importer's way to map it into that device's address
 * space.
 *
 * <p>Static attachments ({@link DmaBuf#attach(Device)}) are pinned and never notified; dynamic ones
 * ({@link DmaBuf#attach(Device, Importer)}) are notified before the buffer moves and must re-map
 * ({@link Rule#MOVE_7 MOVE-7}). Closing the attachment detaches it (after its mappings are unmapped,
 * {@link Rule#ATT_2 ATT-2}). With leak detection on, an attachment dropped attached (and every mapping made through
 * it dropped too) is reported with where it was attached and detached by the framework
 * ({@link Rule#SAFE_6 SAFE-6}). The importer's {@link Importer#moveNotify} receives the very object {@code attach}
 * returned; the exporter's callbacks receive the framework's own attachment object, which is {@code equals} to it but
 * not the same object: an exporter keys per-attachment state by what its callbacks receive.
 *
 * <table>
 *   <caption>Lock state (the locking convention of the kernel's dma-buf documentation)</caption>
 *   <tr><th>method</th><th>reservation lock</th></tr>
 *   <tr><td>map, unmap, pin, unpin</td><td>held by the calling thread ({@link Rule#MAP_1 MAP-1},
 *   {@link Rule#PIN_1 PIN-1})</td></tr>
 *   <tr><td>mapUnlocked, unmapUnlocked, close</td><td>not held; taken inside</td></tr>
 * </table>
 *
 * @see "struct dma_buf_attachment"
 */
public interface Attachment extends AutoCloseable {
    /**
     * The buffer this attachment is of.
     *
     * @return a handle-less view of the buffer; valid while the attachment is attached
     */
    DmaBuf buffer();

    /**
     * The device the buffer is attached to.
     *
     * @return the device
     */
    Device device();

    /**
     * The importer of a dynamic attachment.
     *
     * @return the importer, or empty for a static attachment
     */
    Optional<Importer> importer();

    /**
     * Whether the attachment is dynamic (has an importer).
     *
     * @return true if dynamic
     * @see "dma_buf_attachment_is_dynamic"
     */
    boolean isDynamic();

    /**
     * Whether the importer accepts memory without CPU pages ({@link Rule#P2P_1 P2P-1}). The importer was asked once, at
     * attach ({@link Rule#SAFE_3 SAFE-3}); this answers from that, without calling the importer again.
     *
     * @return the importer's {@link Importer#allowPeerToPeer()} at attach, false for static attachments
     * @see "dma_buf_attachment.peer2peer"
     */
    boolean peerToPeer();

    /**
     * Whether the attachment is still attached.
     *
     * @return false once closed
     */
    boolean isAttached();

    /**
     * Whether the attachment pins the buffer, explicitly or implicitly ({@link Rule#PIN_4 PIN-4}).
     *
     * @return true if pinned
     */
    boolean isPinned();

    /**
     * Maps the buffer into the device's address space. Called with the buffer's reservation lock held by the calling
     * thread ({@link Rule#MAP_1 MAP-1}). A cached mapping is returned as is ({@link Rule#MAP_6 MAP-6}) if it covers the
     * direction ({@link Rule#MAP_7 MAP-7}); otherwise the exporter makes a new one ({@link Rule#MAP_5 MAP-5}). For a
     * non-dynamic importer, waits for the KERNEL fences first ({@link Rule#MAP_8 MAP-8}).
     *
     * @param direction how the device will access the memory; not null
     * @return the mapping, valid for this device only ({@link Rule#MAP_9 MAP-9}) until unmapped or invalidated
     * @throws RuleViolationException ({@link Rule#MAP_1 MAP-1}) if the lock is not held
     * @throws MappingBusyException ({@link Rule#MAP_7 MAP-7}) if a cached mapping does not cover {@code direction}
     * @throws RevokedException ({@link Rule#REV_2 REV-2}) if the buffer is revoked
     * @throws ClosedException ({@link Rule#ATT_4 ATT-4}) if detached
     * @throws DmaInterruptedException ({@link Rule#MAP_8 MAP-8}) if interrupted while waiting for KERNEL fences;
     *     nothing is mapped
     * @see "dma_buf_map_attachment"
     */
    Mapping map(Direction direction);

    /**
     * Unmaps a mapping made by {@link #map} ({@link Rule#MAP_10 MAP-10}). Called with the lock held
     * ({@link Rule#MAP_1 MAP-1}). The cached mapping is left alone ({@link Rule#MAP_6 MAP-6}); a mapping already killed
     * by an invalidation is just released. Afterwards its addresses fault and its CPU views are closed
     * ({@link Rule#MAP_11 MAP-11}).
     *
     * @param mapping a mapping of this attachment, not yet unmapped; not null
     * @throws RuleViolationException ({@link Rule#MAP_1 MAP-1}) if the lock is not held, ({@link Rule#MAP_10 MAP-10})
     *     if the mapping is of another attachment or already unmapped
     * @throws ClosedException ({@link Rule#ATT_4 ATT-4}) if detached
     * @see "dma_buf_unmap_attachment"
     */
    void unmap(Mapping mapping);

    /**
     * {@link #map} with the lock taken and released inside. Called without the lock ({@link Rule#MAP_1 MAP-1}).
     *
     * @param direction how the device will access the memory; not null
     * @return the mapping
     * @throws RuntimeException as {@link #map}, and RuleViolationException ({@link Rule#MAP_1 MAP-1}) if the caller
     *     holds the lock
     * @see "dma_buf_map_attachment_unlocked"
     */
    Mapping mapUnlocked(Direction direction);

    /**
     * {@link #unmap} with the lock taken and released inside. Called without the lock ({@link Rule#MAP_1 MAP-1}).
     *
     * @param mapping a mapping of this attachment; not null
     * @throws RuntimeException as {@link #unmap}, and RuleViolationException ({@link Rule#MAP_1 MAP-1}) if the caller
     *     holds the lock
     * @see "dma_buf_unmap_attachment_unlocked"
     */
    void unmapUnlocked(Mapping mapping);

    /**
     * Pins the buffer for this dynamic attachment ({@link Rule#PIN_1 PIN-1}): it will not move until {@link #unpin()}
     * ({@link Rule#PIN_3 PIN-3}). For long-lived uses only ({@link Rule#PIN_5 PIN-5}). Called with the lock held.
     *
     * @throws RuleViolationException ({@link Rule#PIN_1 PIN-1}) if the attachment is static or the lock not held
     * @throws PinRefusedException ({@link Rule#PIN_2 PIN-2}) if the exporter refuses
     * @throws UnsupportedFeatureException ({@link Rule#PIN_2 PIN-2}) if the exporter is not dynamic
     * @see "dma_buf_pin"
     */
    void pin();

    /**
     * Undoes one {@link #pin()} ({@link Rule#PIN_6 PIN-6}). Called with the lock held.
     *
     * @throws RuleViolationException ({@link Rule#PIN_6 PIN-6}) if not pinned by {@link #pin()},
     *     ({@link Rule#PIN_1 PIN-1}) if the lock is not held
     * @see "dma_buf_unpin"
     */
    void unpin();

    /**
     * Detaches ({@link Rule#ATT_2 ATT-2}, {@link Rule#ATT_6 ATT-6}): unmaps the cached mapping, drops the implicit pin,
     * then calls the exporter's detach. Idempotent. Called without the lock ({@link Rule#BUF_9 BUF-9}).
     *
     * @throws RuleViolationException ({@link Rule#ATT_2 ATT-2}) if mappings made by {@link #map} are still mapped;
     *     nothing changes
     * @see "dma_buf_detach"
     */
    @Override
    void close();
}
