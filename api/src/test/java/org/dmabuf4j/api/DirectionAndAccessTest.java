package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DirectionAndAccessTest {
    @Test
    void directionsCarryTheKernelValues() {
        assertEquals(0, Direction.BIDIRECTIONAL.kernelValue());
        assertEquals(1, Direction.TO_DEVICE.kernelValue());
        assertEquals(2, Direction.FROM_DEVICE.kernelValue());
        for (Direction d : Direction.values()) {
            assertEquals(d, Direction.ofKernelValue(d.kernelValue()));
        }
        var none = assertThrows(RuleViolationException.class, () -> Direction.ofKernelValue(3));
        assertTrue(none.getMessage().startsWith("[MAP-10]"), none.getMessage());
    }

    @Test
    @DisplayName("DEV-4: devices read through TO_DEVICE and write through FROM_DEVICE mappings")
    void directionsSayWhatADeviceMayDo() {
        assertTrue(Direction.TO_DEVICE.allowsDeviceRead());
        assertFalse(Direction.TO_DEVICE.allowsDeviceWrite());
        assertTrue(Direction.FROM_DEVICE.allowsDeviceWrite());
        assertFalse(Direction.FROM_DEVICE.allowsDeviceRead());
        assertTrue(Direction.BIDIRECTIONAL.allowsDeviceRead() && Direction.BIDIRECTIONAL.allowsDeviceWrite());
    }

    @Test
    @DisplayName("MAP-7: a cached BIDIRECTIONAL mapping covers every direction, others only their own")
    void bidirectionalCoversAll() {
        for (Direction d : Direction.values()) {
            assertTrue(Direction.BIDIRECTIONAL.covers(d));
        }
        assertFalse(Direction.TO_DEVICE.covers(Direction.FROM_DEVICE));
        assertFalse(Direction.TO_DEVICE.covers(Direction.BIDIRECTIONAL));
        assertTrue(Direction.TO_DEVICE.covers(Direction.TO_DEVICE));
        assertThrows(RuleViolationException.class, () -> Direction.TO_DEVICE.covers(null));
    }

    @Test
    @DisplayName("CPU-13: sync flags decode to accesses, END is allowed")
    void syncFlagsDecode() {
        assertEquals(Access.READ, Access.ofSyncFlags(1));
        assertEquals(Access.WRITE, Access.ofSyncFlags(2));
        assertEquals(Access.READ_WRITE, Access.ofSyncFlags(3));
        assertEquals(Access.READ_WRITE, Access.ofSyncFlags(3 | Access.SYNC_END));
        for (Access a : Access.values()) {
            assertEquals(a, Access.ofSyncFlags(a.syncFlags()));
        }
    }

    @Test
    @DisplayName("CPU-13: sync flags without READ or WRITE, or with unknown bits, are refused")
    void badSyncFlagsAreRefused() {
        var none = assertThrows(RuleViolationException.class, () -> Access.ofSyncFlags(0));
        assertEquals(Rule.CPU_13, none.rule());
        assertThrows(RuleViolationException.class, () -> Access.ofSyncFlags(Access.SYNC_END));
        var unknown = assertThrows(RuleViolationException.class, () -> Access.ofSyncFlags(8 | 1));
        assertTrue(unknown.getMessage().contains("0x8"), unknown.getMessage());
        assertThrows(RuleViolationException.class, () -> Access.ofSyncFlags(-1));
    }

    @Test
    @DisplayName("CPU-2, SYNC-5: readers wait for WRITE usage, writers for READ usage")
    void accessesMapToUsagesAsDmaResvUsageRw() {
        assertEquals(FenceUsage.WRITE, Access.READ.waitUsage());
        assertEquals(FenceUsage.READ, Access.WRITE.waitUsage());
        assertEquals(FenceUsage.READ, Access.READ_WRITE.waitUsage());
        assertEquals(Direction.FROM_DEVICE, Access.READ.direction());
        assertEquals(Direction.TO_DEVICE, Access.WRITE.direction());
        assertEquals(Direction.BIDIRECTIONAL, Access.READ_WRITE.direction());
    }

    @Test
    @DisplayName("SYNC-6: imported fences are WRITE for writers, READ otherwise")
    void importUsages() {
        assertEquals(FenceUsage.READ, Access.READ.importUsage());
        assertEquals(FenceUsage.WRITE, Access.WRITE.importUsage());
        assertEquals(FenceUsage.WRITE, Access.READ_WRITE.importUsage());
    }

    @Test
    @DisplayName("RESV-9: a query at U covers U and every stronger usage")
    void usageQueriesCoverStrongerUsages() {
        assertTrue(FenceUsage.WRITE.covers(FenceUsage.KERNEL));
        assertTrue(FenceUsage.WRITE.covers(FenceUsage.WRITE));
        assertFalse(FenceUsage.WRITE.covers(FenceUsage.READ));
        for (FenceUsage u : FenceUsage.values()) {
            assertTrue(FenceUsage.BOOKKEEP.covers(u));
        }
        assertFalse(FenceUsage.KERNEL.covers(FenceUsage.BOOKKEEP));
    }

    @Test
    @DisplayName("RESV-3: promotion keeps the stronger usage")
    void strongestKeepsTheStrongerUsage() {
        assertEquals(FenceUsage.READ, FenceUsage.strongest(FenceUsage.BOOKKEEP, FenceUsage.READ));
        assertEquals(FenceUsage.KERNEL, FenceUsage.strongest(FenceUsage.KERNEL, FenceUsage.WRITE));
        assertEquals("bookkeep", FenceUsage.BOOKKEEP.kernelName());
    }
}
