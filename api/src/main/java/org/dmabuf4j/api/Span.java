package org.dmabuf4j.api;

/**
 * A run of bytes of a buffer's linear (CPU-visible) layout: what a {@link Region} resolves to.
 *
 * @param offset the first byte, from the start of the buffer; not negative
 * @param length the number of bytes; positive
 */
public record Span(long offset, long length) {
    /**
     * Validates the span.
     *
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) if offset is negative, length not positive, or their
     *     sum overflows
     */
    public Span {
        Check.notNegative(offset, Rule.CPU_7, "span offset");
        Check.positive(length, Rule.CPU_7, "span length");
        if (offset + length < 0) {
            throw new RuleViolationException(Rule.CPU_7, "span " + offset + "+" + length + " overflows a long");
        }
    }

    /**
     * The first byte after the span.
     *
     * @return {@code offset + length}
     */
    public long end() {
        return offset + length;
    }

    /**
     * Whether this span shares at least one byte with another.
     *
     * @param other a span; not null
     * @return true if they overlap
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) if {@code other} is null
     */
    public boolean overlaps(Span other) {
        Check.notNull(other, Rule.CPU_7, "span to compare with " + this);
        return offset < other.end() && other.offset < end();
    }
}
