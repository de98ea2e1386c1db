package org.dmabuf4j.core;

import java.util.List;
import org.dmabuf4j.api.Rule;

/**
 * A snapshot of a {@link SimulatedSystem}'s counters, with one entry per heap and per device.
 *
 * @param liveBuffers buffers not yet released
 * @param liveBufferBytes bytes of those buffers
 * @param liveNativeBytes native memory held for live buffers, CPU caches and staging (see
 *     {@link SimulatedSystem#liveNativeBytes()})
 * @param exports buffers exported so far (heap allocations included)
 * @param releases buffers released so far
 * @param attaches attachments made so far
 * @param maps mappings made by the framework (cached mappings count once)
 * @param unmaps mappings removed
 * @param cpuAccesses CPU windows opened
 * @param syncs cache-maintenance operations ({@link Rule#CPU_9 CPU-9} and map/unmap of non-coherent devices)
 * @param bytesSynced bytes copied by those operations
 * @param ownershipViolations ownership violations detected ({@link Rule#CPU_11 CPU-11}, {@link Rule#DEV_6 DEV-6}),
 *     thrown or recorded
 * @param leaks handles reported as leaked ({@link Rule#BUF_8 BUF-8})
 * @param heaps the heaps' counters
 * @param devices the devices' counters
 */
public record Counters(long liveBuffers, long liveBufferBytes, long liveNativeBytes, long exports, long releases,
        long attaches, long maps, long unmaps, long cpuAccesses, long syncs, long bytesSynced,
        long ownershipViolations, long leaks, List<HeapCounters> heaps, List<DeviceCounters> devices) {
    /**
     * Copies the lists.
     */
    public Counters {
        heaps = List.copyOf(heaps);
        devices = List.copyOf(devices);
    }

    /**
     * The counters of one heap.
     *
     * @param name the heap's name
     * @return the counters
     * @throws IllegalArgumentException if there is no such heap
     */
    public HeapCounters heap(String name) {
        return heaps.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no heap '" + name + "' in " + heaps));
    }

    /**
     * The counters of one device.
     *
     * @param name the device's name
     * @return the counters
     * @throws IllegalArgumentException if there is no such device
     */
    public DeviceCounters device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device '" + name + "' in " + devices));
    }
}
