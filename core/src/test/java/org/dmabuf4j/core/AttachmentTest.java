package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SystemExtension.class)
class AttachmentTest {
    static final Importer IGNORING = a -> { };

    @Test
    @DisplayName("ATT-1: an exporter may refuse an attachment; a refused attach leaves nothing behind")
    void refusedAttachLeavesNothing(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("far").build();
        TestExporter exp = new TestExporter(4096);
        exp.refuseAttach = true;
        try (DmaBuf buf = sys.export(ExportInfo.of("picky", 4096, exp)).handle()) {
            AttachRefusedException e = assertFails(AttachRefusedException.class, Rule.ATT_1, () -> buf.attach(dev));
            assertTrue(e.getMessage().contains("far"), e::getMessage);
            assertEquals(List.of("attach far"), exp.calls);
            assertTrue(sys.describeBuffers().contains("Attached Devices: none"), sys::describeBuffers);
        }
        assertEquals(1, exp.releases);
    }

    @Test
    @DisplayName("ATT-2: detach with a mapping still mapped is refused and changes nothing")
    void detachAfterUnmapOnly(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            Attachment att = buf.attach(dev);
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            assertFails(RuleViolationException.class, Rule.ATT_2, att::close);
            assertTrue(att.isAttached());
            assertTrue(m.isValid());
            assertTrue(dev.isMapped(m.dmaAddress(0), 4096));
            att.unmapUnlocked(m);
            att.close();
            assertFalse(att.isAttached());
        }
    }

    @Test
    @DisplayName("ATT-3: attaching with an importer is dynamic; with a null importer it is static")
    void dynamicAndStaticAttachments(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment dyn = buf.attach(dev, IGNORING);
                Attachment stat = buf.attach(dev, null); Attachment plain = buf.attach(dev)) {
            assertTrue(dyn.isDynamic());
            assertSame(IGNORING, dyn.importer().orElseThrow());
            assertFalse(stat.isDynamic());
            assertFalse(plain.isDynamic());
            assertTrue(plain.importer().isEmpty());
            assertFalse(dyn.peerToPeer());
        }
    }

    @Test
    @DisplayName("ATT-4: an attachment binds one buffer to one device; detached, it rejects every call but close")
    void detachedAttachmentRejectsCalls(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            Attachment att = buf.attach(dev, IGNORING);
            assertSame(dev, att.device());
            assertEquals(buf.id(), att.buffer().id());
            assertTrue(att.buffer().isOpen());
            att.close();
            att.close();
            assertFalse(att.buffer().isOpen());
            assertFails(ClosedException.class, Rule.ATT_4, () -> att.mapUnlocked(Direction.TO_DEVICE));
            buf.reservation().lock();
            try {
                assertFails(ClosedException.class, Rule.ATT_4, () -> att.map(Direction.TO_DEVICE));
                assertFails(ClosedException.class, Rule.ATT_4, att::pin);
                assertFails(ClosedException.class, Rule.ATT_4, att::unpin);
            } finally {
                buf.reservation().unlock();
            }
            assertFails(ClosedException.class, Rule.BUF_3, () -> att.buffer().name());
        }
    }

    @Test
    @DisplayName("ATT-5, PIN-4: a static importer of a dynamic exporter is pinned and mapped BIDIRECTIONAL at attach")
    void staticImporterOfDynamicExporterIsPinnedAndMapped(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("dyn", 4096, exp)).handle(); Attachment att = buf.attach(dev)) {
            assertEquals(List.of("attach dev", "pin dev", "map dev BIDIRECTIONAL"), exp.calls);
            assertTrue(att.isPinned());
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            assertTrue(m.isCached());
            assertEquals(Direction.BIDIRECTIONAL, m.direction());
            assertSame(m, att.mapUnlocked(Direction.FROM_DEVICE));
            assertEquals(1, exp.callsStartingWith("map").size(), "the cached mapping was not reused");
        }
    }

    @Test
    @DisplayName("ATT-5: a dynamic importer of a static exporter is mapped BIDIRECTIONAL at attach, not pinned")
    void dynamicImporterOfStaticExporterIsMappedAtAttach(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("static", 4096, exp)).handle();
                Attachment att = buf.attach(dev, IGNORING)) {
            assertEquals(List.of("attach dev", "map dev BIDIRECTIONAL"), exp.calls);
            assertFalse(att.isPinned());
            assertTrue(att.mapUnlocked(Direction.TO_DEVICE).isCached());
        }
    }

    @Test
    @DisplayName("ATT-5: matching importer and exporter map nothing at attach")
    void matchingKindsMapNothingAtAttach(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter stat = new TestExporter(4096);
        DynamicTestExporter dyn = new DynamicTestExporter(4096);
        try (DmaBuf a = sys.export(ExportInfo.of("s", 4096, stat)).handle();
                DmaBuf b = sys.export(ExportInfo.of("d", 4096, dyn)).handle();
                Attachment sa = a.attach(dev); Attachment da = b.attach(dev, IGNORING)) {
            assertEquals(List.of("attach dev"), stat.calls);
            assertEquals(List.of("attach dev"), dyn.calls);
            assertFalse(sa.isPinned());
            assertFalse(da.isPinned());
            Mapping m = da.mapUnlocked(Direction.TO_DEVICE);
            assertFalse(m.isCached());
            da.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("ATT-5, PIN-2: when the pin at attach is refused the attach is undone")
    void refusedPinUndoesTheAttach(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(4096);
        exp.refusePin = true;
        try (DmaBuf buf = sys.export(ExportInfo.of("dyn", 4096, exp)).handle()) {
            assertThrows(PinRefusedException.class, () -> buf.attach(dev));
            assertEquals(List.of("attach dev", "pin dev", "detach dev"), exp.calls);
            assertEquals(0, exp.pins);
        }
        assertEquals(1, exp.releases);
    }

    @Test
    @DisplayName("ATT-5: when the map at attach fails the pin and the attach are undone")
    void failedMapUndoesPinAndAttach(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(8192);
        exp.mangle = entries -> entries.subList(0, 1).stream()
                .map(e -> org.dmabuf4j.api.SgEntry.withoutPage(e.dmaAddress(), 4096)).toList();
        try (DmaBuf buf = sys.export(ExportInfo.of("dyn", 8192, exp)).handle()) {
            assertThrows(RuleViolationException.class, () -> buf.attach(dev));
            assertEquals(List.of("attach dev", "pin dev", "map dev BIDIRECTIONAL", "unmap dev BIDIRECTIONAL",
                    "unpin dev", "detach dev"), exp.calls);
            assertEquals(0, dev.liveTranslations());
        }
    }

    @Test
    @DisplayName("ATT-6: detach unmaps the cached mapping and drops the implicit pin before the exporter's detach")
    void detachUndoesCachedMappingAndPinFirst(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DynamicTestExporter exp = new DynamicTestExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("dyn", 4096, exp)).handle()) {
            Attachment att = buf.attach(dev);
            Mapping cached = att.mapUnlocked(Direction.BIDIRECTIONAL);
            long address = cached.dmaAddress(0);
            exp.calls.clear();
            att.close();
            assertEquals(List.of("unmap dev BIDIRECTIONAL", "unpin dev", "detach dev"), exp.calls);
            assertFalse(cached.isValid());
            assertFalse(dev.isMapped(address, 4096));
            assertEquals(0, exp.pins);
        }
    }

    @Test
    @DisplayName("ATT-7: attach needs an open, non-null device")
    void attachNeedsAnOpenDevice(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("gone").build();
        dev.close();
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            assertFails(RuleViolationException.class, Rule.ATT_7, () -> buf.attach(null));
            ClosedException e = assertFails(ClosedException.class, Rule.ATT_7, () -> buf.attach(dev));
            assertTrue(e.getMessage().contains("'gone'"), e::getMessage);
            assertNull(null);
        }
    }
}
