package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BufferLayoutTest {
    @Test
    void aLinearLayoutHasNoPadding() {
        BufferLayout l = BufferLayout.linear(1600, 1200, 4);
        assertEquals(6400, l.stride());
        assertEquals(6400L * 1200, l.minimumSize());
        assertEquals(6400, l.rowBytes());
        assertTrue(!l.isTiled());
    }

    @Test
    @DisplayName("CPU-7: a tiled layout rounds the stride to tiles and the height to tile rows")
    void aTiledLayoutPadsToWholeTiles() {
        BufferLayout l = BufferLayout.tiled(100, 40, 4, new Tiling.Tiled(128, 32));
        assertEquals(512, l.stride());
        assertEquals(512L * 64, l.minimumSize());
        assertTrue(l.isTiled());
    }

    @Test
    @DisplayName("CPU-7: impossible layouts are refused with the reason")
    void badLayoutsAreRefused() {
        assertThrows(RuleViolationException.class, () -> BufferLayout.linear(0, 1, 4));
        assertThrows(RuleViolationException.class, () -> BufferLayout.linear(1, -1, 4));
        assertThrows(RuleViolationException.class, () -> BufferLayout.linear(1, 1, 0));
        assertThrows(RuleViolationException.class, () -> BufferLayout.linear(1, 1, 17));
        var stride = assertThrows(RuleViolationException.class, () -> new BufferLayout(10, 10, 39, 4, Tiling.LINEAR));
        assertTrue(stride.getMessage().contains("stride 39"), stride.getMessage());
        assertThrows(RuleViolationException.class, () -> new BufferLayout(10, 10, 40, 4, null));
        assertThrows(RuleViolationException.class, () -> new BufferLayout(10, 10, 200, 4, new Tiling.Tiled(128, 32)));
        assertThrows(RuleViolationException.class,
                () -> new BufferLayout(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE / 2, 4, Tiling.LINEAR));
    }

    @Test
    @DisplayName("CPU-7: tiles are positive powers of two")
    void tileShapesArePowersOfTwo() {
        assertThrows(RuleViolationException.class, () -> new Tiling.Tiled(100, 32));
        assertThrows(RuleViolationException.class, () -> new Tiling.Tiled(128, 0));
        assertThrows(RuleViolationException.class, () -> new Tiling.Tiled(-128, 32));
        assertEquals(4096, new Tiling.Tiled(128, 32).tileBytes());
    }
}
