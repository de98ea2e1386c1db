package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.MIB;
import static org.dmabuf4j.core.MoveFixtures.cpuWrite;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.MoveFixtures.RecordingImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Revocation of device-memory and heap buffers, by the exporter or by unplugging the device: REV-1 to REV-5. */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class RevocationTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    @DisplayName("REV-1, REV-2: after revocation every map and CPU access fails; handles still close, memory is freed")
    void afterRevocationEveryMapFails(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
        DmaBuf second = buf.share();
        cpuWrite(buf, 0, pattern(100, 1));
        RemappingImporter n = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true);
        RecordingImporter rec = new RecordingImporter(false);
        Attachment d = buf.attach(dsp, rec);
        Attachment stat = buf.attach(npu);
        Mapping nm = n.mapping();
        Mapping cached = stat.mapUnlocked(Direction.BIDIRECTIONAL);
        long nBefore = n.notifications();
        int recBefore = rec.notifications.get();
        assertTimeoutPreemptively(BOUND, () -> sys.revoke(buf, BOUND));
        assertTrue(buf.isRevoked());
        assertTrue(second.isRevoked());
        assertEquals(nBefore + 1, n.notifications());
        assertEquals(recBefore + 1, rec.notifications.get());
        assertFalse(nm.isValid());
        assertFalse(cached.isValid(), "revocation kills pinned and static mappings too");
        assertFails(RevokedException.class, Rule.REV_2, n::mapping);
        assertFails(RevokedException.class, Rule.REV_2, () -> d.mapUnlocked(Direction.TO_DEVICE));
        assertFails(RevokedException.class, Rule.REV_2, () -> stat.mapUnlocked(Direction.BIDIRECTIONAL));
        assertFails(RevokedException.class, Rule.REV_2, () -> buf.beginCpuAccess(Access.READ));
        assertFails(RevokedException.class, Rule.REV_2, () -> second.beginCpuAccess(Access.WRITE));
        assertFails(RevokedException.class, Rule.REV_2, () -> buf.attach(npu));
        assertFails(RevokedException.class, Rule.REV_2, () -> sys.move(buf));
        n.close();
        d.close();
        stat.close();
        buf.close();
        second.close();
        assertEquals(0, sys.liveNativeBytes(), "a revoked buffer's memory is released with its last handle");
    }

    @Test
    @DisplayName("REV-1, REV-4: revocation completes even with a slow fence, bounded by its timeout, buffer revoked")
    void revocationIsBoundedByItsTimeoutWithASlowFence(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        Timeline tl = sys.fences().newTimeline("slow");
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            Fence slow = tl.point(1);
            MoveFixtures.addFence(buf, slow, FenceUsage.BOOKKEEP);
            DmaTimeoutException e = assertTimeoutPreemptively(BOUND, () -> assertFails(DmaTimeoutException.class,
                    Rule.REV_4, () -> sys.revoke(buf, Duration.ofMillis(100))));
            assertTrue(e.getMessage().contains("slow"), e::getMessage);
            assertTrue(buf.isRevoked(), "a timed-out revocation leaves the buffer revoked");
            assertFails(RevokedException.class, Rule.REV_2, () -> buf.beginCpuAccess(Access.READ));
        } finally {
            tl.close();
        }
    }

    @Test
    @DisplayName("REV-4: importers that do not unmap make revocation time out, with an error naming them")
    void aRevocationTimeoutNamesTheImporters(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            RecordingImporter lazy = new RecordingImporter(false);
            try (Attachment att = buf.attach(dsp, lazy)) {
                Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
                DmaTimeoutException e = assertTimeoutPreemptively(BOUND, () -> assertFails(DmaTimeoutException.class,
                        Rule.REV_4, () -> sys.revoke(buf, Duration.ofMillis(100))));
                assertTrue(e.getMessage().contains("'dsp'") && e.getMessage().contains("RecordingImporter"),
                        e::getMessage);
                assertFalse(m.isValid(), "its mapping is dead all the same");
                att.unmapUnlocked(m);
            }
        }
    }

    @Test
    @DisplayName("REV-5: a re-mapping importer unmaps inside the notification, so revocation finishes at once")
    void aGoodImporterLetsRevocationFinish(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                RemappingImporter imp = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true)) {
            imp.mapping();
            assertTimeoutPreemptively(BOUND, () -> sys.revoke(buf, Duration.ofMillis(500)));
            assertEquals(0, npu.liveTranslations());
            assertFails(RevokedException.class, Rule.REV_2, imp::mapping);
        }
    }

    @Test
    @DisplayName("REV-3: a buffer allocated REVOCABLE_ONLY refuses static importers; dynamic ones attach")
    void revocableOnlyBuffersRefuseStaticImporters(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB, DeviceMemory.REVOCABLE_ONLY)) {
            AttachRefusedException e = assertFails(AttachRefusedException.class, Rule.REV_3, () -> buf.attach(npu));
            assertTrue(e.getMessage().contains("'npu'") && e.getMessage().contains("REVOCABLE_ONLY"), e::getMessage);
            try (Attachment ok = buf.attach(npu, new RecordingImporter(true))) {
                assertTrue(ok.isAttached());
            }
            assertFails(RuleViolationException.class, Rule.HEAP_4, () -> gpu.localMemory().allocate(4096, 2));
        }
    }

    @Test
    @DisplayName("REV-1: unplugging the device revokes the buffers of its memory; importers are told, maps fail")
    void unpluggingTheDeviceRevokesItsMemory(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        DmaBuf a = gpu.localMemory().allocate(64 * KIB);
        DmaBuf b = gpu.localMemory().allocate(64 * KIB);
        RemappingImporter imp = RemappingImporter.attach(a, npu, Direction.BIDIRECTIONAL, true);
        imp.mapping();
        sys.move(b); // a copy job, so that the engine runs
        assertTimeoutPreemptively(BOUND, gpu::close);
        assertTrue(a.isRevoked());
        assertTrue(b.isRevoked());
        assertEquals(1, imp.notifications());
        assertFails(RevokedException.class, Rule.REV_2, imp::mapping);
        assertFails(RevokedException.class, Rule.REV_2, () -> b.beginCpuAccess(Access.READ));
        assertFails(org.dmabuf4j.api.ClosedException.class, Rule.ATT_7, () -> gpu.localMemory().allocate(4096));
        imp.close();
        a.close();
        b.close();
        assertEquals(0, sys.liveNativeBytes());
    }

    @Test
    @DisplayName("DEV-7, REV-1: unplugging during a pending move fails the copy, waits for the fences, frees the memory")
    void unpluggingDuringAMoveFailsTheCopyAndFreesTheMemory(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        Timeline tl = sys.fences().newTimeline("writer");
        DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
        try {
            Fence writer = tl.point(1);
            MoveFixtures.addFence(buf, writer, FenceUsage.WRITE);
            Fence copy = sys.move(buf);
            Thread unplug = Thread.ofPlatform().name("unplug").start(gpu::close);
            MoveFixtures.awaitParkedOn(unplug, writer); // the revocation waits for every fence (BOOKKEEP)
            assertTrue(copy.isSignaled(), "the engine ended: the pending copy failed");
            assertTrue(copy.error().orElseThrow() instanceof org.dmabuf4j.api.ClosedException,
                    () -> copy.error().toString());
            tl.advance(1);
            unplug.join(BOUND.toMillis());
            assertFalse(unplug.isAlive());
            assertTrue(buf.isRevoked());
        } finally {
            tl.close();
            buf.close();
        }
        assertEquals(0, sys.liveNativeBytes(), "both the old and the new location were freed");
    }

    @Test
    @DisplayName("REV-2: a heap buffer revoked through the system fails maps and CPU access; handles still close")
    void heapBuffersCanBeRevokedToo(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(8192); Attachment att = buf.attach(dev)) {
            sys.revoke(buf, BOUND);
            assertFails(RevokedException.class, Rule.REV_2, () -> att.mapUnlocked(Direction.TO_DEVICE));
            assertFails(RevokedException.class, Rule.REV_2, () -> buf.beginCpuAccess(Access.READ));
        }
    }
}
