package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DmaConstraintsTest {
    @Test
    @DisplayName("MAP-4: a 32-bit device admits entries below 4 GiB only")
    void theMaskLimitsAddresses() {
        DmaConstraints c = DmaConstraints.bits32();
        assertEquals(0xFFFF_FFFFL, c.dmaMask());
        assertTrue(c.admits(0xFFFF_F000L, 4096));
        assertFalse(c.admits(0xFFFF_F000L, 8192));
        assertFalse(c.admits(0x1_0000_0000L, 4096));
        assertEquals(-1L, DmaConstraints.NONE.dmaMask());
    }

    @Test
    @DisplayName("MAP-4: entries are no longer than the max segment size and cross no boundary")
    void segmentSizeAndBoundary() {
        DmaConstraints c = DmaConstraints.NONE.withMaxSegmentSize(65536).withSegmentBoundary(1 << 20);
        assertTrue(c.admits(0, 65536));
        assertFalse(c.admits(0, 65536 + 4096));
        assertFalse(c.admits((1 << 20) - 4096, 8192));
        assertTrue(c.admits(1 << 20, 8192));
        assertFalse(c.admits(0, 0));
        assertFalse(DmaConstraints.NONE.admits(-4096, 8192));
    }

    @Test
    @DisplayName("DEV-3: impossible constraints are refused")
    void badConstraintsAreRefused() {
        assertThrows(RuleViolationException.class, () -> new DmaConstraints(11, 4096, 0));
        assertThrows(RuleViolationException.class, () -> new DmaConstraints(65, 4096, 0));
        assertThrows(RuleViolationException.class, () -> new DmaConstraints(32, 1000, 0));
        assertThrows(RuleViolationException.class, () -> new DmaConstraints(32, 0, 0));
        assertThrows(RuleViolationException.class, () -> new DmaConstraints(32, 4096, 3 * 4096));
        assertThrows(RuleViolationException.class, () -> new DmaConstraints(32, 4096, 2048));
    }
}
