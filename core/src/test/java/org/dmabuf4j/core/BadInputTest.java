package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every public entry point of core rejects null, negative, too large, closed and wrong-thread input with the specific
 * exception and the rule, and the state is unchanged afterwards (compared through the dump and the counters).
 */
@ExtendWith(SystemExtension.class)
class BadInputTest {

    /** What a failed call must not change. */
    private record State(String dump, long liveNative, long translations, Counters counters) {
        static State of(SimulatedSystem sys) {
            long t = 0;
            for (SimulatedDevice d : sys.devices()) {
                t += d.liveTranslations();
            }
            Counters c = sys.counters();
            return new State(sys.describeBuffers(), sys.liveNativeBytes(), t, new Counters(c.liveBuffers(),
                    c.liveBufferBytes(), c.liveNativeBytes(), c.exports(), c.releases(), c.attaches(), c.maps(),
                    c.unmaps(), c.cpuAccesses(), c.syncs(), c.bytesSynced(), 0, c.leaks(), c.heaps(), List.of()));
        }
    }

    @Test
    @DisplayName("BUF-3, HEAP-3, HEAP-7, DEV-2, CPU-11: builders and the system reject bad arguments")
    void systemAndBuilders(SimulatedSystem sys) {
        assertFails(RuleViolationException.class, Rule.HEAP_7, () -> DmaBufs.builder().contiguousPoolBytes(0));
        assertFails(RuleViolationException.class, Rule.HEAP_7, () -> DmaBufs.builder().contiguousPoolBytes(-4096));
        assertFails(RuleViolationException.class, Rule.HEAP_7, () -> DmaBufs.builder().contiguousPoolBytes(4097));
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> DmaBufs.builder().systemHeapCapacity(-1));
        assertFails(RuleViolationException.class, Rule.CPU_11, () -> DmaBufs.builder().ownershipPolicy(null));
        State before = State.of(sys);
        assertFails(RuleViolationException.class, Rule.DEV_2, () -> sys.newDevice(null));
        assertFails(RuleViolationException.class, Rule.DEV_2, () -> sys.newDevice(" "));
        assertFails(RuleViolationException.class, Rule.DEV_3, () -> sys.newDevice("x").constraints(null));
        sys.newDevice("twin").build();
        assertFails(RuleViolationException.class, Rule.DEV_2, () -> sys.newDevice("twin").build());
        assertEquals(1, sys.devices().size());
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            assertFails(RuleViolationException.class, Rule.CPU_11, () -> sys.setOwnershipPolicy(null,
                    OwnershipPolicy.OFF));
            assertFails(RuleViolationException.class, Rule.CPU_11, () -> sys.setOwnershipPolicy(buf, null));
            try (SimulatedSystem other = DmaBufs.newSystem(); DmaBuf foreign = other.systemHeap().allocate(4096)) {
                assertFails(RuleViolationException.class, Rule.CPU_11,
                        () -> sys.setOwnershipPolicy(foreign, OwnershipPolicy.OFF));
            }
            DmaBuf closed = buf.share();
            closed.close();
            assertFails(ClosedException.class, Rule.BUF_3, () -> sys.setOwnershipPolicy(closed, OwnershipPolicy.OFF));
        }
        assertEquals(before.liveNative(), sys.liveNativeBytes());
        SimulatedSystem closedSystem = DmaBufs.newSystem();
        closedSystem.close();
        closedSystem.close();
        assertFails(ClosedException.class, Rule.BUF_3, () -> closedSystem.newDevice("late").build());
        assertFails(ClosedException.class, Rule.BUF_3, () -> closedSystem.systemHeap().allocate(4096));
    }

    @Test
    @DisplayName("BUF-4, ATT-7, CPU-2, CPU-5, CPU-7, SYNC-4, SYNC-5, SYNC-6, RESV-14: a handle rejects bad arguments")
    void handleArguments(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            State before = State.of(sys);
            assertFails(RuleViolationException.class, Rule.BUF_4, () -> buf.setName(null));
            assertFails(RuleViolationException.class, Rule.ATT_7, () -> buf.attach(null, a -> { }));
            assertFails(RuleViolationException.class, Rule.CPU_2, () -> buf.beginCpuAccess(null));
            assertFails(RuleViolationException.class, Rule.CPU_7, () -> buf.beginCpuAccess(Access.READ, null));
            assertFails(RuleViolationException.class, Rule.CPU_5,
                    () -> buf.beginCpuAccess(Access.READ, Region.WHOLE, null));
            assertFails(RuleViolationException.class, Rule.CPU_7,
                    () -> buf.beginCpuAccess(Access.READ, Region.range(4096, 1)));
            assertFails(RuleViolationException.class, Rule.CPU_7,
                    () -> buf.beginCpuAccess(Access.READ, Region.range(Long.MAX_VALUE - 10, 10)));
            assertFails(RuleViolationException.class, Rule.SYNC_5, () -> buf.exportSyncFile(null));
            assertFails(RuleViolationException.class, Rule.SYNC_6, () -> buf.importSyncFile(null, Access.READ));
            assertFails(RuleViolationException.class, Rule.SYNC_4, () -> buf.isReady(null));
            assertFails(RuleViolationException.class, Rule.SYNC_4, () -> buf.whenReady(null));
            assertFails(RuleViolationException.class, Rule.RESV_14, () -> buf.awaitReady(Access.READ, null));
            assertEquals(before, State.of(sys));
            assertTrue(dev.isOpen());
        }
    }

    @Test
    @DisplayName("MAP-2, MAP-7, MAP-10, CPU-3, REV-1: attachments, mappings, windows and exports reject bad arguments")
    void attachmentMappingWindowArguments(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        ExportedBuffer eb = sys.export(org.dmabuf4j.api.ExportInfo.of("t", 8192, new DynamicTestExporter(8192)));
        try (DmaBuf buf = eb.handle(); Attachment att = buf.attach(dev, a -> { })) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            State before = State.of(sys);
            assertFails(RuleViolationException.class, Rule.MAP_7, () -> att.mapUnlocked(null));
            assertFails(RuleViolationException.class, Rule.MAP_10, () -> att.unmapUnlocked(null));
            assertFails(RuleViolationException.class, Rule.MAP_2, () -> m.dmaAddress(-1));
            assertFails(RuleViolationException.class, Rule.MAP_2, () -> m.dmaAddress(Long.MAX_VALUE));
            assertFails(RuleViolationException.class, Rule.REV_1, () -> eb.revoke(null));
            assertFails(RuleViolationException.class, Rule.REV_1, () -> eb.revoke(Duration.ofSeconds(-1)));
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.REV_1, () -> eb.revoke(Duration.ofSeconds(1)));
            } finally {
                buf.reservation().unlock();
            }
            try (var w = buf.beginCpuAccess(Access.READ, Region.range(0, 10), Confinement.SHARED)) {
                assertFails(RuleViolationException.class, Rule.CPU_3, () -> w.row(Integer.MAX_VALUE));
                assertFails(RuleViolationException.class, Rule.CPU_3, () -> w.row(-1));
            }
            assertTrue(m.isValid());
            att.unmapUnlocked(m);
            assertTrue(before.translations() > 0);
            assertTrue(!eb.isRevoked());
        }
    }

    @Test
    @DisplayName("DEV-1, DEV-3, DEV-4, DEV-5, DEV-9, P2P-1: devices reject bad arguments and change nothing")
    void deviceArguments(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        SimulatedDevice peer = sys.newDevice("peer").peerToPeer(true).build();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = a.allocate(4096, 4096);
            assertFails(RuleViolationException.class, Rule.DEV_3, () -> dev.mapPages(null, Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> dev.mapPages(List.of(page), null));
            assertFails(RuleViolationException.class, Rule.DEV_3,
                    () -> dev.mapPages(java.util.Arrays.asList(page, null), Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.P2P_1, () -> dev.mapPeer(null, 0, 4096,
                    Direction.TO_DEVICE));
            SimulatedDevice peer2 = sys.newDevice("peer2").peerToPeer(true).build();
            assertFails(RuleViolationException.class, Rule.DEV_3,
                    () -> peer2.mapPeer(peer, 0, -4096, Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.DEV_3,
                    () -> peer2.mapPeer(peer, 100, 4096, Direction.TO_DEVICE));
            assertFails(RuleViolationException.class, Rule.DEV_9, () -> dev.unmap(null));
            assertFails(RuleViolationException.class, Rule.DEV_9, () -> dev.unmap(List.of()));
            assertFails(RuleViolationException.class, Rule.DEV_1, () -> dev.isMapped(0, 0));
            assertFails(RuleViolationException.class, Rule.DEV_1, () -> dev.dmaRead(0, null));
            assertFails(RuleViolationException.class, Rule.DEV_1, () -> dev.dmaRead(0, page.asReadOnly()));
            assertFails(RuleViolationException.class, Rule.DEV_1, () -> dev.dmaWrite(0, null));
            assertFails(RuleViolationException.class, Rule.DEV_1, () -> dev.dmaWrite(0, page.asSlice(0, 0)));
            assertEquals(0, dev.liveTranslations());
            assertEquals(0, peer2.liveTranslations());
            assertEquals(0, dev.counters().maps());
        }
    }
}
