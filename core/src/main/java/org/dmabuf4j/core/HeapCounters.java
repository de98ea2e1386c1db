package org.dmabuf4j.core;

/**
 * A snapshot of one heap's counters.
 *
 * @param name the heap's name
 * @param liveBuffers buffers of this heap not yet released
 * @param liveBytes bytes of those buffers
 * @param pooledBytes freed memory the heap keeps for reuse (not live; returned to the OS when the system closes)
 * @param allocations buffers allocated so far
 * @param reusedAllocations allocations served from reused memory (zeroed again, HEAP-1)
 * @param failedAllocations allocations refused for lack of memory (HEAP-3, HEAP-7)
 * @param syncs cache-maintenance operations (CPU-9) on this heap's buffers
 * @param bytesSynced bytes copied by those operations
 */
public record HeapCounters(String name, long liveBuffers, long liveBytes, long pooledBytes, long allocations,
        long reusedAllocations, long failedAllocations, long syncs, long bytesSynced) {
}
