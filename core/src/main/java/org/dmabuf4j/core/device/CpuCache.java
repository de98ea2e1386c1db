package org.dmabuf4j.core.device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.dmabuf4j.api.Span;

/**
 * The simulated CPU write-back cache of one buffer attached to a non-coherent device (CPU-9).
 *
 * <p>CPU windows read and write these lines, never the memory; devices read and write the memory, never these
 * lines. Only cache maintenance moves bytes between the two: {@link #invalidate} (memory to cache, before the CPU
 * reads what a device wrote) and {@link #clean} (cache to memory, before a device reads what the CPU wrote), each
 * for exactly the spans asked, one {@link MemorySegment#copy} per span. A program that skips one of them sees stale
 * bytes, deterministically.
 */
public final class CpuCache implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment lines;

    /**
     * Creates the cache of a buffer, warm: its lines hold the memory's current bytes.
     *
     * @param memory the buffer's linear CPU memory
     */
    public CpuCache(MemorySegment memory) {
        arena = Arena.ofShared();
        MemorySegment l;
        try {
            l = arena.allocate(memory.byteSize(), 64);
            MemorySegment.copy(memory, 0, l, 0, memory.byteSize());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        lines = l;
    }

    /**
     * The cache lines, as the CPU sees the buffer.
     *
     * @return the whole buffer's lines
     */
    public MemorySegment lines() {
        return lines;
    }

    /**
     * The native bytes the cache holds.
     *
     * @return the buffer's size
     */
    public long byteSize() {
        return lines.byteSize();
    }

    /**
     * Drops the lines of the spans and refills them from memory (dma_sync_for_cpu).
     *
     * @param memory the buffer's linear CPU memory
     * @param spans the bytes
     * @return the bytes copied
     */
    public long invalidate(MemorySegment memory, List<Span> spans) {
        long n = 0;
        for (int i = 0, size = spans.size(); i < size; i++) {
            Span s = spans.get(i);
            MemorySegment.copy(memory, s.offset(), lines, s.offset(), s.length());
            n += s.length();
        }
        return n;
    }

    /**
     * Writes the lines of the spans back to memory (dma_sync_for_device).
     *
     * @param memory the buffer's linear CPU memory
     * @param spans the bytes
     * @return the bytes copied
     */
    public long clean(MemorySegment memory, List<Span> spans) {
        long n = 0;
        for (int i = 0, size = spans.size(); i < size; i++) {
            Span s = spans.get(i);
            MemorySegment.copy(lines, s.offset(), memory, s.offset(), s.length());
            n += s.length();
        }
        return n;
    }

    /** Frees the lines. Only once no window uses them. */
    @Override
    public void close() {
        arena.close();
    }
}
