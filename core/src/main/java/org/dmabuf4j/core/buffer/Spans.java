package org.dmabuf4j.core.buffer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dmabuf4j.api.Span;

/** Byte-range arithmetic over spans, for cache maintenance that must skip dirty lines (SAFE-4). */
final class Spans {
    private Spans() {
    }

    /**
     * The bytes of {@code from} outside every span of {@code cut}, in increasing order.
     *
     * <pre>
     *   from:   [=========)      [=====)
     *   cut:       [==)   [=========)
     *   result: [==)  [==)          [==)
     * </pre>
     *
     * @param from spans in increasing order, not overlapping
     * @param cut spans in any order, possibly overlapping
     * @return the difference; empty if nothing is left
     */
    static List<Span> minus(List<Span> from, List<Span> cut) {
        List<Span> sorted = new ArrayList<>(cut);
        sorted.sort(Comparator.comparingLong(Span::offset));
        List<Span> out = new ArrayList<>();
        for (Span f : from) {
            long at = f.offset();
            long end = f.end();
            for (Span c : sorted) {
                if (c.end() <= at) {
                    continue;
                }
                if (c.offset() >= end) {
                    break;
                }
                if (c.offset() > at) {
                    out.add(new Span(at, c.offset() - at));
                }
                at = Math.max(at, c.end());
                if (at >= end) {
                    break;
                }
            }
            if (at < end) {
                out.add(new Span(at, end - at));
            }
        }
        return out;
    }
}
