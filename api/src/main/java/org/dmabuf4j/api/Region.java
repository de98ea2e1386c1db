package org.dmabuf4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The part of a buffer a CPU access covers: the whole buffer, a 1-D byte range, or a 2-D rectangle of pixels.
 *
 * <p>The kernel syncs whole buffers only; 2-D and range syncs were dropped from the original patch (the dri-devel
 * thread "about mmap dma-buf and sync", 2015). In dmabuf4j a sync costs in proportion to its region
 * ({@link Rule#CPU_9 CPU-9}), and the window exposes exactly the region ({@link Rule#CPU_3 CPU-3}):
 *
 * <pre>
 *   Rect(x=2, y=1, width=3, height=2) on a layout of stride S, 4 bytes per pixel:
 *
 *        x: 0  1  2  3  4  5
 *   y=0   .  .  .  .  .  .       span 0 = [1*S + 2*4, +3*4)
 *   y=1   .  .  #  #  #  .       span 1 = [2*S + 2*4, +3*4)
 *   y=2   .  .  #  #  #  .       window: row(0) and row(1), 12 bytes each, nothing between them
 * </pre>
 */
public sealed interface Region {
    /** The whole buffer. */
    Region WHOLE = new Whole();

    /**
     * The whole buffer.
     *
     * @return {@link #WHOLE}
     */
    static Region whole() {
        return WHOLE;
    }

    /**
     * A 1-D byte range.
     *
     * @param offset first byte; not negative
     * @param length bytes; positive
     * @return the region
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a negative offset, non-positive length or overflow
     */
    static Region range(long offset, long length) {
        return new Range(offset, length);
    }

    /**
     * A 2-D rectangle of pixels.
     *
     * @param x left column; not negative
     * @param y top row; not negative
     * @param width columns; positive
     * @param height rows; positive
     * @return the region
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a negative origin or a non-positive size
     */
    static Region rect(int x, int y, int width, int height) {
        return new Rect(x, y, width, height);
    }

    /**
     * An explicit list of byte spans: what an image's per-plane windows use for a plane that shares its buffer with
     * other planes, or whose rows are stored in tiles ({@link Rule#FMT_9 FMT-9}). One window segment per span, as a 2-D
     * window has one per row.
     *
     * @param spans the spans, in increasing offset order, not overlapping (adjacent is fine); not null, not empty
     * @return the region
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a null or empty list, a null span, or spans out of
     *     order or overlapping
     */
    static Region spans(List<Span> spans) {
        return new Spans(spans);
    }

    /**
     * Resolves the region to the byte spans it covers in the buffer's linear layout, in increasing offset order.
     *
     * @param bufferSize the buffer's size in bytes; positive
     * @param layout the buffer's layout, or empty for a buffer without one; not null
     * @return the spans: one for WHOLE and Range, one per row for Rect; never empty
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) if the region does not lie within the buffer, or is a
     *     Rect and there is no layout
     */
    List<Span> spans(long bufferSize, Optional<BufferLayout> layout);

    /**
     * The number of bytes the region covers.
     *
     * @param bufferSize the buffer's size in bytes; positive
     * @param layout the buffer's layout, or empty
     * @return the sum of the lengths of {@link #spans(long, Optional)}
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) as {@link #spans(long, Optional)}
     */
    default long byteCount(long bufferSize, Optional<BufferLayout> layout) {
        long n = 0;
        for (Span s : spans(bufferSize, layout)) {
            n += s.length();
        }
        return n;
    }

    /** The whole buffer. */
    record Whole() implements Region {
        @Override
        public List<Span> spans(long bufferSize, Optional<BufferLayout> layout) {
            Check.positive(bufferSize, Rule.CPU_7, "buffer size");
            Check.notNull(layout, Rule.CPU_7, "layout (use Optional.empty())");
            return List.of(new Span(0, bufferSize));
        }
    }

    /**
     * A 1-D byte range.
     *
     * @param offset first byte; not negative
     * @param length bytes; positive
     */
    record Range(long offset, long length) implements Region {
        /**
         * Validates the range on its own; {@link #spans} checks it against the buffer.
         *
         * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a negative offset, non-positive length or
         *     overflow
         */
        public Range {
            new Span(offset, length);
        }

        @Override
        public List<Span> spans(long bufferSize, Optional<BufferLayout> layout) {
            Check.positive(bufferSize, Rule.CPU_7, "buffer size");
            Check.notNull(layout, Rule.CPU_7, "layout (use Optional.empty())");
            if (offset + length > bufferSize) {
                throw new RuleViolationException(Rule.CPU_7, "range [" + offset + ", " + (offset + length)
                        + ") ends past the buffer's " + bufferSize + " bytes");
            }
            return List.of(new Span(offset, length));
        }
    }

    /**
     * An explicit list of byte spans, in increasing order and not overlapping.
     *
     * @param list the spans
     */
    record Spans(List<Span> list) implements Region {
        /**
         * Validates the spans on their own; {@link #spans} checks them against the buffer.
         *
         * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a null or empty list, a null span, or spans out
         *     of order or overlapping
         */
        public Spans {
            Check.notNull(list, Rule.CPU_7, "span list");
            if (list.isEmpty()) {
                throw new RuleViolationException(Rule.CPU_7, "an empty span list: a region covers at least one byte");
            }
            for (Span s : list) {
                Check.notNull(s, Rule.CPU_7, "a span of the list");
            }
            list = List.copyOf(list);
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i).offset() < list.get(i - 1).end()) {
                    throw new RuleViolationException(Rule.CPU_7, "span " + i + " " + list.get(i) + " starts before"
                            + " span " + (i - 1) + " " + list.get(i - 1) + " ends: list spans in increasing order,"
                            + " without overlap");
                }
            }
        }

        @Override
        public List<Span> spans(long bufferSize, Optional<BufferLayout> layout) {
            Check.positive(bufferSize, Rule.CPU_7, "buffer size");
            Check.notNull(layout, Rule.CPU_7, "layout (use Optional.empty())");
            Span last = list.getLast();
            if (last.end() > bufferSize) {
                throw new RuleViolationException(Rule.CPU_7, "span " + last + " ends past the buffer's " + bufferSize
                        + " bytes");
            }
            return list;
        }

        /**
         * A short description: the count and the range the spans lie in.
         *
         * @return for example {@code Spans[540 in [2073600, 3110400)]}
         */
        @Override
        public String toString() {
            return list.size() == 1 ? "Spans[" + list.getFirst() + "]" : "Spans[" + list.size() + " in ["
                    + list.getFirst().offset() + ", " + list.getLast().end() + ")]";
        }
    }

    /**
     * A rectangle of pixels; needs a {@link BufferLayout}.
     *
     * @param x left column; not negative
     * @param y top row; not negative
     * @param width columns; positive
     * @param height rows; positive
     */
    record Rect(int x, int y, int width, int height) implements Region {
        /**
         * Validates the rectangle on its own; {@link #spans} checks it against the layout.
         *
         * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a negative origin or a non-positive size
         */
        public Rect {
            Check.notNegative(x, Rule.CPU_7, "rect x");
            Check.notNegative(y, Rule.CPU_7, "rect y");
            Check.positive(width, Rule.CPU_7, "rect width");
            Check.positive(height, Rule.CPU_7, "rect height");
        }

        @Override
        public List<Span> spans(long bufferSize, Optional<BufferLayout> layout) {
            Check.positive(bufferSize, Rule.CPU_7, "buffer size");
            BufferLayout l = Check.notNull(layout, Rule.CPU_7, "layout").orElseThrow(() ->
                    new RuleViolationException(Rule.CPU_7, "a 2-D region " + this
                            + " needs a buffer with a layout; export or allocate it with a BufferLayout"));
            if ((long) x + width > l.width() || (long) y + height > l.height()) {
                throw new RuleViolationException(Rule.CPU_7, "rect " + width + "x" + height + " at (" + x + ", " + y
                        + ") does not fit the " + l.width() + "x" + l.height() + " layout");
            }
            if (l.minimumSize() > bufferSize) {
                throw new RuleViolationException(Rule.CPU_7, "layout needs " + l.minimumSize()
                        + " bytes but the buffer has " + bufferSize);
            }
            List<Span> rows = new ArrayList<>(height);
            long rowBytes = (long) width * l.bytesPerPixel();
            for (int r = 0; r < height; r++) {
                rows.add(new Span((long) (y + r) * l.stride() + (long) x * l.bytesPerPixel(), rowBytes));
            }
            return List.copyOf(rows);
        }
    }
}
