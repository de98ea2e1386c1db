package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPU-9: the simulated write-back cache of buffers attached to non-coherent devices. A producer/consumer program that
 * follows the rules passes on coherent and non-coherent devices; one that skips end or begin reads stale bytes on a
 * non-coherent device, every time.
 */
@ExtendWith(SystemExtension.class)
class CoherencyTest {
    private static final int SIZE = 64 * 1024;

    private static SimulatedDevice device(SimulatedSystem sys, boolean coherent) {
        SimulatedDevice.Builder b = sys.newDevice(coherent ? "coherent" : "non-coherent");
        return (coherent ? b.coherent() : b.nonCoherent()).build();
    }

    private static byte deviceByte(SimulatedDevice dev, Mapping m, long offset) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dst = a.allocate(1);
            dev.dmaRead(m.dmaAddress(offset), dst);
            return dst.get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    private static void deviceWrite(SimulatedDevice dev, Mapping m, long offset, long length, byte value) {
        try (Arena a = Arena.ofConfined()) {
            dev.dmaWrite(m.dmaAddress(offset), a.allocate(length).fill(value));
        }
    }

    @ParameterizedTest(name = "coherent = {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("CPU-9: a producer/consumer program that syncs sees correct data on coherent and non-coherent devices")
    void syncingProgramIsCorrect(boolean coherent, SimulatedSystem sys) {
        SimulatedDevice dev = device(sys, coherent);
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            for (int round = 1; round <= 3; round++) {
                try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                    w.segment().fill((byte) round);
                }
                assertEquals((byte) round, deviceByte(dev, m, SIZE - 1), "the device missed the CPU's write");
                deviceWrite(dev, m, 0, SIZE, (byte) (round + 100));
                try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                    assertEquals((byte) (round + 100), r.segment().get(ValueLayout.JAVA_BYTE, 123),
                            "the CPU missed the device's write");
                }
            }
            att.unmapUnlocked(m);
        }
    }

    @ParameterizedTest(name = "coherent = {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("CPU-9: skipping end (close) of a CPU write leaves a non-coherent device reading stale bytes")
    void skippingEndIsStaleOnNonCoherentDevices(boolean coherent, SimulatedSystem sys) {
        SimulatedDevice dev = device(sys, coherent);
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            sys.setOwnershipPolicy(buf, OwnershipPolicy.RECORD);
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            CpuAccess w = buf.beginCpuAccess(Access.WRITE);
            w.segment().fill((byte) 0x5a);
            // the program forgets w.close() before the device reads
            byte seen = deviceByte(dev, m, 10);
            assertEquals(coherent ? (byte) 0x5a : 0, seen);
            assertEquals(Rule.CPU_11, sys.ownershipReports().getFirst().rule());
            w.close();
            assertEquals((byte) 0x5a, deviceByte(dev, m, 10), "close cleans the cache");
            att.unmapUnlocked(m);
        }
    }

    @ParameterizedTest(name = "coherent = {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("CPU-9: reading device output without a new begin leaves the CPU with stale bytes on a non-coherent device")
    void skippingBeginIsStaleOnNonCoherentDevices(boolean coherent, SimulatedSystem sys) {
        SimulatedDevice dev = device(sys, coherent);
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            sys.setOwnershipPolicy(buf, OwnershipPolicy.RECORD);
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            CpuAccess r = buf.beginCpuAccess(Access.READ);
            deviceWrite(dev, m, 0, SIZE, (byte) 0x33);
            // the program reads the device's output through the old window instead of beginning a new access
            assertEquals(coherent ? (byte) 0x33 : 0, r.segment().get(ValueLayout.JAVA_BYTE, 77));
            r.close();
            try (CpuAccess fresh = buf.beginCpuAccess(Access.READ)) {
                assertEquals((byte) 0x33, fresh.segment().get(ValueLayout.JAVA_BYTE, 77), "begin invalidates");
            }
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("CPU-9: a 10x10 region of a 1600x1200 RGBA buffer syncs exactly 400 bytes, and only those")
    void rectSyncsExactlyItsBytes(SimulatedSystem sys) {
        SimulatedDevice dev = device(sys, false);
        BufferLayout layout = BufferLayout.linear(1600, 1200, 4);
        try (DmaBuf buf = sys.systemHeap().allocate(layout); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            deviceWrite(dev, m, 0, buf.size(), (byte) 0x11);
            Region rect = Region.rect(800, 600, 10, 10);
            long before = sys.counters().bytesSynced();
            try (CpuAccess r = buf.beginCpuAccess(Access.READ, rect)) {
                assertEquals(400, sys.counters().bytesSynced() - before);
                assertEquals(0x11, r.row(9).get(ValueLayout.JAVA_BYTE, 39));
            }
            assertEquals(400, sys.counters().bytesSynced() - before, "closing a READ window cleaned");
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, rect)) {
                assertEquals(400, sys.counters().bytesSynced() - before, "beginning a WRITE window invalidated");
                for (MemorySegment row : w.segments()) {
                    row.fill((byte) 0x22);
                }
            }
            assertEquals(800, sys.counters().bytesSynced() - before);
            assertEquals(800, sys.counters().heap("system").bytesSynced());
            long stride = layout.stride();
            assertEquals(0x22, deviceByte(dev, m, 600 * stride + 800 * 4));
            assertEquals(0x22, deviceByte(dev, m, 609 * stride + 809 * 4 + 3));
            assertEquals(0x11, deviceByte(dev, m, 600 * stride + 800 * 4 - 1), "the clean wrote outside the rect");
            assertEquals(0x11, deviceByte(dev, m, 600 * stride + 810 * 4), "the clean wrote outside the rect");
            assertEquals(0x11, deviceByte(dev, m, 610 * stride + 800 * 4), "the clean wrote outside the rect");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("CPU-9: map for device reads cleans dirty lines; unmap after device writes invalidates the buffer")
    void mapAndUnmapDoTheDeviceDirectionMaintenance(SimulatedSystem sys) {
        SimulatedDevice dev = device(sys, false);
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            sys.setOwnershipPolicy(buf, OwnershipPolicy.RECORD);
            CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(0, 4096));
            w.segment().fill((byte) 9);
            Mapping toDevice = att.mapUnlocked(Direction.TO_DEVICE);
            assertEquals(9, deviceByte(dev, toDevice, 4095), "map TO_DEVICE did not clean the dirty lines");
            assertEquals(4096, dev.counters().bytesSynced());
            w.close();
            att.unmapUnlocked(toDevice);
            Mapping fromDevice = att.mapUnlocked(Direction.FROM_DEVICE);
            deviceWrite(dev, fromDevice, 0, SIZE, (byte) 4);
            long synced = dev.counters().bytesSynced();
            att.unmapUnlocked(fromDevice);
            assertEquals(synced + SIZE, dev.counters().bytesSynced(), "unmap FROM_DEVICE invalidates the buffer");
            assertTrue(sys.describeBuffers().contains("cpu-cache"), sys::describeBuffers);
        }
    }

    @Test
    @DisplayName("CPU-9: a WRITE window that writes part of its region leaves the rest as the device wrote it")
    void partialWriteKeepsTheDevicesBytes(SimulatedSystem sys) {
        SimulatedDevice dev = device(sys, false);
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            deviceWrite(dev, m, 0, SIZE, (byte) 0x11);
            long before = sys.counters().bytesSynced();
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                w.segment().asSlice(0, 100).fill((byte) 0x22);
            }
            assertEquals(SIZE, sys.counters().bytesSynced() - before, "a WRITE window syncs its region once, at end");
            assertEquals(0x22, deviceByte(dev, m, 99));
            assertEquals(0x11, deviceByte(dev, m, 100), "bytes the CPU did not write were overwritten at close");
            assertEquals(0x11, deviceByte(dev, m, SIZE - 1), "bytes the CPU did not write were overwritten at close");
            att.unmapUnlocked(m);
        }
    }
}
