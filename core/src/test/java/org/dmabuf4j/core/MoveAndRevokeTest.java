package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SystemExtension.class)
class MoveAndRevokeTest {
    private static final long SIZE = 8192;

    /** A dynamic importer that records its notifications and whether it held the lock in them. */
    static final class RecordingImporter implements Importer {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch notified = new CountDownLatch(1);

        @Override
        public void moveNotify(Attachment attachment) {
            events.add("notified, lock held: " + attachment.buffer().reservation().isHeldByCurrentThread());
            notified.countDown();
        }
    }

    private static void locked(DmaBuf buf, Runnable r) {
        buf.reservation().lock();
        try {
            r.run();
        } finally {
            buf.reservation().unlock();
        }
    }

    @Test
    @DisplayName("MOVE-1, MOVE-2: invalidation needs the lock and an unpinned buffer")
    void invalidationNeedsTheLockAndNoPin(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(SIZE);
        ExportedBuffer eb = sys.export(ExportInfo.of("dyn", SIZE, exp));
        try (DmaBuf buf = eb.handle()) {
            assertFails(RuleViolationException.class, Rule.MOVE_1, eb::invalidateMappings);
            assertFails(RuleViolationException.class, Rule.RESV_4, eb::attachments);
            try (Attachment stat = buf.attach(dev)) {
                locked(buf, () -> {
                    assertTrue(stat.isPinned());
                    assertTrue(eb.isPinned());
                    assertFails(RuleViolationException.class, Rule.MOVE_2, eb::invalidateMappings);
                });
            }
            try (Attachment dyn = buf.attach(dev, new RecordingImporter())) {
                locked(buf, () -> {
                    dyn.pin();
                    assertFails(RuleViolationException.class, Rule.MOVE_2, eb::invalidateMappings);
                    dyn.unpin();
                    assertFalse(eb.isPinned());
                    eb.invalidateMappings();
                });
            }
        }
    }

    @Test
    @DisplayName("MOVE-3, MOVE-4: invalidation notifies every dynamic attachment under the lock, never a static one")
    void dynamicAttachmentsAreNotifiedStaticOnesNot(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(SIZE);
        ExportedBuffer eb = sys.export(ExportInfo.of("static", SIZE, exp));
        RecordingImporter one = new RecordingImporter();
        RecordingImporter two = new RecordingImporter();
        try (DmaBuf buf = eb.handle(); Attachment a = buf.attach(dev, one); Attachment b = buf.attach(dev, two);
                Attachment s = buf.attach(dev)) {
            locked(buf, () -> {
                assertEquals(List.of(a, b, s), eb.attachments());
                eb.invalidateMappings();
                eb.invalidateMappings();
            });
            assertEquals(List.of("notified, lock held: true", "notified, lock held: true"), one.events);
            assertEquals(2, two.events.size());
            assertFalse(s.isDynamic());
        }
    }

    @Test
    @DisplayName("MOVE-5: after an invalidation old mappings are dead, unmap just releases them, a fresh map works")
    void oldMappingsDieAndFreshMapsSeeTheNewLocation(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(SIZE, sys); // exporter arenas: views die with the mapping
        ExportedBuffer eb = sys.export(ExportInfo.of("movable", SIZE, exp));
        RecordingImporter importer = new RecordingImporter();
        try (DmaBuf buf = eb.handle(); Attachment att = buf.attach(dev, importer); Arena a = Arena.ofConfined()) {
            Mapping old = att.mapUnlocked(Direction.BIDIRECTIONAL);
            long oldAddress = old.dmaAddress(0);
            MemorySegment oldView = old.entries().getFirst().cpuSegment();
            dev.dmaWrite(oldAddress, a.allocate(8).fill((byte) 6));
            locked(buf, () -> exp.move(eb));
            assertEquals(1, importer.events.size());
            assertFalse(old.isValid());
            assertFails(InvalidatedMappingException.class, Rule.MOVE_5, old::entries);
            assertThrows(IllegalStateException.class, () -> oldView.get(ValueLayout.JAVA_BYTE, 0));
            IommuFaultException fault = assertFails(IommuFaultException.class, Rule.DEV_1,
                    () -> dev.dmaRead(oldAddress, a.allocate(8)));
            assertTrue(fault.getMessage().contains("invalidated"), fault::getMessage);
            int unmapsBefore = exp.callsStartingWith("unmap").size();
            att.unmapUnlocked(old);
            assertEquals(unmapsBefore, exp.callsStartingWith("unmap").size(), "a dead mapping was unmapped twice");
            Mapping fresh = att.mapUnlocked(Direction.BIDIRECTIONAL);
            assertEquals(exp.memory.address(), fresh.entries().getFirst().cpuSegment().address());
            MemorySegment back = a.allocate(8);
            dev.dmaRead(fresh.dmaAddress(0), back);
            assertEquals(6, back.get(ValueLayout.JAVA_BYTE, 0), "the moved contents");
            att.unmapUnlocked(fresh);
        }
    }

