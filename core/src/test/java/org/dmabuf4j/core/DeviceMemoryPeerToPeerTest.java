package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.MIB;
import static org.dmabuf4j.core.MoveFixtures.assertCpuSees;
import static org.dmabuf4j.core.MoveFixtures.awaitKernel;
import static org.dmabuf4j.core.MoveFixtures.cpuWrite;
import static org.dmabuf4j.core.MoveFixtures.deviceRead;
import static org.dmabuf4j.core.MoveFixtures.deviceWrite;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.MappingBusyException;
import org.dmabuf4j.api.NoCpuPageException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.MoveFixtures.RecordingImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Device memory reached peer-to-peer, or migrated for importers that cannot: P2P-1 to P2P-3. */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class DeviceMemoryPeerToPeerTest {
    @Test
    @DisplayName("P2P-1: a peer-to-peer importer on a capable device gets bus addresses, without any migration")
    void aPeerToPeerImporterGetsDeviceAddressesWithoutMigration(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf buf = vram.allocate(128 * KIB)) {
            byte[] data = pattern(16 * 1024, 1);
            try (RemappingImporter n = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true);
                    RemappingImporter g = RemappingImporter.attach(buf, gpu, Direction.BIDIRECTIONAL, true)) {
                Mapping nm = n.mapping();
                for (SgEntry e : nm.entries()) {
                    assertFalse(e.hasCpuPage(), "device memory has no CPU page");
                }
                deviceWrite(npu, nm, 4096, data);
                assertArrayEquals(data, deviceRead(gpu, g.mapping(), 4096, data.length),
                        "the owner sees what its peer wrote into its memory");
                assertTrue(vram.isResident(buf));
                assertEquals(0, vram.counters().migrations());
                assertEquals(0, n.notifications());
            }
            assertCpuSees(buf, 4096, data);
        }
    }

    @Test
    @DisplayName("P2P-1: a device that is not peer-to-peer capable never gets device memory, even if it would allow it")
    void anIncapableDeviceNeverGetsDeviceMemory(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice usb = sys.newDevice("usb").peerToPeer(false).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                RemappingImporter u = RemappingImporter.attach(buf, usb, Direction.TO_DEVICE, true)) {
            assertTrue(u.mapping().entries().getFirst().hasCpuPage());
            assertFalse(gpu.localMemory().isResident(buf));
            assertEquals(1, gpu.localMemory().counters().migrations());
        }
    }

    @Test
    @DisplayName("P2P-2: another importer triggers a migration to system memory: a move that notifies the others")
    void aNonPeerImporterTriggersMigration(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf buf = vram.allocate(64 * KIB)) {
            byte[] data = pattern(4096, 2);
            try (RemappingImporter n = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true);
                    RemappingImporter d = RemappingImporter.attach(buf, dsp, Direction.BIDIRECTIONAL)) {
                Mapping before = n.mapping();
                deviceWrite(npu, before, 0, data);
                Mapping dm = d.mapping();
                assertTrue(dm.entries().getFirst().hasCpuPage(), "system memory has CPU pages");
                assertFalse(before.isValid(), "the peer's mapping died with the migration");
                assertEquals(1, n.notifications());
                assertFalse(vram.isResident(buf));
                assertEquals(1, vram.counters().migrations());
                assertArrayEquals(data, deviceRead(dsp, dm, 0, data.length));
                Mapping after = n.mapping();
                assertTrue(after.entries().getFirst().hasCpuPage(), "the peer now maps system memory too");
                assertArrayEquals(data, deviceRead(npu, after, 0, data.length));
            }
        }
    }

    @Test
    @DisplayName("P2P-2: a static importer that cannot reach device memory migrates the buffer at attach")
    void aStaticFarImporterMigratesAtAttach(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice display = sys.newDevice("display").build();
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf buf = vram.allocate(64 * KIB)) {
            byte[] data = pattern(4096, 5);
            cpuWrite(buf, 0, data);
            try (Attachment att = buf.attach(display)) {
                assertFalse(vram.isResident(buf));
                Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
                assertTrue(m.isCached());
                // a static importer's map waited for the KERNEL fence of the migration (MAP-8)
                assertArrayEquals(data, deviceRead(display, m, 0, data.length));
            }
        }
    }

    @Test
    @DisplayName("P2P-2: while pinned in device memory, importers that cannot reach it are refused, nothing mapped")
    void farImportersAreRefusedWhileThePeerPins(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                Attachment early = buf.attach(dsp, new RecordingImporter(false));
                Attachment scanout = buf.attach(npu, new RecordingImporter(true))) {
            MoveFixtures.locked(buf, scanout::pin);
            AttachRefusedException refused = assertFails(AttachRefusedException.class, Rule.P2P_2,
                    () -> buf.attach(dsp));
            assertTrue(refused.getMessage().contains("'dsp'") && refused.getMessage().contains("pinned"),
                    refused::getMessage);
            assertFails(MappingBusyException.class, Rule.P2P_2, () -> early.mapUnlocked(Direction.TO_DEVICE));
            assertEquals(0, dsp.liveTranslations(), "a refused map leaves no translation");
            assertTrue(gpu.localMemory().isResident(buf));
            MoveFixtures.locked(buf, scanout::unpin);
            Mapping m = early.mapUnlocked(Direction.TO_DEVICE);
            assertFalse(gpu.localMemory().isResident(buf));
            early.unmapUnlocked(m);
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("P2P-3: asking an entry of device memory for a CPU segment fails clearly")
    void deviceMemoryEntriesHaveNoCpuSegment(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                RemappingImporter n = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true)) {
            SgEntry e = n.mapping().entries().getFirst();
            NoCpuPageException ex = assertFails(NoCpuPageException.class, Rule.P2P_3, e::cpuSegment);
            assertTrue(ex.getMessage().contains("beginCpuAccess"), ex::getMessage);
        }
    }
}
