package org.dmabuf4j.core;

import org.dmabuf4j.api.Rule;

/**
 * A snapshot of one simulated device's counters.
 *
 * @param name the device's name
 * @param liveTranslations IOMMU translations installed now
 * @param maps calls of {@link org.dmabuf4j.api.Device#mapPages} and {@link org.dmabuf4j.api.Device#mapPeer}
 * @param unmaps calls of {@link org.dmabuf4j.api.Device#unmap}
 * @param dmaReads device reads through the IOMMU
 * @param dmaWrites device writes through the IOMMU
 * @param bytesRead bytes read by the device
 * @param bytesWritten bytes written by the device
 * @param faults IOMMU faults ({@link Rule#DEV_1 DEV-1}, {@link Rule#DEV_4 DEV-4}, {@link Rule#DEV_5 DEV-5})
 * @param syncs cache-maintenance operations done for this device's mappings (map and unmap of a non-coherent device)
 * @param bytesSynced bytes copied by those operations
 */
public record DeviceCounters(String name, long liveTranslations, long maps, long unmaps, long dmaReads,
        long dmaWrites, long bytesRead, long bytesWritten, long faults, long syncs, long bytesSynced) {
}
