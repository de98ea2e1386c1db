package org.dmabuf4j.core.heap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.core.debug.ThreadCounters;
import org.dmabuf4j.core.HeapCounters;

/** The counters of one heap; increments are cheap and never block. */
public final class HeapStats {
    private final String name;
    final AtomicLong liveBuffers = new AtomicLong();
    final AtomicLong liveBytes = new AtomicLong();
    final AtomicLong pooledBytes = new AtomicLong();
    final LongAdder allocations = new LongAdder();
    final LongAdder reused = new LongAdder();
    final LongAdder failed = new LongAdder();
    /** Syncs (0) and bytes synced (1): counted on the CPU-window path, without atomics (issue 15). */
    private final ThreadCounters syncCounts = new ThreadCounters(2);

    /**
     * Creates the counters of a heap.
     *
     * @param name the heap's name
     */
    public HeapStats(String name) {
        this.name = name;
    }

    /**
     * Counts a buffer allocated by a heap outside this package (device memory, tiled).
     *
     * @param bytes its size
     */
    public void allocated(long bytes) {
        liveBytes.addAndGet(bytes);
        liveBuffers.incrementAndGet();
        allocations.increment();
    }

    /**
     * Counts a buffer of such a heap released.
     *
     * @param bytes its size
     */
    public void freed(long bytes) {
        liveBytes.addAndGet(-bytes);
        liveBuffers.decrementAndGet();
    }

    /** Counts an allocation refused for lack of memory. */
    public void failedAllocation() {
        failed.increment();
    }

    /**
     * Counts a cache-maintenance operation on a buffer of this heap.
     *
     * @param bytes the bytes copied
     */
    public void countSync(long bytes) {
        syncCounts.add(0, 1, 1, bytes);
    }

    /**
     * Bytes of live buffers.
     *
     * @return the count
     */
    public long liveBytes() {
        return liveBytes.get();
    }

    /**
     * A snapshot.
     *
     * @return the counters
     */
    public HeapCounters snapshot() {
        return new HeapCounters(name, liveBuffers.get(), liveBytes.get(), pooledBytes.get(), allocations.sum(),
                reused.sum(), failed.sum(), syncCounts.sum(0), syncCounts.sum(1));
    }
}
