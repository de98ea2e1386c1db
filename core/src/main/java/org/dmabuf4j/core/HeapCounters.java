package org.dmabuf4j.core;

import org.dmabuf4j.api.Rule;

/**
 * A snapshot of one heap's counters.
 *
 * @param name the heap's name
 * @param liveBuffers buffers of this heap not yet released
 * @param liveBytes bytes of those buffers
 * @param pooledBytes freed memory the heap keeps for reuse (not live; returned to the OS when the system closes)
 * @param allocations buffers allocated so far
 * @param reusedAllocations allocations served from reused memory (zeroed again, {@link Rule#HEAP_1 HEAP-1})
 * @param failedAllocations allocations refused for lack of memory ({@link Rule#HEAP_3 HEAP-3},
 *     {@link Rule#HEAP_7 HEAP-7})
 * @param syncs cache-maintenance operations ({@link Rule#CPU_9 CPU-9}) on this heap's buffers
 * @param bytesSynced bytes copied by those operations
 */
public record HeapCounters(String name, long liveBuffers, long liveBytes, long pooledBytes, long allocations,
        long reusedAllocations, long failedAllocations, long syncs, long bytesSynced) {
}
