package org.dmabuf4j.api;

import java.util.List;

/**
 * A buffer as one device sees it: a scatter list of entries in that device's DMA address space.
 *
 * <pre>
 *   buffer offset:  0          1 MiB      1 MiB + 64 KiB          size
 *                   |  entry 0  | entry 1  |  entry 2 ...          |
 *   device address: 0x00100000  0x00ff0000 0x00200000 ...   (valid for ONE device, MAP-9)
 * </pre>
 *
 * <p>A mapping lives until it is unmapped ({@link Rule#MAP_11 MAP-11}), or until the exporter invalidates it before a
 * move ({@link Rule#MOVE_5 MOVE-5}) or revokes the buffer ({@link Rule#REV_2 REV-2}). After that its addresses fault in
 * the device and its CPU views are closed; the importer still unmaps it ({@link Rule#MAP_10 MAP-10}).
 *
 * <p>A mapping is {@link AutoCloseable}: {@link #close()} unmaps it, so the natural nesting releases everything in
 * the right order (the mapping before its attachment, {@link Rule#ATT_2 ATT-2}):
 * <pre>{@code
 * try (Attachment a = buf.attach(device);
 *      Mapping m = a.mapUnlocked(Direction.TO_DEVICE)) {
 *     device.submit(m.entries());
 * }   // m.close() unmaps (taking the lock), then a.close() detaches
 * }</pre>
 *
 * <p>With leak detection on, a mapping dropped without unmap is reported with where it was mapped and unmapped by the
 * framework ({@link Rule#SAFE_6 SAFE-6}).
 *
 * @see "struct sg_table as returned by dma_buf_map_attachment"
 */
public interface Mapping extends AutoCloseable {
    /**
     * The attachment that made the mapping.
     *
     * @return the attachment
     */
    Attachment attachment();

    /**
     * The direction the mapping was made with.
     *
     * @return the direction
     */
    Direction direction();

    /**
     * The entries, in buffer order, covering exactly the buffer's size ({@link Rule#MAP_2 MAP-2}).
     *
     * @return an immutable list
     * @throws InvalidatedMappingException ({@link Rule#MAP_11 MAP-11}, {@link Rule#MOVE_5 MOVE-5}) if the mapping is
     *     dead
     */
    List<SgEntry> entries();

    /**
     * The mapped bytes.
     *
     * @return the buffer's size
     */
    long size();

    /**
     * Whether the mapping is alive: not unmapped, not invalidated, not revoked.
     *
     * @return true while the addresses translate
     */
    boolean isValid();

    /**
     * Whether this is the attachment's cached mapping ({@link Rule#MAP_6 MAP-6}), which lives until detach.
     *
     * @return true if cached
     */
    boolean isCached();

    /**
     * The device address of a byte of the buffer.
     *
     * @param offset a byte offset in the buffer; in {@code [0, size())}
     * @return the address of that byte in the mapping's device
     * @throws InvalidatedMappingException ({@link Rule#MAP_11 MAP-11}, {@link Rule#MOVE_5 MOVE-5}) if the mapping is
     *     dead
     * @throws RuleViolationException ({@link Rule#MAP_2 MAP-2}) if the offset is out of range
     */
    long dmaAddress(long offset);

    /**
     * Unmaps the mapping ({@link Rule#MAP_10 MAP-10}) through the attachment that made it, if it is not unmapped yet:
     * the try-with-resources form of {@link Attachment#unmap} and {@link Attachment#unmapUnlocked}. Works in either
     * lock state ({@link Rule#MAP_1 MAP-1}): if the calling thread holds the buffer's reservation lock it unmaps under
     * it, otherwise it takes the lock for the unmap and releases it. Idempotent: closing a mapping that is already
     * unmapped (by {@code unmap}, an earlier close, or the system closing) does nothing, and so does closing the
     * attachment's cached mapping ({@link Rule#MAP_6 MAP-6}), which lives until detach. A mapping killed by an
     * invalidation or revocation is released like any other.
     *
     * @throws RuleViolationException ({@link Rule#FENCE_4 FENCE-4}) if called on a fence's signaling path without the
     *     lock, where the lock may not be taken
     * @throws RuntimeException as {@link Attachment#unmap}, for example what the exporter's unmap throws
     * @see "dma_buf_unmap_attachment_unlocked"
     */
    @Override
    void close();
}
