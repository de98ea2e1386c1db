package org.dmabuf4j.core;

import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Rule;

/**
 * A device's local memory ("VRAM") as a heap named {@code vram@<device>}: a dynamic exporter whose
 * buffers live in the device's fixed-capacity pool, which has no CPU pages.
 *
 * <ul>
 *   <li>Importers that allow peer-to-peer, on devices that can reach the pool (the owning device, or peer-to-peer
 *       capable devices when the owner is one), get bus addresses: entries without CPU pages
 *       ({@link Rule#P2P_1 P2P-1}).</li>
 *   <li>Any other importer forces a migration to system memory, a move with notification, when it maps or pins; if
 *       the buffer is pinned in device memory that is refused ({@link Rule#P2P_2 P2P-2},
 *       {@link Rule#PIN_2 PIN-2}).</li>
 *   <li>A full pool evicts unpinned buffers to system memory, least recently used first, notifying their importers
 *       ({@link Rule#MOVE_3 MOVE-3}); a buffer that does not fit even then is placed in system memory.</li>
 *   <li>Every move copies the memory with kernel work on the device's first engine ({@link SimulatedDevice#engine()}),
 *       in order with its jobs, published as a KERNEL fence ({@link Rule#MOVE_8 MOVE-8}).</li>
 *   <li>CPU access goes through a staging copy of the window's region only, made by begin and written back by close
 *       (after any pending copy of a move); the staging copy is the CPU's view, so non-coherent importers add no
 *       simulated CPU cache to these buffers.</li>
 *   <li>Closing (unplugging) the device revokes every buffer of its memory ({@link Rule#REV_1 REV-1}).</li>
 * </ul>
 *
 * <pre>
 *   SimulatedDevice gpu = sys.newDevice("gpu").peerToPeer(true).localMemory(64 &lt;&lt; 20).build();
 *   DmaBuf buf = gpu.localMemory().allocate(1 &lt;&lt; 20);                 // resident in gpu's memory
 *   RemappingImporter npu = RemappingImporter.attach(buf, npuDevice, Direction.BIDIRECTIONAL, true);
 *   sys.move(buf);                                                      // npu is notified; its next mapping() re-maps
 * </pre>
 */
public interface DeviceMemory extends DmaHeap {
    /**
     * Heap flag: the buffer refuses attachments that cannot be revoked in bounded time, that is static ones, which
     * have no moveNotify ({@link Rule#REV_3 REV-3}): {@code attach(device)} fails with an
     * {@link org.dmabuf4j.api.AttachRefusedException}.
     */
    long REVOCABLE_ONLY = 1L;

    /**
     * The device whose memory this is.
     *
     * @return the device
     */
    SimulatedDevice device();

    /**
     * The size of the device's memory pool.
     *
     * @return bytes
     */
    long capacity();

    /**
     * Whether a buffer of this heap lives in the device's memory now (rather than in system memory).
     *
     * @param buffer a handle of a buffer of this heap; not null
     * @return true if resident in device memory
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#P2P_1 P2P-1}) if the buffer is not of this heap
     */
    boolean isResident(DmaBuf buffer);

    /**
     * A snapshot of the counters.
     *
     * @return the counters
     */
    DeviceMemoryCounters counters();
}
