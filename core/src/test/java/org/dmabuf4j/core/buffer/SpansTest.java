package org.dmabuf4j.core.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dmabuf4j.api.Span;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The span arithmetic SAFE-4's invalidate relies on (issue #10 item 2). */
class SpansTest {
    @Test
    @DisplayName("SAFE-4: Spans.minus cuts overlapping, touching and unsorted spans out of a list of spans")
    void differenceOfSpans() {
        Span a = new Span(0, 100);
        Span b = new Span(200, 50);
        List<Span> cut = List.of(new Span(90, 120), new Span(10, 10), new Span(15, 10));
        assertEquals(List.of(new Span(0, 10), new Span(25, 65), new Span(210, 40)), Spans.minus(List.of(a, b), cut));
        assertEquals(List.of(), Spans.minus(List.of(a), List.of(a)));
        assertEquals(List.of(a), Spans.minus(List.of(a), List.of(new Span(100, 10))), "touching spans cut nothing");
    }
}
