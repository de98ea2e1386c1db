package org.dmabuf4j.api;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A device that can import buffers: it has its own DMA address space (an IOMMU), constraints, and a coherency
 * domain. dmabuf4j's core supplies simulated devices; the api only states what exporters and importers rely on.
 *
 * <p>Exporters build mappings with {@link #mapPages} and {@link #mapPeer} (the kernel's DMA mapping API) and remove
 * them with {@link #unmap}. A device reaches memory only through translations it holds ({@link Rule#DEV_1 DEV-1}); its
 * addresses are its own and never native addresses ({@link Rule#DEV_2 DEV-2}).
 *
 * <pre>
 *   CPU (native addresses)            device "camera" IOMMU            device "encoder" IOMMU
 *   0x7f3a_0000_0000 ── chunk 0 ──►   0x0010_0000 .. 0x0020_0000      0x0800_0000 .. 0x0810_0000
 *   0x7f3a_0420_0000 ── chunk 1 ──►   0x0020_0000 .. 0x0021_0000      0x0810_0000 .. 0x0811_0000
 * </pre>
 *
 * @see "struct device, dma_map_sgtable, dma_map_resource"
 */
public interface Device {
    /**
     * The device's name, unique within its system.
     *
     * @return the name
     */
    String name();

    /**
     * What the device's DMA can address.
     *
     * @return the constraints
     */
    DmaConstraints constraints();

    /**
     * Whether the device snoops CPU caches. CPU access to a buffer attached to a non-coherent device goes through a
     * cache that begin/close maintain ({@link Rule#CPU_9 CPU-9}).
     *
     * @return true if coherent
     */
    boolean isCoherent();

    /**
     * Whether the device can reach other devices' memory directly (peer-to-peer, {@link Rule#P2P_1 P2P-1}).
     *
     * @return true if peer-to-peer capable
     */
    boolean isPeerToPeerCapable();

    /**
     * Whether the device is still present. A closed (unplugged) device refuses new attachments
     * ({@link Rule#ATT_7 ATT-7}) and ends its engines, failing the fences of jobs still pending
     * ({@link Rule#DEV_7 DEV-7}). While open, an engine job runs after its dependencies, touches memory only through
     * the device's current mappings, and fails its fence with the fault on a stale one ({@link Rule#DEV_8 DEV-8}).
     *
     * @return true until the device is closed
     */
    boolean isOpen();

    /**
     * Maps CPU memory into the device's address space, for an exporter building a mapping.
     *
     * <p>Called by exporters from {@link Exporter#map}, with the buffer's reservation lock held. Each chunk is split
     * so that every entry meets the device's constraints ({@link Rule#DEV_3 DEV-3}, {@link Rule#MAP_4 MAP-4}); the
     * returned entries carry views of the chunks. The translations live until {@link #unmap}
     * ({@link Rule#DEV_9 DEV-9}).
     *
     * @param chunks the memory, in buffer order; each a multiple of the page size; not null or empty
     * @param direction which way the device will access the memory; not null
     * @return entries covering the chunks in order
     * @throws RuleViolationException ({@link Rule#DEV_3 DEV-3}) if a chunk is not page-sized or the device cannot reach
     *     the memory
     * @throws ClosedException ({@link Rule#ATT_7 ATT-7}) if the device is closed
     * @see "dma_map_sgtable"
     */
    List<SgEntry> mapPages(List<MemorySegment> chunks, Direction direction);

    /**
     * Maps another device's memory (without CPU pages) into this device's address space, peer-to-peer.
     *
     * @param owner the device whose memory it is; not null
     * @param busAddress the memory's address on the owner's bus; page aligned
     * @param length bytes; a positive multiple of the page size
     * @param direction which way this device will access it; not null
     * @return entries without CPU pages covering the memory
     * @throws RuleViolationException ({@link Rule#P2P_1 P2P-1}) if either device is not peer-to-peer capable
     * @throws ClosedException ({@link Rule#ATT_7 ATT-7}) if a device is closed
     * @see "dma_map_resource"
     */
    List<SgEntry> mapPeer(Device owner, long busAddress, long length, Direction direction);

    /**
     * Removes translations installed by {@link #mapPages} or {@link #mapPeer}. Called by exporters from
     * {@link Exporter#unmap} with the lock held. Afterwards the addresses fault ({@link Rule#MAP_11 MAP-11}).
     *
     * @param entries exactly the entries one map call returned; not null
     * @throws RuleViolationException ({@link Rule#DEV_9 DEV-9}) if an entry is not currently mapped in this device
     * @see "dma_unmap_sgtable"
     */
    void unmap(List<SgEntry> entries);

    /**
     * Whether {@code length} bytes at {@code dmaAddress} are currently translated by this device's IOMMU. For checks
     * (testkit, assertions); devices themselves fault on untranslated addresses.
     *
     * @param dmaAddress a device address
     * @param length bytes; positive
     * @return true if every byte is translated
     */
    boolean isMapped(long dmaAddress, long length);

    /**
     * The number of IOMMU translations (entries) currently installed, for leak checks ({@link Rule#DEV_9 DEV-9}).
     *
     * @return the count
     */
    long liveTranslations();
}
