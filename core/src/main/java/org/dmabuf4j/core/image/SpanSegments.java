package org.dmabuf4j.core.image;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.dmabuf4j.api.Span;

/**
 * Bytes of one buffer reachable through segments that each hold one span: a CPU window's rows (one segment per span
 * of its region) or an engine's bounce copy of the spans it loaded. Every access lies within one span; lookups start
 * from the last span found, since codecs walk forwards.
 */
final class SpanSegments {
    private final long[] starts;
    private final long[] ends;
    private final MemorySegment[] segments;
    private int last;

    SpanSegments(List<Span> spans, List<MemorySegment> segments) {
        int n = spans.size();
        this.starts = new long[n];
        this.ends = new long[n];
        this.segments = segments.toArray(MemorySegment[]::new);
        for (int i = 0; i < n; i++) {
            starts[i] = spans.get(i).offset();
            ends[i] = spans.get(i).end();
        }
    }

    /** Index of the span holding {@code [offset, offset + length)}. */
    private int find(long offset, long length) {
        int i = last;
        if (offset < starts[i] || offset + length > ends[i]) {
            int lo = 0;
            int hi = starts.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            i = lo;
            if (offset < starts[i] || offset + length > ends[i]) {
                throw new IllegalStateException("bytes [" + offset + ", " + (offset + length) + ") are not in the "
                        + "spans held (a codec bug)");
            }
            last = i;
        }
        return i;
    }

    void read(long offset, MemorySegment dst, long dstOffset, long length) {
        int i = find(offset, length);
        MemorySegment.copy(segments[i], offset - starts[i], dst, dstOffset, length);
    }

    void write(long offset, MemorySegment src, long srcOffset, long length) {
        int i = find(offset, length);
        MemorySegment.copy(src, srcOffset, segments[i], offset - starts[i], length);
    }

    void fill(long offset, long length, byte value) {
        int i = find(offset, length);
        segments[i].asSlice(offset - starts[i], length).fill(value);
    }

    byte get(long offset) {
        int i = find(offset, 1);
        return segments[i].get(ValueLayout.JAVA_BYTE, offset - starts[i]);
    }

    void set(long offset, byte value) {
        int i = find(offset, 1);
        segments[i].set(ValueLayout.JAVA_BYTE, offset - starts[i], value);
    }
}
