package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SystemExtension.class)
class DeviceIommuTest {
    private static final long KIB = 1024;

    @Test
    @DisplayName("DEV-1: DMA through a never-mapped address faults, naming the device, the address and the rule")
    void neverMappedAddressFaults(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dst = a.allocate(64);
            IommuFaultException e = assertFails(IommuFaultException.class, Rule.DEV_1,
                    () -> dev.dmaRead(0x1234_5000L, dst));
            assertTrue(e.getMessage().contains("'camera'") && e.getMessage().contains("0x12345000"), e::getMessage);
            assertEquals(1, dev.counters().faults());
        }
    }

    @Test
    @DisplayName("DEV-1, MAP-11: a DMA address kept after unmap faults, and nothing is read or written")
    void addressKeptAfterUnmapFaults(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(8 * KIB); Attachment att = buf.attach(dev);
                Arena a = Arena.ofConfined()) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            long addr = m.dmaAddress(0);
            MemorySegment src = a.allocate(16).fill((byte) 7);
            dev.dmaWrite(addr, src);
            att.unmapUnlocked(m);
            IommuFaultException e = assertFails(IommuFaultException.class, Rule.DEV_1, () -> dev.dmaWrite(addr, src));
            assertTrue(e.getMessage().contains("unmapped"), e::getMessage);
            MemorySegment dst = a.allocate(16);
            assertFails(IommuFaultException.class, Rule.DEV_1, () -> dev.dmaRead(addr, dst));
            assertEquals(0, dst.get(ValueLayout.JAVA_BYTE, 0), "a faulting read wrote into its destination");
            assertFalse(dev.isMapped(addr, 4096));
        }
    }

    @Test
    @DisplayName("DEV-1, MAP-9: a DMA address of one device faults on another device, naming the owner")
    void addressOfAnotherDeviceFaults(SimulatedSystem sys) {
        SimulatedDevice camera = sys.newDevice("camera").build();
        SimulatedDevice encoder = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(8 * KIB); Attachment a = buf.attach(camera);
                Attachment b = buf.attach(encoder); Arena arena = Arena.ofConfined()) {
            Mapping mc = a.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping me = b.mapUnlocked(Direction.BIDIRECTIONAL);
            long cameraAddress = mc.dmaAddress(0);
            IommuFaultException e = assertFails(IommuFaultException.class, Rule.DEV_1,
                    () -> encoder.dmaRead(cameraAddress, arena.allocate(16)));
            assertTrue(e.getMessage().contains("'encoder'") && e.getMessage().contains("'camera'"), e::getMessage);
            encoder.dmaRead(me.dmaAddress(0), arena.allocate(16));
            a.unmapUnlocked(mc);
            b.unmapUnlocked(me);
        }
    }

    @Test
    @DisplayName("DEV-2: each device has its own addresses for the same memory, and none is a native address")
    void addressSpacesAreDistinctAndNotNative(SimulatedSystem sys) {
        SimulatedDevice wide = sys.newDevice("wide").build();
        SimulatedDevice narrow = sys.newDevice("narrow").constraints(DmaConstraints.bits32()).build();
        SimulatedDevice narrow2 = sys.newDevice("narrow2").constraints(DmaConstraints.bits32()).build();
        try (DmaBuf buf = sys.systemHeap().allocate(1024 * KIB + 64 * KIB); Attachment a = buf.attach(wide);
                Attachment b = buf.attach(narrow); Attachment c = buf.attach(narrow2)) {
            Mapping ma = a.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mb = b.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mc = c.mapUnlocked(Direction.BIDIRECTIONAL);
            for (int i = 0; i < ma.entries().size(); i++) {
                SgEntry x = ma.entries().get(i);
                SgEntry y = mb.entries().get(i);
                SgEntry z = mc.entries().get(i);
                assertNotEquals(x.dmaAddress(), y.dmaAddress());
                assertNotEquals(y.dmaAddress(), z.dmaAddress());
                for (SgEntry e : List.of(x, y, z)) {
                    assertNotEquals(e.cpuSegment().address(), e.dmaAddress(), "a device address is a native one");
                }
                assertFalse(narrow.isMapped(y.dmaAddress(), 4096) && narrow2.isMapped(y.dmaAddress(), 4096));
            }
            assertTrue(Long.compareUnsigned(ma.dmaAddress(0), 1L << 63) >= 0,
                    "64-bit devices live in the upper half, where user-space native addresses never are");
            a.unmapUnlocked(ma);
            b.unmapUnlocked(mb);
            c.unmapUnlocked(mc);
        }
    }

    @Test
    @DisplayName("DEV-3, MAP-4: mappings honour the mask, the maximum segment size and the segment boundary")
    void mappingsHonourConstraints(SimulatedSystem sys) {
        DmaConstraints tight = DmaConstraints.bits32().withMaxSegmentSize(64 * KIB).withSegmentBoundary(128 * KIB);
        SimulatedDevice dev = sys.newDevice("tight").constraints(tight).build();
        try (DmaBuf buf = sys.systemHeap().allocate(2 * 1024 * KIB + 12 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            long total = 0;
            for (SgEntry e : m.entries()) {
                assertTrue(tight.admits(e.dmaAddress(), e.length()), () -> "entry " + e + " breaks " + tight);
                assertTrue(e.length() <= 64 * KIB);
                assertTrue(Long.compareUnsigned(e.dmaAddress() + e.length() - 1, 0xFFFF_FFFFL) <= 0);
                total += e.length();
            }
            assertEquals(buf.size(), total);
            assertEquals(32 + 3, m.entries().size(), "1 MiB chunks split into 64 KiB entries");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-3: device DMA mapping refuses memory it cannot reach (heap segments, unaligned chunks)")
    void mapPagesRefusesUnreachableMemory(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        assertFails(RuleViolationException.class, Rule.DEV_3,
                () -> dev.mapPages(List.of(MemorySegment.ofArray(new byte[4096])), Direction.TO_DEVICE));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(3 * 4096, 4096);
            assertFails(RuleViolationException.class, Rule.DEV_3,
                    () -> dev.mapPages(List.of(m.asSlice(100, 4096)), Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.DEV_3,
                    () -> dev.mapPages(List.of(m.asSlice(0, 100)), Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.DEV_3, () -> dev.mapPages(List.of(), Direction.TO_DEVICE));
        }
        assertEquals(0, dev.liveTranslations());
    }

    @Test
    @DisplayName("DEV-4: a device writes only through FROM_DEVICE/BIDIRECTIONAL and reads only through TO_DEVICE/BIDIRECTIONAL")
    void directionIsEnforced(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB); Attachment att = buf.attach(dev);
                Arena a = Arena.ofConfined()) {
            Mapping toDevice = att.mapUnlocked(Direction.TO_DEVICE);
            Mapping fromDevice = att.mapUnlocked(Direction.FROM_DEVICE);
            MemorySegment data = a.allocate(8).fill((byte) 9);
            assertFails(IommuFaultException.class, Rule.DEV_4, () -> dev.dmaWrite(toDevice.dmaAddress(0), data));
            assertFails(IommuFaultException.class, Rule.DEV_4, () -> dev.dmaRead(fromDevice.dmaAddress(0), data));
            dev.dmaWrite(fromDevice.dmaAddress(0), data);
            MemorySegment back = a.allocate(8);
            dev.dmaRead(toDevice.dmaAddress(0), back);
            assertEquals(9, back.get(ValueLayout.JAVA_BYTE, 7));
            att.unmapUnlocked(toDevice);
            att.unmapUnlocked(fromDevice);
        }
    }

    @Test
    @DisplayName("DEV-5: an access that runs past the end of a mapped range faults without touching memory")
    void accessPastTheEndFaultsWithoutWriting(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.contiguousHeap().allocate(8 * KIB); Attachment att = buf.attach(dev);
                Arena a = Arena.ofConfined()) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment data = a.allocate(8 * KIB + 16).fill((byte) 5);
            assertFails(IommuFaultException.class, Rule.DEV_5, () -> dev.dmaWrite(m.dmaAddress(0), data));
            try (CpuAccess w = buf.beginCpuAccess(Access.READ)) {
                assertEquals(0, w.segment().get(ValueLayout.JAVA_BYTE, 0), "the mapped part was written");
            }
            dev.dmaWrite(m.dmaAddress(4 * KIB), data.asSlice(0, 4 * KIB));
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-9: an exporter unmaps exactly the entries of one map call; anything else is refused")
    void unmapExactlyOneCallsEntries(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").constraints(DmaConstraints.NONE.withMaxSegmentSize(4096)).build();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mem = a.allocate(3 * 4096, 4096);
            List<SgEntry> one = dev.mapPages(List.of(mem), Direction.TO_DEVICE);
            List<SgEntry> two = dev.mapPages(List.of(mem), Direction.TO_DEVICE);
            assertEquals(6, dev.liveTranslations());
            assertFails(RuleViolationException.class, Rule.DEV_9, () -> dev.unmap(one.subList(0, 2)));
            assertFails(RuleViolationException.class, Rule.DEV_9, () -> dev.unmap(List.of(one.get(0), two.get(1),
                    two.get(2))));
            assertEquals(6, dev.liveTranslations(), "a refused unmap removed translations");
            dev.unmap(one);
            assertFails(RuleViolationException.class, Rule.DEV_9, () -> dev.unmap(one));
            dev.unmap(two);
            assertEquals(0, dev.liveTranslations());
        }
    }

    @Test
    @DisplayName("ATT-7: a closed (unplugged) device refuses attach, map and DMA; its mappings can still be undone")
    void closedDeviceRefusesNewWork(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB); Arena a = Arena.ofConfined()) {
            Attachment att = buf.attach(dev);
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            dev.close();
            assertFalse(dev.isOpen());
            assertFails(ClosedException.class, Rule.ATT_7, () -> buf.attach(dev));
            assertFails(ClosedException.class, Rule.ATT_7, () -> att.mapUnlocked(Direction.TO_DEVICE));
            assertFails(ClosedException.class, Rule.ATT_7, () -> dev.dmaRead(m.dmaAddress(0), a.allocate(8)));
            att.unmapUnlocked(m);
            att.close();
        }
    }

    @Test
    @DisplayName("DEV-7: closing a device runs its close hooks once (where engines end their jobs)")
    void closeHooksRunOnce(SimulatedSystem sys) {
        org.dmabuf4j.core.device.SimulatedDeviceImpl dev =
                (org.dmabuf4j.core.device.SimulatedDeviceImpl) sys.newDevice("dev").build();
        java.util.List<String> ran = new java.util.ArrayList<>();
        dev.onClose(() -> ran.add("first"));
        dev.onClose(() -> ran.add("second"));
        dev.close();
        dev.close();
        dev.onClose(() -> ran.add("late"));
        assertEquals(List.of("first", "second", "late"), ran);
    }
}