    @Test
    @DisplayName("PIN-1, PIN-6: only dynamic importers pin, under the lock, and unpin once per pin")
    void pinRules(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(SIZE);
        try (DmaBuf buf = sys.export(ExportInfo.of("dyn", SIZE, exp)).handle(); Attachment stat = buf.attach(dev);
                Attachment dyn = buf.attach(dev, new RecordingImporter())) {
            assertFails(RuleViolationException.class, Rule.PIN_1, dyn::pin);
            locked(buf, () -> {
                assertFails(RuleViolationException.class, Rule.PIN_1, stat::pin);
                assertFails(RuleViolationException.class, Rule.PIN_6, dyn::unpin);
                dyn.pin();
                dyn.pin();
                assertTrue(dyn.isPinned());
                dyn.unpin();
                assertTrue(dyn.isPinned());
            });
            assertFails(RuleViolationException.class, Rule.PIN_6, dyn::close);
            locked(buf, dyn::unpin);
            assertFalse(dyn.isPinned());
            assertEquals(1, exp.pins, "only the static attachment's implicit pin remains");
        }
    }

    @Test
    @DisplayName("PIN-2: a refused pin leaves the attachment unpinned; a static exporter does not pin")
    void refusedPins(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(SIZE);
        exp.refusePin = true;
        try (DmaBuf buf = sys.export(ExportInfo.of("dyn", SIZE, exp)).handle();
                DmaBuf plain = sys.systemHeap().allocate(SIZE);
                Attachment dyn = buf.attach(dev, new RecordingImporter());
                Attachment onStatic = plain.attach(dev, new RecordingImporter())) {
            locked(buf, () -> {
                assertFails(PinRefusedException.class, Rule.PIN_2, dyn::pin);
                assertFalse(dyn.isPinned());
            });
            locked(plain, () -> assertFails(UnsupportedFeatureException.class, Rule.PIN_2, onStatic::pin));
        }
    }

    @Test
    @DisplayName("REV-1, REV-2: revoke fails new maps, notifies importers, waits for their unmaps; then all access fails")
    void revokeWaitsForUnmapsThenEverythingFails(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(SIZE);
        ExportedBuffer eb = sys.export(ExportInfo.of("revocable", SIZE, exp));
        RecordingImporter importer = new RecordingImporter();
        DmaBuf buf = eb.handle();
        Attachment dyn = buf.attach(dev, importer);
        Attachment stat = buf.attach(dev);
        Mapping m = dyn.mapUnlocked(Direction.BIDIRECTIONAL);
        Mapping cached = stat.mapUnlocked(Direction.BIDIRECTIONAL);
        AtomicReference<Throwable> importerFailure = new AtomicReference<>();
        Thread importerThread = Thread.ofPlatform().start(() -> {
            try {
                assertTrue(importer.notified.await(10, TimeUnit.SECONDS));
                assertFails(RevokedException.class, Rule.REV_2, () -> dyn.mapUnlocked(Direction.TO_DEVICE));
                dyn.unmapUnlocked(m);
            } catch (Throwable t) {
                importerFailure.set(t);
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> eb.revoke(Duration.ofSeconds(10)));
        importerThread.join();
        if (importerFailure.get() != null) {
            throw new AssertionError(importerFailure.get());
        }
        assertTrue(eb.isRevoked());
        assertTrue(buf.isRevoked());
        assertFalse(cached.isValid(), "revocation kills static and pinned mappings too");
        assertFails(RevokedException.class, Rule.REV_2, () -> stat.mapUnlocked(Direction.TO_DEVICE));
        assertFails(RevokedException.class, Rule.REV_2, () -> buf.beginCpuAccess(Access.READ));
        assertFails(RevokedException.class, Rule.REV_2, () -> buf.attach(dev));
        dyn.close();
        stat.close();
        buf.close();
        assertEquals(1, exp.releases);
    }

    @Test
    @DisplayName("REV-4: a revocation that times out names the importers that did not unmap, and fences still pending")
    void revokeTimeoutNamesImporters(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("slowpoke").build();
        DynamicTestExporter exp = new DynamicTestExporter(SIZE);
        ExportedBuffer eb = sys.export(ExportInfo.of("revocable", SIZE, exp));
        try (DmaBuf buf = eb.handle(); Attachment dyn = buf.attach(dev, new RecordingImporter());
                Timeline t = sys.fences().newTimeline("gpu")) {
            Mapping m = dyn.mapUnlocked(Direction.BIDIRECTIONAL);
            locked(buf, () -> {
                buf.reservation().reserveFences(1);
                buf.reservation().addFence(t.point(1), FenceUsage.BOOKKEEP);
            });
            DmaTimeoutException fences = assertFails(DmaTimeoutException.class, Rule.REV_4,
                    () -> eb.revoke(Duration.ofMillis(50)));
            assertTrue(fences.getMessage().contains("gpu") && fences.getMessage().contains("'slowpoke'"),
                    fences::getMessage);
            t.advance(1);
            DmaTimeoutException unmaps = assertFails(DmaTimeoutException.class, Rule.REV_4,
                    () -> eb.revoke(Duration.ofMillis(50)));
            assertTrue(unmaps.getMessage().contains("'slowpoke'") && unmaps.getMessage().contains("1 mapping"),
                    unmaps::getMessage);
            assertTrue(eb.isRevoked());
            dyn.unmapUnlocked(m);
            eb.revoke(Duration.ofMillis(50));
            assertFails(RuleViolationException.class, Rule.REV_1, () -> eb.revoke(Duration.ZERO));
        }
    }
}
