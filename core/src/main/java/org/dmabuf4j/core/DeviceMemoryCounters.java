package org.dmabuf4j.core;

import org.dmabuf4j.api.Rule;

/**
 * A snapshot of the counters of one {@link DeviceMemory}.
 *
 * @param heap the heap's name, {@code vram@<device>}
 * @param capacity bytes of the device's memory pool
 * @param residentBuffers live buffers in the device's memory
 * @param residentBytes bytes of the pool they use
 * @param systemBuffers live buffers of this heap in system memory (evicted, migrated, or placed there)
 * @param systemBytes bytes of system memory they use
 * @param stagingBytes bytes of staging memory for CPU access
 * @param moves moves asked for with {@link SimulatedSystem#move}
 * @param evictions buffers evicted to system memory to make room (least recently used first)
 * @param migrations buffers migrated to system memory because an importer could not reach device memory
 *     ({@link Rule#P2P_2 P2P-2})
 * @param bytesCopied bytes copied by the device's engine for moves, evictions and migrations
 * @param refusedPins pins refused ({@link Rule#PIN_2 PIN-2})
 */
public record DeviceMemoryCounters(String heap, long capacity, long residentBuffers, long residentBytes,
        long systemBuffers, long systemBytes, long stagingBytes, long moves, long evictions, long migrations,
        long bytesCopied, long refusedPins) {
}
