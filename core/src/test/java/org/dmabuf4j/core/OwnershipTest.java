package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.core.device.DeviceAccess;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seed 000: the CPU and a device, or two writers of different coherency domains, on the same bytes at once. */
@ExtendWith(SystemExtension.class)
class OwnershipTest {
    private static final int SIZE = 16 * 1024;

    @Test
    @DisplayName("CPU-11: a device access to bytes under an open CPU write window fails and touches nothing")
    void deviceAccessUnderAWriteWindowFails(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Arena a = Arena.ofConfined()) {
            buf.setName("frame");
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(4096, 4096))) {
                MemorySegment data = a.allocate(100).fill((byte) 1);
                OwnershipViolationException e = assertFails(OwnershipViolationException.class, Rule.CPU_11,
                        () -> dev.dmaWrite(m.dmaAddress(4000), data));
                assertTrue(e.getMessage().contains("'camera'") && e.getMessage().contains("'frame'"), e::getMessage);
                assertEquals(0, w.segment().get(ValueLayout.JAVA_BYTE, 0), "the refused DMA wrote");
                assertFails(OwnershipViolationException.class, Rule.CPU_11,
                        () -> dev.dmaRead(m.dmaAddress(8000), a.allocate(200)));
                dev.dmaWrite(m.dmaAddress(0), data);
                dev.dmaRead(m.dmaAddress(8192), a.allocate(100));
            }
            dev.dmaWrite(m.dmaAddress(4000), a.allocate(100));
            assertEquals(2, sys.counters().ownershipViolations());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("CPU-11: beginning a CPU window over bytes a device is accessing fails and opens nothing")
    void windowOverADeviceAccessFails(SimulatedSystem sys) {
        SimulatedDeviceImpl dev = (SimulatedDeviceImpl) sys.newDevice("encoder").build();
        TestExporter exp = new TestExporter(SIZE);
        try (DmaBuf buf = sys.export(ExportInfo.of("t", SIZE, exp)).handle(); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            try (DeviceAccess reading = dev.access(m.dmaAddress(0), 8192, false)) {
                assertFails(OwnershipViolationException.class, Rule.CPU_11,
                        () -> buf.beginCpuAccess(Access.WRITE, Region.range(8000, 100)));
                assertEquals(List.of(), exp.callsStartingWith("begin"), "a refused begin reached the exporter");
                try (CpuAccess r = buf.beginCpuAccess(Access.READ, Region.range(0, 100))) {
                    assertEquals(100, r.byteSize());
                }
                try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(8192, 100))) {
                    assertEquals(100, w.byteSize());
                }
                assertEquals(8192, reading.length());
            }
            buf.beginCpuAccess(Access.WRITE, Region.range(8000, 100)).close();
            att.unmapUnlocked(m);
        }
    }

    @Test
    @SystemSettings(policy = OwnershipPolicy.RECORD)
    @DisplayName("CPU-11: under RECORD a violation is kept in the reports and the access goes ahead")
    void recordPolicyKeepsReports(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Arena a = Arena.ofConfined()) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                dev.dmaWrite(m.dmaAddress(0), a.allocate(8).fill((byte) 3));
                assertEquals(3, w.segment().get(ValueLayout.JAVA_BYTE, 0));
            }
            assertEquals(1, sys.ownershipReports().size());
            assertEquals(Rule.CPU_11, sys.ownershipReports().getFirst().rule());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @SystemSettings(policy = OwnershipPolicy.RECORD)
    @DisplayName("CPU-11: an ownership report names the window's region and its segment's address")
    void reportNamesTheWindowsSegment(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Arena a = Arena.ofConfined()) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            long address;
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(0, 4096))) {
                address = w.segment().address();
                dev.dmaWrite(m.dmaAddress(0), a.allocate(8));
            }
            String report = sys.ownershipReports().getFirst().getMessage();
            assertTrue(report.contains("on " + Region.range(0, 4096)), report);
            assertTrue(report.contains("segment 0x" + Long.toHexString(address)), report);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("CPU-11: the policy can be set per buffer: OFF tracks nothing, RECORD only records")
    void perBufferPolicy(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf off = sys.systemHeap().allocate(SIZE); DmaBuf rec = sys.systemHeap().allocate(SIZE);
                Attachment ao = off.attach(dev); Attachment ar = rec.attach(dev); Arena a = Arena.ofConfined()) {
            sys.setOwnershipPolicy(off, OwnershipPolicy.OFF);
            sys.setOwnershipPolicy(rec, OwnershipPolicy.RECORD);
            Mapping mo = ao.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mr = ar.mapUnlocked(Direction.BIDIRECTIONAL);
            try (CpuAccess w1 = off.beginCpuAccess(Access.WRITE); CpuAccess w2 = rec.beginCpuAccess(Access.WRITE)) {
                dev.dmaWrite(mo.dmaAddress(0), a.allocate(8));
                dev.dmaWrite(mr.dmaAddress(0), a.allocate(8));
                assertTrue(w1.isOpen() && w2.isOpen());
            }
            assertEquals(1, sys.ownershipReports().size());
            assertEquals(1, sys.counters().ownershipViolations());
            ao.unmapUnlocked(mo);
            ar.unmapUnlocked(mr);
        }
    }

    @Test
    @DisplayName("DEV-6: two writers in different coherency domains on the same bytes at once are reported")
    void twoWritersOfDifferentDomainsConflict(SimulatedSystem sys) {
        SimulatedDeviceImpl gpu = (SimulatedDeviceImpl) sys.newDevice("gpu").nonCoherent().build();
        SimulatedDevice dsp = sys.newDevice("dsp").nonCoherent().build();
        SimulatedDeviceImpl nic = (SimulatedDeviceImpl) sys.newDevice("nic").build();
        SimulatedDevice cpuSide = sys.newDevice("cpu-side").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment ag = buf.attach(gpu);
                Attachment ad = buf.attach(dsp); Attachment an = buf.attach(nic); Attachment ac = buf.attach(cpuSide);
                Arena a = Arena.ofConfined()) {
            Mapping mg = ag.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping md = ad.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mn = an.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mc = ac.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment data = a.allocate(64);
            try (DeviceAccess writing = gpu.access(mg.dmaAddress(0), 4096, true)) {
                OwnershipViolationException e = assertFails(OwnershipViolationException.class, Rule.DEV_6,
                        () -> dsp.dmaWrite(md.dmaAddress(1000), data));
                assertTrue(e.getMessage().contains("'gpu'") && e.getMessage().contains("'dsp'"), e::getMessage);
                dsp.dmaRead(md.dmaAddress(1000), data);
                dsp.dmaWrite(md.dmaAddress(4096), data);
                assertEquals(4096, writing.length());
            }
            try (DeviceAccess writing = nic.access(mn.dmaAddress(0), 4096, true)) {
                cpuSide.dmaWrite(mc.dmaAddress(0), data);
                assertFails(OwnershipViolationException.class, Rule.DEV_6, () -> dsp.dmaWrite(md.dmaAddress(0), data));
                assertEquals(4096, writing.length());
            }
            ag.unmapUnlocked(mg);
            ad.unmapUnlocked(md);
            an.unmapUnlocked(mn);
            ac.unmapUnlocked(mc);
        }
    }
}
