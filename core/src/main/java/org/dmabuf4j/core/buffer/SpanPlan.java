package org.dmabuf4j.core.buffer;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Span;

/**
 * A region's spans on one buffer, worked out once and reused by every window on that region (issue 15: a video
 * pipeline opens the same region every frame). Immutable, so a plan read through a racy field is always whole.
 *
 * <pre>
 *   rect 4×3 of a 4-pixel-wide image (stride = row bytes):   full-width rows are adjacent in memory,
 *   spans  [r0)[r1)[r2)                                        so they form one run:
 *   runs   [==========)                                        one copy per run, not per row
 *
 *   rect 2×3 of the same image:
 *   spans  [r0)  [r1)  [r2)      runs = spans (gaps between rows)
 * </pre>
 *
 * @param region the region planned (its equality is value equality: {@link Region} is sealed and its records compare
 *     by value)
 * @param spans the region's spans as {@link Region#spans} gives them: what windows show and exporters get
 * @param runs the maximal runs of adjacent spans, in order: what cache maintenance copies (the same bytes, fewer and
 *     longer copies)
 * @param bytes the bytes of all spans
 * @param start the first byte of the first span
 * @param end the end of the last span
 */
record SpanPlan(Region region, List<Span> spans, List<Span> runs, long bytes, long start, long end) {

    /**
     * Plans a region's spans.
     *
     * @param region the region
     * @param spans its spans on the buffer, in increasing order, not overlapping (what {@link Region#spans} returns)
     * @return the plan
     */
    static SpanPlan of(Region region, List<Span> spans) {
        long bytes = 0;
        int runCount = 0;
        long runEnd = -1;
        for (int i = 0, n = spans.size(); i < n; i++) {
            Span s = spans.get(i);
            bytes += s.length();
            if (s.offset() != runEnd) {
                runCount++;
            }
            runEnd = s.end();
        }
        List<Span> runs;
        if (runCount == spans.size()) {
            runs = spans;
        } else {
            List<Span> merged = new ArrayList<>(runCount);
            long at = spans.getFirst().offset();
            long end = spans.getFirst().end();
            for (int i = 1, n = spans.size(); i < n; i++) {
                Span s = spans.get(i);
                if (s.offset() == end) {
                    end = s.end();
                } else {
                    merged.add(new Span(at, end - at));
                    at = s.offset();
                    end = s.end();
                }
            }
            merged.add(new Span(at, end - at));
            runs = List.copyOf(merged);
        }
        return new SpanPlan(region, spans, runs, bytes, spans.getFirst().offset(), spans.getLast().end());
    }
}
