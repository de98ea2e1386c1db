package org.dmabuf4j.core.heap;

import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * The argument checks every heap applies before it allocates anything (HEAP-2, HEAP-3, HEAP-4), and the capacity
 * accounting of heaps that bound their live bytes: one per heap, with its name, capacity, valid flags and counters.
 */
public final class HeapSizes {
    static final long PAGE = DmaConstraints.PAGE_SIZE;

    private final String heap;
    private final long capacity;
    private final long validFlags;
    private final String validFlagNames;
    private final HeapStats stats;

    /**
     * Creates the checks of one heap.
     *
     * @param heap the heap's name, for messages
     * @param capacity the most bytes one allocation (and, with {@link #reserve}, all live buffers) may take
     * @param validFlags the heap flags it accepts
     * @param validFlagNames what a caller may pass instead, for messages, e.g. {@code "0"}
     * @param stats the heap's counters
     */
    public HeapSizes(String heap, long capacity, long validFlags, String validFlagNames, HeapStats stats) {
        this.heap = heap;
        this.capacity = capacity;
        this.validFlags = validFlags;
        this.validFlagNames = validFlagNames;
        this.stats = stats;
    }

    /**
     * Checks the size and flags of an allocation (HEAP-3, HEAP-4); a size over the capacity counts as a failed
     * allocation.
     *
     * @param size the size asked for
     * @param flags the heap flags asked for
     * @return the size rounded up to the page size (HEAP-2)
     * @throws RuleViolationException (HEAP-3) for a size that is not positive, (HEAP-4) for unknown flags
     * @throws HeapExhaustedException (HEAP-3) for a size over the capacity
     */
    public long check(long size, long flags) {
        if (size <= 0) {
            throw new RuleViolationException(Rule.HEAP_3, "allocation of " + size + " bytes from heap '" + heap
                    + "': the size must be positive");
        }
        if ((flags & ~validFlags) != 0) {
            throw new RuleViolationException(Rule.HEAP_4, "allocation from heap '" + heap + "' with unknown heap flags"
                    + " 0x" + Long.toHexString(flags & ~validFlags) + " (valid: 0x" + Long.toHexString(validFlags)
                    + "); pass " + validFlagNames);
        }
        if (size > capacity) {
            stats.failed.increment();
            throw new HeapExhaustedException(Rule.HEAP_3, "allocation of " + size + " bytes from heap '" + heap
                    + "' exceeds its capacity of " + capacity + " bytes; nothing was allocated");
        }
        return pageRound(size);
    }

    /**
     * Checks a layout argument (HEAP-3).
     *
     * @param layout the layout asked for
     * @return the layout
     * @throws RuleViolationException (HEAP-3) if it is null
     */
    public BufferLayout layout(BufferLayout layout) {
        if (layout == null) {
            throw new RuleViolationException(Rule.HEAP_3, "allocation from heap '" + heap + "' with a null layout");
        }
        return layout;
    }

    /**
     * Checks an allocation's layout for a heap whose memory is linear: not null (HEAP-3), not tiled (HEAP-8).
     *
     * @param layout the layout asked for
     * @return the layout
     * @throws RuleViolationException (HEAP-3) if null; (HEAP-8) if tiled
     */
    public BufferLayout linearLayout(BufferLayout layout) {
        layout(layout);
        if (layout.isTiled()) {
            throw new RuleViolationException(Rule.HEAP_8, "allocation from heap '" + heap + "' with the tiled layout "
                    + layout + ": this heap's memory is linear, so the tiles would be a lie; allocate tiled layouts"
                    + " from the tiled heap (system.tiledHeap()). Nothing was allocated");
        }
        return layout;
    }

    /**
     * Rounds a size up to the page size (HEAP-2).
     *
     * @param bytes a size no larger than a heap's capacity
     * @return the page multiple
     */
    public static long pageRound(long bytes) {
        return (bytes + PAGE - 1) & -PAGE;
    }

    /**
     * Counts a buffer's bytes as live if they fit the capacity next to the bytes already live (HEAP-3): called before
     * the memory is taken, so that concurrent allocations cannot overshoot together. Undo with {@link #release}.
     *
     * @param bytes the page-rounded size
     * @param what the allocation, for the message, or null
     * @throws HeapExhaustedException (HEAP-3) if they do not fit; counted as a failed allocation, nothing reserved
     */
    public void reserve(long bytes, Object what) {
        while (true) {
            long live = stats.liveBytes.get();
            if (live + bytes > capacity) {
                stats.failed.increment();
                throw new HeapExhaustedException(Rule.HEAP_3, "heap '" + heap + "' cannot allocate " + bytes
                        + " bytes" + (what == null ? "" : " for " + what) + ": " + live + " of its " + capacity
                        + " bytes are in use; close buffers you no longer need. Nothing was allocated");
            }
            if (stats.liveBytes.compareAndSet(live, live + bytes)) {
                stats.liveBuffers.incrementAndGet();
                return;
            }
        }
    }

    /**
     * Gives back what {@link #reserve} counted: the buffer was released, or its allocation failed.
     *
     * @param bytes the page-rounded size
     */
    public void release(long bytes) {
        stats.liveBytes.addAndGet(-bytes);
        stats.liveBuffers.decrementAndGet();
    }

    /** Counts an allocation that succeeded (its bytes are already reserved). */
    public void allocated() {
        stats.allocations.increment();
    }

    /**
     * The heap for {@code toString}.
     *
     * @return e.g. {@code heap 'system' (4096 of 1048576 bytes live)}
     */
    public String describe() {
        return "heap '" + heap + "' (" + stats.liveBytes() + " of " + capacity + " bytes live)";
    }
}
