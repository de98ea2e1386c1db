package org.dmabuf4j.core.heap;

import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;

/** How a heap exports its buffers: the system's export, with the heap's counters attached to the buffer. */
public interface HeapExports {
    /**
     * Exports a heap buffer.
     *
     * @param info the export information
     * @param stats the heap's counters, for the buffer's syncs
     * @return the exported buffer
     */
    ExportedBuffer export(ExportInfo info, HeapStats stats);
}
