package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.MIB;
import static org.dmabuf4j.core.MoveFixtures.assertCpuSees;
import static org.dmabuf4j.core.MoveFixtures.cpuWrite;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The device-memory heap itself: its heap rules, registration, and CPU access through staging copies. */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class DeviceMemoryTest {
    @Test
    @DisplayName("HEAP-1: device memory is zeroed even right after a previous buffer filled it with 0xff")
    void deviceMemoryIsZeroedOnReuse(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 64 * KIB);
        DeviceMemory vram = gpu.localMemory();
        byte[] ones = new byte[(int) (64 * KIB)];
        java.util.Arrays.fill(ones, (byte) 0xff);
        try (DmaBuf first = vram.allocate(64 * KIB)) {
            cpuWrite(first, 0, ones);
        }
        try (DmaBuf second = vram.allocate(64 * KIB)) {
            assertTrue(vram.isResident(second));
            assertCpuSees(second, 0, new byte[ones.length]);
        }
    }

    @Test
    @DisplayName("HEAP-2, HEAP-3, HEAP-4: sizes are page-rounded; bad and over-capacity sizes, unknown flags refused")
    void badAllocationsAreRefused(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 64 * KIB);
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf b = vram.allocate(5000)) {
            assertEquals(8192, b.size());
            assertEquals("vram@gpu", b.exporterName());
        }
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> vram.allocate(0));
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> vram.allocate(-4096));
        assertFails(HeapExhaustedException.class, Rule.HEAP_3, () -> vram.allocate(128 * KIB));
        assertFails(RuleViolationException.class, Rule.HEAP_4, () -> vram.allocate(4096, 0x10));
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> vram.allocate((BufferLayout) null));
        assertEquals(0, vram.liveBytes());
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> sys.newDevice("x").localMemory(1000));
    }

    @Test
    @DisplayName("P2P-1: a device without local memory has none to offer; one with it registers heap vram@<name>")
    void localMemoryIsAHeapOfTheSystem(SimulatedSystem sys) {
        SimulatedDevice plain = sys.newDevice("plain").build();
        assertFails(UnsupportedFeatureException.class, Rule.P2P_1, plain::localMemory);
        SimulatedDevice gpu = gpu(sys, 64 * KIB);
        assertSame(gpu.localMemory(), sys.heap("vram@gpu"));
        assertTrue(sys.heaps().contains(gpu.localMemory()));
        assertSame(gpu, gpu.localMemory().device());
        assertEquals(64 * KIB, gpu.localMemory().capacity());
        try (DmaBuf b = gpu.localMemory().allocate(4096); DmaBuf other = sys.systemHeap().allocate(4096)) {
            assertEquals(1, sys.counters().heap("vram@gpu").liveBuffers());
            assertTrue(sys.describeBuffers().contains("vram@gpu"), sys::describeBuffers);
            assertFails(RuleViolationException.class, Rule.P2P_1, () -> gpu.localMemory().isResident(other));
        }
    }

    @Test
    @DisplayName("CPU-9: CPU access to device memory goes through staging copies of the window's region only")
    void cpuAccessStagesTheRegionOnly(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 16 * MIB);
        DeviceMemory vram = gpu.localMemory();
        BufferLayout layout = BufferLayout.linear(1600, 1200, 4);
        try (DmaBuf img = vram.allocate(layout)) {
            long synced = sys.counters().heap("vram@gpu").bytesSynced();
            byte[] row = pattern(40, 7);
            try (CpuAccess w = img.beginCpuAccess(Access.READ_WRITE, Region.rect(100, 200, 10, 10))) {
                for (int r = 0; r < w.rowCount(); r++) {
                    MemorySegment.copy(MemorySegment.ofArray(row), 0, w.row(r), 0, row.length);
                }
            }
            assertEquals(2 * 400, sys.counters().heap("vram@gpu").bytesSynced() - synced,
                    "400 bytes in at begin, 400 back at close");
            assertEquals(img.size(), vram.counters().stagingBytes());
            try (CpuAccess w = img.beginCpuAccess(Access.READ, Region.rect(100, 209, 10, 1))) {
                assertArrayEquals(row, w.row(0).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        assertEquals(0, vram.counters().stagingBytes());
    }

    @Test
    @DisplayName("CPU-3: overlapping windows see one CPU memory: the second sees the first's unwritten-back bytes")
    void overlappingWindowsShareTheStagingCopy(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 1 * MIB);
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            byte[] data = pattern(100, 3);
            try (CpuAccess a = buf.beginCpuAccess(Access.WRITE, Region.range(0, 200))) {
                MemorySegment.copy(MemorySegment.ofArray(data), 0, a.segment(), 50, data.length);
                try (CpuAccess b = buf.beginCpuAccess(Access.READ, Region.range(100, 200))) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, 50, 100),
                            b.segment().asSlice(0, 50).toArray(ValueLayout.JAVA_BYTE));
                }
            }
            assertCpuSees(buf, 50, data);
        }
    }

    @Test
    @DisplayName("HEAP-5: device memory and staging return when the last handle closes; live native bytes fall to 0")
    void memoryReturnsWithTheLastHandle(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 1 * MIB);
        DmaBuf a = gpu.localMemory().allocate(64 * KIB);
        DmaBuf shared = a.share();
        cpuWrite(a, 0, pattern(10, 1));
        a.close();
        assertTrue(sys.liveNativeBytes() >= 2 * 64 * KIB, "memory and staging live while a handle is open");
        assertEquals(64 * KIB, gpu.localMemory().counters().residentBytes());
        shared.close();
        assertEquals(0, sys.liveNativeBytes());
        assertEquals(0, gpu.localMemory().counters().residentBytes());
        assertFalse(sys.liveBufferIds().contains(a.id()));
    }
}
