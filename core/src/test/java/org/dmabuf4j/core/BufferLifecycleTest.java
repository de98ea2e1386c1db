package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

@ExtendWith({SystemExtension.class, LogCapture.class})
class BufferLifecycleTest {
    static void assertRule(Rule rule, DmaBufException e) {
        assertEquals(rule, e.rule(), e::getMessage);
        assertTrue(e.getMessage().startsWith("[" + rule.id() + "]"), e::getMessage);
    }

    static <T extends DmaBufException> T assertFails(Class<T> type, Rule rule, Executable call) {
        T e = assertThrows(type, call);
        assertRule(rule, e);
        return e;
    }

    @Test
    @DisplayName("BUF-1: a buffer's size is page-rounded at allocation, fixed, and readable on a closed handle")
    void sizeIsFixedAndReadableAfterClose(SimulatedSystem sys) {
        DmaBuf buf = sys.systemHeap().allocate(5000);
        assertEquals(8192, buf.size());
        buf.setName("renamed");
        assertEquals(8192, buf.size());
        buf.close();
        assertEquals(8192, buf.size());
        assertFails(RuleViolationException.class, Rule.BUF_1, () -> ExportInfo.of("x", 5000, new TestExporter(8192)));
    }

    @Test
    @DisplayName("BUF-2: release runs once, after the last handle is closed and the last attachment detached")
    void releaseRunsOnceAfterLastHandleAndAttachment(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(4096);
        DmaBuf first = sys.export(ExportInfo.of("test", 4096, exp)).handle();
        DmaBuf second = first.share();
        Attachment att = second.attach(dev);
        first.close();
        second.close();
        assertEquals(0, exp.releases, "released while an attachment remains");
        assertEquals(1, sys.liveBufferIds().size());
        att.close();
        assertEquals(1, exp.releases);
        first.close();
        second.close();
        att.close();
        assertEquals(1, exp.releases, "release ran again");
        assertEquals(List.of("attach dev", "detach dev", "release"), exp.calls);
    }

    @Test
    @DisplayName("BUF-2: an open CPU window keeps the buffer until it is closed")
    void anOpenWindowKeepsTheBuffer(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(4096);
        DmaBuf buf = sys.export(ExportInfo.of("test", 4096, exp)).handle();
        CpuAccess w = buf.beginCpuAccess(Access.WRITE);
        buf.close();
        w.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
        assertEquals(0, exp.releases);
        w.close();
        assertEquals(1, exp.releases);
    }

    @Test
    @DisplayName("BUF-3: a closed handle rejects every call but close, which is idempotent; other handles still work")
    void closedHandleRejectsEveryCallButClose(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaBuf buf = sys.systemHeap().allocate(4096);
        DmaBuf other = buf.share();
        buf.close();
        buf.close();
        assertFalse(buf.isOpen());
        List<Executable> calls = List.of(buf::name, () -> buf.setName("x"), buf::reservation, buf::share,
                () -> buf.attach(dev), () -> buf.attach(dev, a -> { }), () -> buf.beginCpuAccess(Access.READ),
                () -> buf.beginCpuAccess(Access.READ, Region.WHOLE), buf::vmap,
                () -> buf.exportSyncFile(Access.READ), () -> buf.importSyncFile(null, Access.READ),
                () -> buf.isReady(Access.READ), () -> buf.whenReady(Access.READ),
                () -> buf.awaitReady(Access.READ, Duration.ZERO));
        for (Executable call : calls) {
            ClosedException e = assertFails(ClosedException.class, Rule.BUF_3, call);
            assertTrue(e.getMessage().contains("#" + buf.id()), e::getMessage);
        }
        assertTrue(other.isOpen());
        other.setName("still-works");
        assertEquals("still-works", other.name());
        other.close();
    }

    @Test
    @DisplayName("BUF-4: names are at most 31 bytes of UTF-8 without NUL; a bad name is rejected and the old one kept")
    void namesAreBoundedAndBadNamesKeepTheOldOne(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            assertEquals("", buf.name());
            buf.setName("a".repeat(31));
            assertEquals("a".repeat(31), buf.name());
            buf.setName("é".repeat(15) + "a");
            assertEquals(31, buf.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            String kept = buf.name();
            assertFails(RuleViolationException.class, Rule.BUF_4, () -> buf.setName("a".repeat(32)));
            assertFails(RuleViolationException.class, Rule.BUF_4, () -> buf.setName("é".repeat(16)));
            assertFails(RuleViolationException.class, Rule.BUF_4, () -> buf.setName("nul\0inside"));
            assertFails(RuleViolationException.class, Rule.BUF_4, () -> buf.setName(null));
            assertEquals(kept, buf.name());
        }
    }

