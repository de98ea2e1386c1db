package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.MIB;
import static org.dmabuf4j.core.MoveFixtures.assertCpuSees;
import static org.dmabuf4j.core.MoveFixtures.awaitParkedOn;
import static org.dmabuf4j.core.MoveFixtures.awaitKernel;
import static org.dmabuf4j.core.MoveFixtures.cpuWrite;
import static org.dmabuf4j.core.MoveFixtures.deviceRead;
import static org.dmabuf4j.core.MoveFixtures.deviceWrite;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.MoveFixtures.RecordingImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Moves of device-memory buffers: MOVE-1 to MOVE-8, and seed 001 (an importer that keeps addresses across a move). */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class MoveTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    @DisplayName("MOVE-3: moveNotify receives the very attachment object attach returned to the importer")
    void moveNotifyReceivesTheImportersOwnAttachment(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            List<Attachment> notified = new ArrayList<>();
            try (Attachment att = buf.attach(npu, notified::add)) {
                sys.move(buf);
                assertEquals(1, notified.size());
                assertTrue(notified.get(0) == att, "an importer that compares by identity must find its attachment");
            }
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("MOVE-3: moveNotify receives the very attachment object attach returned, with leak detection off too")
    void moveNotifyReceivesTheImportersOwnAttachmentWithoutLeakDetection() throws Exception {
        // without leak detection the framework keeps the user's object by a plain reference, not a weak one
        try (SimulatedSystem sys = DmaBufs.builder().leakDetection(false).build()) {
            SimulatedDevice gpu = gpu(sys, 4 * MIB);
            SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
            try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
                List<Attachment> notified = new ArrayList<>();
                try (Attachment att = buf.attach(npu, notified::add)) {
                    sys.move(buf);
                    assertEquals(1, notified.size());
                    assertTrue(notified.get(0) == att, "an importer that compares by identity must find its"
                            + " attachment");
                }
                awaitKernel(buf);
            }
        }
    }

    @Test
    @DisplayName("MOVE-1: a move happens only under the buffer's lock: it waits while another thread holds the lock")
    void aMoveWaitsForTheReservationLock(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            RecordingImporter imp = new RecordingImporter(true);
            try (Attachment att = buf.attach(npu, imp)) {
                Thread mover;
                buf.reservation().lock();
                try {
                    mover = Thread.ofPlatform().name("mover").start(() -> sys.move(buf));
                    awaitParkedOn(mover, buf.reservation());
                    assertEquals(0, imp.notifications.get(), "the importer was notified without the lock");
                    assertEquals(0, gpu.localMemory().counters().moves());
                } finally {
                    buf.reservation().unlock();
                }
                mover.join(BOUND.toMillis());
                assertFalse(mover.isAlive());
                assertEquals(1, gpu.localMemory().counters().moves());
                assertEquals(List.of(true), imp.lockHeld, "moveNotify ran without the lock held (MOVE-3)");
                assertEquals(List.of("mover"), imp.threads);
                assertTrue(att.isAttached());
            }
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("MOVE-1: invalidating mappings without the reservation lock is refused")
    void invalidatingWithoutTheLockIsRefused(SimulatedSystem sys) {
        DynamicTestExporter exp = new DynamicTestExporter(4096);
        var exported = sys.export(org.dmabuf4j.api.ExportInfo.of("dyn", 4096, exp));
        try (DmaBuf buf = exported.handle()) {
            assertFails(RuleViolationException.class, Rule.MOVE_1, exported::invalidateMappings);
        }
    }

    @Test
    @DisplayName("MOVE-2: a pinned buffer refuses to move: nothing is notified, mappings stay valid; unpinned it moves")
    void aPinnedBufferRefusesToMove(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            RecordingImporter imp = new RecordingImporter(true);
            try (Attachment att = buf.attach(npu, imp)) {
                Mapping m;
                buf.reservation().lock();
                try {
                    att.pin();
                    m = att.map(Direction.BIDIRECTIONAL);
                } finally {
                    buf.reservation().unlock();
                }
                RuleViolationException e = assertFails(RuleViolationException.class, Rule.MOVE_2,
                        () -> sys.move(buf));
                assertTrue(e.getMessage().contains("#" + buf.id()), e::getMessage);
                assertEquals(0, imp.notifications.get());
                assertTrue(m.isValid());
                assertTrue(npu.isMapped(m.dmaAddress(0), buf.size()));
                buf.reservation().lock();
                try {
                    att.unmap(m);
                    att.unpin();
                } finally {
                    buf.reservation().unlock();
                }
                sys.move(buf);
                assertEquals(1, imp.notifications.get());
            }
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("MOVE-3: moveNotify reaches every dynamic attachment, once per move, on the mover's thread, lock held")
    void everyDynamicAttachmentIsNotifiedUnderTheLock(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(sys.newDevice("dev" + i).peerToPeer(i % 2 == 0).build());
        }
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            List<RecordingImporter> importers = new ArrayList<>();
            List<Attachment> atts = new ArrayList<>();
            for (SimulatedDevice d : devices) {
                RecordingImporter imp = new RecordingImporter(true);
                importers.add(imp);
                atts.add(buf.attach(d, imp));
            }
            sys.move(buf);
            sys.move(buf);
            for (RecordingImporter imp : importers) {
                assertEquals(2, imp.notifications.get());
                assertEquals(List.of(true, true), imp.lockHeld);
                assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), imp.threads);
            }
            for (Attachment a : atts) {
                a.close();
            }
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("MOVE-4: a static attachment is never notified: it pins the buffer, which then never moves")
    void staticAttachmentsAreNeverNotified(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice display = sys.newDevice("display").build();
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            RecordingImporter dynamic = new RecordingImporter(true);
            try (Attachment stat = buf.attach(display); Attachment dyn = buf.attach(npu, dynamic)) {
                assertTrue(stat.isPinned(), "a static importer of a dynamic exporter is pinned (PIN-4)");
                Mapping cached = stat.mapUnlocked(Direction.BIDIRECTIONAL);
                int before = dynamic.notifications.get();
                assertFails(RuleViolationException.class, Rule.MOVE_2, () -> sys.move(buf));
                assertEquals(before, dynamic.notifications.get());
                assertTrue(cached.isValid(), "the static importer's cached mapping must survive");
                assertTrue(dyn.isAttached());
            }
            sys.move(buf);
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("MOVE-5: after a move the old mapping is dead: device access faults and its CPU views are closed")
    void aStaleMappingFaultsAfterAMove(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            RecordingImporter imp = new RecordingImporter(false);
            try (Attachment att = buf.attach(dsp, imp)) {
                // a non-P2P importer: the buffer migrates to system memory, so the mapping has CPU views
                Mapping old = att.mapUnlocked(Direction.BIDIRECTIONAL);
                awaitKernel(buf);
                assertFalse(gpu.localMemory().isResident(buf));
                MemorySegment view = old.entries().getFirst().cpuSegment();
                long address = old.dmaAddress(0);
                deviceWrite(dsp, old, 0, pattern(4096, 1));
                sys.move(buf);
                assertFalse(old.isValid());
                IommuFaultException fault = assertFails(IommuFaultException.class, Rule.DEV_1,
                        () -> dsp.dmaRead(address, MemorySegment.ofArray(new byte[16])));
                assertTrue(fault.getMessage().contains("'dsp'"), fault::getMessage);
                assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
                assertFails(InvalidatedMappingException.class, Rule.MOVE_5, old::entries);
                assertFails(InvalidatedMappingException.class, Rule.MOVE_5, () -> old.dmaAddress(0));
                assertFalse(dsp.isMapped(address, 4096));
                att.unmapUnlocked(old);
            }
            awaitKernel(buf);
            assertCpuSees(buf, 0, pattern(4096, 1));
        }
    }

    @Test
    @DisplayName("MOVE-6: after a move a fresh map succeeds, at the new location, and sees the same data")
    void reMappingAfterAMoveSeesTheSameData(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(256 * KIB)) {
            byte[] data = pattern((int) buf.size(), 6);
            try (RemappingImporter imp = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true)) {
                Mapping first = imp.mapping();
                assertFalse(first.entries().getFirst().hasCpuPage(), "P2P entries carry no CPU page");
                deviceWrite(npu, first, 0, data);
                long before = first.dmaAddress(0);
                for (int i = 0; i < 3; i++) {
                    sys.move(buf);
                    Mapping now = imp.mapping();
                    assertTrue(now.isValid());
                    assertArrayEquals(data, deviceRead(npu, now, 0, data.length), "after move " + (i + 1));
                }
                assertNotEquals(before, imp.mapping().dmaAddress(0));
                assertEquals(4, imp.remaps());
                assertEquals(3, imp.notifications());
            }
            assertCpuSees(buf, 0, data);
        }
    }

    @Test
    @DisplayName("MOVE-7: repeated notifications are harmless: two moves in a row, then one re-map")
    void repeatedNotificationsAreHarmless(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            byte[] data = pattern(4096, 7);
            cpuWrite(buf, 8192, data);
            try (RemappingImporter imp = RemappingImporter.attach(buf, npu, Direction.TO_DEVICE, true)) {
                imp.mapping();
                sys.move(buf);
                sys.move(buf);
                sys.move(buf);
                assertEquals(3, imp.notifications());
                assertArrayEquals(data, imp.use(m -> deviceRead(npu, m, 8192, data.length)));
                assertEquals(2, imp.remaps(), "one re-map after three notifications");
            }
        }
    }

    @Test
    @DisplayName("MOVE-7: an importer that releases the reservation lock in moveNotify is caught; nothing moves")
    void anImporterThatReleasesTheLockIsCaught(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            Importer rude = new Importer() {
                @Override
                public void moveNotify(Attachment a) {
                    a.buffer().reservation().unlock();
                }

                @Override
                public boolean allowPeerToPeer() {
                    return true;
                }
            };
            try (Attachment att = buf.attach(npu, rude)) {
                Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
                long resident = gpu.localMemory().counters().residentBytes();
                RuleViolationException e = assertFails(RuleViolationException.class, Rule.MOVE_7,
                        () -> sys.move(buf));
                assertTrue(e.getMessage().contains("'npu'"), e::getMessage);
                assertFalse(buf.reservation().isLocked());
                assertEquals(0, gpu.localMemory().counters().moves(), "the move was abandoned");
                assertEquals(resident, gpu.localMemory().counters().residentBytes(), "its target was freed");
                att.unmapUnlocked(m);
            }
        }
    }

    @Test
    @DisplayName("MOVE-8: the copy of a move is a KERNEL fence that waits for the buffer's fences; CPU access waits for it")
    void theCopyIsAKernelFenceThatCpuAccessWaitsFor(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        Timeline tl = sys.fences().newTimeline("writer");
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            byte[] data = pattern(4096, 8);
            cpuWrite(buf, 0, data);
            Fence writer = tl.point(1);
            MoveFixtures.addFence(buf, writer, FenceUsage.WRITE);
            Fence copy = sys.move(buf);
            assertEquals("gpu", copy.driverName(), "the copy runs on the exporter's device's engine");
            assertEquals(gpu.engine().context(), copy.context());
            assertTrue(buf.reservation().fences(FenceUsage.KERNEL).contains(copy), "published with KERNEL usage");
            assertFalse(copy.isSignaled(), "the copy must wait for the pending writer");
            AtomicReference<byte[]> seen = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().name("reader").start(() -> seen.set(MoveFixtures.cpuRead(buf, 0,
                    data.length)));
            awaitParkedOn(reader, writer);
            assertFalse(copy.isSignaled());
            tl.advance(1);
            assertTimeoutPreemptively(BOUND, () -> reader.join());
            assertTrue(copy.isSignaled());
            assertArrayEquals(data, seen.get());
            tl.close();
        }
    }

    @Test
    @DisplayName("MOVE-5 (seed 001): an importer that kept a CPU segment and a DMA address across a move fails cleanly")
    void anImporterThatKeptAddressesAcrossAMoveFailsCleanly(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice kvm = sys.newDevice("kvm").build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            byte[] data = pattern(4096, 1);
            cpuWrite(buf, 0, data);
            MemorySegment kept;
            long keptAddress;
            RecordingImporter imp = new RecordingImporter(false);
            try (Attachment att = buf.attach(kvm, imp)) {
                Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
                awaitKernel(buf);
                // the seed-001 importer: it puts the page and the address into its own tables and ignores moves
                SgEntry first = m.entries().getFirst();
                kept = first.cpuSegment();
                keptAddress = first.dmaAddress();
                assertArrayEquals(data, kept.asSlice(0, data.length).toArray(ValueLayout.JAVA_BYTE));
                int before = imp.notifications.get();
                sys.move(buf);
                assertEquals(before + 1, imp.notifications.get());
                assertThrows(IllegalStateException.class, () -> kept.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x55),
                        "a kept CPU segment must be closed, not reach freed memory");
                IommuFaultException e = assertFails(IommuFaultException.class, Rule.DEV_1,
                        () -> kvm.dmaWrite(keptAddress, MemorySegment.ofArray(new byte[] {0x55})));
                assertTrue(e.getMessage().contains("#" + buf.id()) && e.getMessage().contains("re-map"), e::getMessage);
                att.unmapUnlocked(m);
            }
            awaitKernel(buf);
            assertCpuSees(buf, 0, data);
        }
    }

    @Test
    @DisplayName("MOVE-6: a move keeps the data whatever the placement: device to device, to system and back")
    void movesKeepTheDataAcrossPlacements(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 256 * KIB);
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf a = vram.allocate(128 * KIB); DmaBuf b = vram.allocate(128 * KIB)) {
            byte[] data = pattern((int) a.size(), 3);
            cpuWrite(a, 0, data);
            sys.move(a); // no room elsewhere in the pool: to system memory
            awaitKernel(a);
            assertFalse(vram.isResident(a));
            b.close();
            sys.move(a); // from system memory into the pool again
            awaitKernel(a);
            assertTrue(vram.isResident(a));
            assertCpuSees(a, 0, data);
            assertEquals(2, vram.counters().moves());
            assertEquals(2 * a.size(), vram.counters().bytesCopied());
        }
    }

    @Test
    @DisplayName("BUF-3: move and revoke refuse null, closed and foreign handles and bad timeouts up front")
    void badArgumentsAreRefusedUpFront(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 1 * MIB);
        DmaBuf closed = gpu.localMemory().allocate(4096);
        closed.close();
        assertFails(RuleViolationException.class, Rule.MOVE_1, () -> sys.move(null));
        assertFails(RuleViolationException.class, Rule.REV_1, () -> sys.revoke(null, Duration.ofSeconds(1)));
        assertFails(org.dmabuf4j.api.ClosedException.class, Rule.BUF_3, () -> sys.move(closed));
        try (SimulatedSystem other = DmaBufs.newSystem(); DmaBuf foreign = other.systemHeap().allocate(4096);
                DmaBuf buf = gpu.localMemory().allocate(4096)) {
            assertFails(RuleViolationException.class, Rule.MOVE_1, () -> sys.move(foreign));
            assertFails(RuleViolationException.class, Rule.REV_1, () -> sys.revoke(buf, Duration.ZERO));
            assertFails(RuleViolationException.class, Rule.REV_1, () -> sys.revoke(buf, null));
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.REV_1, () -> sys.revoke(buf, Duration.ofSeconds(1)));
            } finally {
                buf.reservation().unlock();
            }
            assertFalse(buf.isRevoked());
            buf.setName("named");
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.MOVE_2, () -> {
                try (Attachment a = buf.attach(gpu)) {
                    sys.move(buf);
                }
            });
            assertTrue(e.getMessage().contains("'named'"), e::getMessage);
        }
    }

    @Test
    @DisplayName("BUF-10: a buffer of a static exporter does not move; the refusal names the exporter")
    void staticBuffersDoNotMove(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            UnsupportedFeatureException e = assertFails(UnsupportedFeatureException.class, Rule.BUF_10,
                    () -> sys.move(buf));
            assertTrue(e.getMessage().contains("'system'"), e::getMessage);
        }
    }

    @Test
    @DisplayName("CPU-2: a CPU window open across a move keeps its bytes; its close writes them to the new location")
    void aWindowOpenAcrossAMoveWritesToTheNewLocation(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            byte[] data = pattern(100, 2);
            try (CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE, Region.range(1000, 100))) {
                sys.move(buf);
                MemorySegment.copy(MemorySegment.ofArray(data), 0, w.segment(), 0, data.length);
            }
            sys.move(buf);
            awaitKernel(buf);
            assertCpuSees(buf, 1000, data);
        }
    }
}
