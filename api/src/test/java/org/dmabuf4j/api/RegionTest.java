package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RegionTest {
    private static final BufferLayout FULL_HD = BufferLayout.linear(1600, 1200, 4);
    private static final long SIZE = FULL_HD.minimumSize();

    @Test
    @DisplayName("CPU-3: a 10x10 rect of a 1600x1200x4 layout is ten 40-byte rows, stride apart")
    void aRectResolvesToOneSpanPerRow() {
        List<Span> spans = Region.rect(100, 200, 10, 10).spans(SIZE, Optional.of(FULL_HD));
        assertEquals(10, spans.size());
        for (int r = 0; r < 10; r++) {
            assertEquals(new Span((200L + r) * 6400 + 400, 40), spans.get(r));
        }
        assertEquals(400, Region.rect(100, 200, 10, 10).byteCount(SIZE, Optional.of(FULL_HD)));
    }

    @Test
    @DisplayName("CPU-3: a rect honours a padded stride")
    void aRectUsesTheStrideNotTheRowWidth() {
        BufferLayout padded = new BufferLayout(10, 4, 64, 2, Tiling.LINEAR);
        List<Span> spans = Region.rect(1, 1, 3, 2).spans(padded.minimumSize(), Optional.of(padded));
        assertEquals(List.of(new Span(64 + 2, 6), new Span(128 + 2, 6)), spans);
    }

    @Test
    @DisplayName("CPU-7: a rect that crosses the right or bottom edge is refused")
    void aRectOutsideTheLayoutIsRefused() {
        var right = assertThrows(RuleViolationException.class,
                () -> Region.rect(1595, 0, 10, 10).spans(SIZE, Optional.of(FULL_HD)));
        assertEquals(Rule.CPU_7, right.rule());
        assertTrue(right.getMessage().contains("1600x1200"), right.getMessage());
        assertThrows(RuleViolationException.class, () -> Region.rect(0, 1195, 10, 10).spans(SIZE, Optional.of(FULL_HD)));
    }

    @Test
    @DisplayName("CPU-7: a rect on a buffer without a layout is refused with advice")
    void aRectWithoutALayoutIsRefused() {
        var e = assertThrows(RuleViolationException.class, () -> Region.rect(0, 0, 1, 1).spans(4096, Optional.empty()));
        assertTrue(e.getMessage().contains("BufferLayout"), e.getMessage());
    }

    @Test
    @DisplayName("CPU-7: a rect whose layout does not fit the buffer is refused")
    void aRectOnATooSmallBufferIsRefused() {
        assertThrows(RuleViolationException.class, () -> Region.rect(0, 0, 1, 1).spans(4096, Optional.of(FULL_HD)));
    }

    @Test
    @DisplayName("CPU-7: negative origins and empty sizes are refused when the region is made")
    void negativeAndEmptyRectsAreRefused() {
        assertThrows(RuleViolationException.class, () -> Region.rect(-1, 0, 1, 1));
        assertThrows(RuleViolationException.class, () -> Region.rect(0, -1, 1, 1));
        assertThrows(RuleViolationException.class, () -> Region.rect(0, 0, 0, 1));
        assertThrows(RuleViolationException.class, () -> Region.rect(0, 0, 1, -5));
    }

    @Test
    @DisplayName("CPU-7: ranges must be non-negative, non-empty, within the buffer and not overflow")
    void badRangesAreRefused() {
        assertThrows(RuleViolationException.class, () -> Region.range(-1, 10));
        assertThrows(RuleViolationException.class, () -> Region.range(0, 0));
        assertThrows(RuleViolationException.class, () -> Region.range(Long.MAX_VALUE, 2));
        var e = assertThrows(RuleViolationException.class, () -> Region.range(4000, 100).spans(4096, Optional.empty()));
        assertTrue(e.getMessage().contains("4100") && e.getMessage().contains("4096"), e.getMessage());
        assertEquals(List.of(new Span(4000, 96)), Region.range(4000, 96).spans(4096, Optional.empty()));
    }

    @Test
    @DisplayName("CPU-3: the whole region is one span of the buffer's size")
    void wholeIsOneSpan() {
        assertEquals(List.of(new Span(0, 8192)), Region.whole().spans(8192, Optional.empty()));
        assertThrows(RuleViolationException.class, () -> Region.whole().spans(0, Optional.empty()));
    }

    @Test
    @DisplayName("CPU-7: a null layout optional is refused, not dereferenced")
    void aNullLayoutOptionalIsRefused() {
        assertThrows(RuleViolationException.class, () -> Region.rect(0, 0, 1, 1).spans(4096, null));
    }

    @Test
    void spansKnowWhetherTheyOverlap() {
        assertTrue(new Span(0, 10).overlaps(new Span(9, 1)));
        assertTrue(!new Span(0, 10).overlaps(new Span(10, 1)));
    }
}
