package org.dmabuf4j.core.move;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import org.dmabuf4j.api.Span;

/**
 * The linear CPU copy of a buffer whose memory the CPU cannot use in place (device memory, tiles): CPU windows are
 * views of it. A begin fills exactly the window's spans from the buffer's memory and the close of a writable window
 * writes exactly them back, so a sync costs in proportion to its region.
 *
 * <p>While windows are open their bytes belong to the CPU: a later window overlapping them sees them as they are, as
 * it would in one CPU memory, so a begin fills only bytes no open window covers (otherwise it would overwrite an
 * open window's unwritten-back changes). Allocated on first use, freed with the buffer. Not thread-safe: its exporter
 * serialises the calls.
 */
public final class Staging {
    /** Copies one run of bytes between the staging memory and the buffer's memory. */
    @FunctionalInterface
    public interface Copier {
        /**
         * Copies {@code length} bytes at linear {@code offset}.
         *
         * @param staging the staging memory, the buffer's size
         * @param offset the first byte, in the buffer's linear layout
         * @param length bytes
         */
        void copy(MemorySegment staging, long offset, long length);
    }

    private final long size;
    private final LongConsumer accounting;
    private final ArrayList<Span> open = new ArrayList<>(2);
    private Arena arena;
    private MemorySegment memory;

    /**
     * Creates the staging of a buffer; nothing is allocated yet.
     *
     * @param size the buffer's size
     * @param accounting told +size when the memory is allocated and -size when it is freed
     */
    public Staging(long size, LongConsumer accounting) {
        this.size = size;
        this.accounting = accounting;
    }

    /**
     * Opens a window: fills the bytes of its spans that no open window covers.
     *
     * @param spans the window's spans, in increasing order, not overlapping each other
     * @param fill copies from the buffer's memory into the staging memory
     * @return the staging memory, the buffer's size
     */
    public MemorySegment begin(List<Span> spans, Copier fill) {
        if (memory == null) {
            Arena a = Arena.ofShared();
            try {
                memory = a.allocate(size, 64);
            } catch (RuntimeException | Error e) {
                a.close();
                throw e;
            }
            arena = a;
            accounting.accept(size);
        }
        List<Span> covered = open.isEmpty() ? List.of() : sortedOpen();
        for (int i = 0, n = spans.size(); i < n; i++) {
            fillUncovered(spans.get(i), covered, fill);
        }
        open.addAll(spans);
        return memory;
    }

    private List<Span> sortedOpen() {
        List<Span> s = new ArrayList<>(open);
        s.sort(Comparator.comparingLong(Span::offset));
        return s;
    }

    private void fillUncovered(Span s, List<Span> covered, Copier fill) {
        long pos = s.offset();
        long end = s.end();
        for (Span o : covered) {
            if (o.end() <= pos) {
                continue;
            }
            if (o.offset() >= end) {
                break;
            }
            if (o.offset() > pos) {
                fill.copy(memory, pos, o.offset() - pos);
            }
            pos = Math.max(pos, o.end());
            if (pos >= end) {
                return;
            }
        }
        fill.copy(memory, pos, end - pos);
    }

    /**
     * Closes a window: writes its spans back, if given a copier, and gives their bytes back.
     *
     * @param spans exactly the spans given to {@link #begin}
     * @param writeBack copies from the staging memory into the buffer's memory, or null if the window did not write
     */
    public void end(List<Span> spans, Copier writeBack) {
        try {
            if (writeBack != null) {
                for (int i = 0, n = spans.size(); i < n; i++) {
                    Span s = spans.get(i);
                    writeBack.copy(memory, s.offset(), s.length());
                }
            }
        } finally {
            // given back even if a write-back fails: the window is closed either way
            for (int i = 0, n = spans.size(); i < n; i++) {
                open.remove(spans.get(i));
            }
        }
    }

    /**
     * Whether windows are open.
     *
     * @return true if some span is open
     */
    public boolean inUse() {
        return !open.isEmpty();
    }

    /** Frees the memory, once no window is open (the buffer is released). Idempotent. */
    public void free() {
        if (arena != null) {
            arena.close();
            arena = null;
            memory = null;
            accounting.accept(-size);
        }
    }
}
