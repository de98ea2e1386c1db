package org.dmabuf4j.core.move;

import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.core.heap.HeapStats;

/** A heap registered with the system beside the standard ones: its counters and native memory count in the totals. */
public interface AccountedHeap extends DmaHeap {
    /**
     * Native bytes the heap holds for live buffers and their staging copies (pools kept for reuse excepted).
     *
     * @return the byte count; 0 once every buffer of the heap is released
     */
    long nativeBytes();

    /**
     * The heap's counters.
     *
     * @return the live counters object
     */
    HeapStats stats();
}