    @Test
    @DisplayName("BUF-5: a buffer can be renamed while attached, mapped, and with its lock held")
    void renameWhileAttachedAndMapped(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            buf.setName("mapped");
            buf.reservation().lock();
            try {
                buf.setName("locked");
            } finally {
                buf.reservation().unlock();
            }
            assertEquals("locked", buf.name());
            assertEquals("locked", att.buffer().name());
            assertTrue(sys.describeBuffers().contains("'locked'"), sys::describeBuffers);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("BUF-6: share() returns an independent handle to the same buffer; each is closed on its own")
    void shareIsAnIndependentHandle(SimulatedSystem sys) {
        DmaBuf a = sys.systemHeap().allocate(4096);
        DmaBuf b = a.share();
        assertNotSame(a, b);
        assertEquals(a.id(), b.id());
        assertTrue(a.reservation() == b.reservation());
        a.setName("shared");
        assertEquals("shared", b.name());
        b.close();
        assertTrue(a.isOpen());
        assertEquals(1, sys.liveBufferIds().size());
        a.close();
        assertEquals(0, sys.liveBufferIds().size());
    }

    @Test
    @DisplayName("BUF-7: invalid export information is rejected before anything is created")
    void invalidExportsAreRejected(SimulatedSystem sys) {
        assertFails(RuleViolationException.class, Rule.BUF_7, () -> sys.export(null));
        assertFails(RuleViolationException.class, Rule.BUF_7, () -> ExportInfo.of(" ", 4096, new TestExporter(4096)));
        assertFails(RuleViolationException.class, Rule.BUF_7, () -> ExportInfo.of("x", 4096, null));
        assertFails(RuleViolationException.class, Rule.BUF_1, () -> ExportInfo.of("x", 0, new TestExporter(4096)));
        assertEquals(List.of(), sys.liveBufferIds());
        SimulatedSystem closed = DmaBufs.newSystem();
        closed.close();
        assertFails(ClosedException.class, Rule.BUF_3,
                () -> closed.export(ExportInfo.of("x", 4096, new TestExporter(4096))));
    }

    @Test
    @DisplayName("BUF-9: share, close, attach and detach with the reservation lock held are refused; nothing changes")
    void lifecycleCallsWithTheLockHeldAreRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaBuf buf = sys.systemHeap().allocate(4096);
        Attachment att = buf.attach(dev);
        buf.reservation().lock();
        try {
            assertFails(RuleViolationException.class, Rule.BUF_9, buf::share);
            assertFails(RuleViolationException.class, Rule.BUF_9, buf::close);
            assertFails(RuleViolationException.class, Rule.BUF_9, () -> buf.attach(dev));
            assertFails(RuleViolationException.class, Rule.BUF_9, att::close);
        } finally {
            buf.reservation().unlock();
        }
        assertTrue(buf.isOpen());
        assertTrue(att.isAttached());
        att.close();
        buf.close();
    }

    @Test
    @DisplayName("BUF-10: a dynamic exporter must implement both pin and unpin; nothing is exported otherwise")
    void dynamicExportersImplementPinAndUnpin(SimulatedSystem sys) {
        TestExporter noPins = new TestExporter(4096) {
            @Override
            public boolean isDynamic() {
                return true;
            }
        };
        assertFails(RuleViolationException.class, Rule.BUF_10, () -> sys.export(ExportInfo.of("x", 4096, noPins)));
        TestExporter onlyPin = new TestExporter(4096) {
            @Override
            public void pin(Attachment attachment) {
            }
        };
        assertFails(RuleViolationException.class, Rule.BUF_10, () -> sys.export(ExportInfo.of("x", 4096, onlyPin)));
        assertEquals(List.of(), sys.liveBufferIds());
        noPins.release();
        onlyPin.release();
        ExportedBuffer ok = sys.export(ExportInfo.of("dyn", 4096, new DynamicTestExporter(4096)));
        ok.handle().close();
    }

    @Test
    @ExpectedLogs("system closed with")
    @DisplayName("BUF-2, DEV-9: closing a system unmaps, detaches and releases what is still open, exactly once")
    void closingTheSystemReleasesWhatIsOpen(LogCapture.Records logs) {
        SimulatedSystem own = DmaBufs.newSystem();
        SimulatedDevice dev = own.newDevice("dev").nonCoherent().build();
        TestExporter exp = new TestExporter(8192);
        DmaBuf exported = own.export(ExportInfo.of("left-open", 8192, exp)).handle();
        DmaBuf heap = own.systemHeap().allocate(8192);
        Attachment a = exported.attach(dev);
        Attachment b = heap.attach(dev);
        Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
        b.mapUnlocked(Direction.TO_DEVICE);
        own.close();
        assertEquals(List.of(), own.liveBufferIds());
        assertEquals(0, own.liveNativeBytes());
        assertEquals(0, dev.liveTranslations());
        assertFalse(dev.isOpen());
        assertFalse(m.isValid());
        assertEquals(1, exp.releases);
        assertFalse(exported.isOpen());
        exported.close();
        heap.close();
        a.close();
        b.close();
        own.close();
        assertEquals(1, exp.releases, "released twice");
        assertTrue(logs.contains(java.util.logging.Level.WARNING, "system closed with buffer #1 (exporter left-open",
                "1 attachment(s)"), "the closing system names what was still open");
        assertFails(ClosedException.class, Rule.BUF_3, exported::share);
    }
}
