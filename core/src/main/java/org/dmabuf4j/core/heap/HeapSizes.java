package org.dmabuf4j.core.heap;

import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/** The argument checks every heap applies before it allocates anything (HEAP-2, HEAP-3, HEAP-4). */
final class HeapSizes {
    static final long PAGE = DmaConstraints.PAGE_SIZE;

    private HeapSizes() {
    }

    /** Checks size and flags and returns the page-rounded size. */
    static long check(String heap, long size, long flags, long validFlags, long capacity, HeapStats stats) {
        if (size <= 0) {
            throw new RuleViolationException(Rule.HEAP_3, "allocation of " + size + " bytes from heap '" + heap
                    + "': the size must be positive");
        }
        if ((flags & ~validFlags) != 0) {
            throw new RuleViolationException(Rule.HEAP_4, "allocation from heap '" + heap + "' with unknown heap flags"
                    + " 0x" + Long.toHexString(flags & ~validFlags) + " (valid: 0x" + Long.toHexString(validFlags)
                    + "); pass 0");
        }
        if (size > capacity) {
            stats.failed.increment();
            throw new HeapExhaustedException(Rule.HEAP_3, "allocation of " + size + " bytes from heap '" + heap
                    + "' exceeds its capacity of " + capacity + " bytes; nothing was allocated");
        }
        return (size + PAGE - 1) & -PAGE;
    }

    static BufferLayout layout(String heap, BufferLayout layout) {
        if (layout == null) {
            throw new RuleViolationException(Rule.HEAP_3, "allocation from heap '" + heap + "' with a null layout");
        }
        return layout;
    }
}
