package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.NoCpuPageException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seed 004: memory without CPU pages, reached peer-to-peer with device addresses only. */
@ExtendWith(SystemExtension.class)
class PeerToPeerTest {
    private static final long SIZE = 8192;

    /** Device memory of {@code owner}, mapped peer-to-peer for every importer (the framework polices P2P-1). */
    record VramExporter(SimulatedDevice owner) implements Exporter {
        @Override
        public List<SgEntry> map(Attachment attachment, Direction direction) {
            return attachment.device().mapPeer(owner, 0, SIZE, direction);
        }

        @Override
        public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
            attachment.device().unmap(entries);
        }

        @Override
        public void release() {
        }
    }

    private static final Importer PEER = new Importer() {
        @Override
        public void moveNotify(Attachment attachment) {
        }

        @Override
        public boolean allowPeerToPeer() {
            return true;
        }
    };

    @Test
    @DisplayName("P2P-3: an entry without a CPU page has no CPU segment, and asking for one fails clearly")
    void entriesWithoutPagesHaveNoSegment(SimulatedSystem sys) {
        SimulatedDeviceImpl gpu = (SimulatedDeviceImpl) sys.newDevice("gpu").peerToPeer(true).build();
        SimulatedDevice nic = sys.newDevice("nic").peerToPeer(true).build();
        try (Arena vram = Arena.ofShared()) {
            gpu.setLocalMemory(vram.allocate(SIZE, 4096).fill((byte) 0x44));
            try (DmaBuf buf = sys.export(ExportInfo.of("vram", SIZE, new VramExporter(gpu))).handle();
                    Attachment att = buf.attach(nic, PEER); Arena a = Arena.ofConfined()) {
                assertTrue(att.peerToPeer());
                Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
                SgEntry e = m.entries().getFirst();
                assertFalse(e.hasCpuPage());
                NoCpuPageException x = assertFails(NoCpuPageException.class, Rule.P2P_3, e::cpuSegment);
                assertTrue(x.getMessage().contains("no CPU page"), x::getMessage);
                MemorySegment dst = a.allocate(4);
                nic.dmaRead(m.dmaAddress(100), dst);
                assertEquals(0x44, dst.get(ValueLayout.JAVA_BYTE, 0), "the NIC reads the GPU's memory directly");
                att.unmapUnlocked(m);
            }
        } finally {
            gpu.setLocalMemory(null);
        }
    }

    @Test
    @DisplayName("P2P-1: entries without CPU pages are refused for importers that do not allow peer-to-peer")
    void pagelessEntriesOnlyForPeerImporters(SimulatedSystem sys) {
        SimulatedDevice gpu = sys.newDevice("gpu").peerToPeer(true).build();
        SimulatedDevice nic = sys.newDevice("nic").peerToPeer(true).build();
        SimulatedDevice plain = sys.newDevice("plain").build();
        try (DmaBuf buf = sys.export(ExportInfo.of("vram", SIZE, new VramExporter(gpu))).handle();
                Attachment stat = buf.attach(nic)) {
            assertFails(RuleViolationException.class, Rule.P2P_1, () -> stat.mapUnlocked(Direction.TO_DEVICE));
            assertEquals(0, nic.liveTranslations());
            assertFails(RuleViolationException.class, Rule.P2P_1,
                    () -> plain.mapPeer(gpu, 0, SIZE, Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.P2P_1, () -> buf.attach(plain, PEER));
            assertEquals(0, plain.liveTranslations());
        }
    }
}
