package org.dmabuf4j.core.heap;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Exporter;

/**
 * An exporter whose buffer has linear CPU memory that stays put while the buffer is attached: what the framework's
 * CPU-cache simulation needs to do the cache maintenance of map and unmap for non-coherent devices (CPU-9).
 * Exporters without it still get cache maintenance around CPU windows, on the memory their begin returns.
 */
public interface LinearMemoryExporter extends Exporter {
    /**
     * The buffer's CPU memory, linear, {@code size()} bytes. Called with or without the reservation lock.
     *
     * @return the memory
     */
    MemorySegment cpuMemory();
}
