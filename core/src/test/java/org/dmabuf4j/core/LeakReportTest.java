package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.core.buffer.SystemImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SAFE-6 (issue #16 item 2): CPU windows, mappings, vmap counts, attachments and acquire contexts dropped while open
 * are reported with where they were opened, and what they held is given back; a closing system names where its open
 * windows, attachments and mappings were opened. The garbage collector decides when a dropped object is found: each
 * test drops it in a helper method, then runs {@code System.gc()} and waits, bounded, on the report the leak sink
 * records (no sleeping).
 */
@ExtendWith({EngineThreads.class, SystemExtension.class, LogCapture.class})
@SystemSettings(expectLeaks = true)
@ExpectedLogs("[SAFE-6] leaked")
class LeakReportTest {
    private static final long SIZE = 64 * KIB;

    /** Collects garbage until {@code count} leak reports arrived (at most 200 collections, 50 ms each). */
    private static List<String> awaitReports(SimulatedSystem sys, int count) throws InterruptedException {
        SystemImpl impl = (SystemImpl) sys;
        for (int i = 0; i < 200; i++) {
            System.gc();
            if (impl.awaitLeakReports(count, Duration.ofMillis(50))) {
                return sys.leakReports();
            }
        }
        throw new AssertionError("expected " + count + " leak report(s) after 200 garbage collections, got "
                + sys.leakReports());
    }

    /** Collects garbage until a report starting with {@code prefix} arrived. */
    private static String awaitReport(SimulatedSystem sys, String prefix) throws InterruptedException {
        SystemImpl impl = (SystemImpl) sys;
        for (int i = 0; i < 200; i++) {
            System.gc();
            impl.awaitLeakReports(sys.leakReports().size() + 1, Duration.ofMillis(50));
            for (String r : sys.leakReports()) {
                if (r.startsWith(prefix)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no report " + prefix + " after 200 garbage collections: " + sys.leakReports());
    }

    private static void assertReport(String report, String what, String site) {
        assertTrue(report.startsWith("[SAFE-6] leaked " + what), report);
        assertTrue(report.contains(site), () -> "the report names where it was opened (" + site + "): " + report);
    }

    // ---- windows --------------------------------------------------------------------------------------------------

    private static void openWindowAndForgetIt(DmaBuf buf) {
        CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(0, 4096));
        w.segment().fill((byte) 0x5a);
    }

    @Test
    @DisplayName("SAFE-6: a CPU window dropped open is reported with where it was opened, and its buffer is released")
    void droppedWindowIsReportedAndEnded(SimulatedSystem sys) throws InterruptedException {
        DmaBuf buf = sys.systemHeap().allocate(8L << 20);
        buf.setName("forgotten-window");
        openWindowAndForgetIt(buf);
        buf.close();
        assertEquals(1, sys.liveBufferIds().size(), "the open window holds the buffer and its 8 MiB");
        String report = awaitReports(sys, 1).getFirst();
        assertReport(report, "a WRITE CPU window on", "openWindowAndForgetIt");
        assertTrue(report.contains("'forgotten-window'"), report);
        assertEquals(List.of(), sys.liveBufferIds(), "the window's reference was dropped: the buffer is released");
        assertEquals(0, sys.liveNativeBytes());
        assertEquals(0, ((SystemImpl) sys).openOwnershipClaims());
    }

    @Test
    @DisplayName("SAFE-6: a window dropped open gives back only its own hold on the buffer: an open handle keeps it")
    void droppedWindowLeavesTheHandlesHold(SimulatedSystem sys) throws InterruptedException {
        // a window holds its buffer by its ownership slot, not by a count: the cleaner must close the slot, and must
        // not drop a count the window never took (that would take the handle's and release the buffer under it)
        DmaBuf buf = sys.systemHeap().allocate(SIZE);
        openWindowAndForgetIt(buf);
        assertReport(awaitReports(sys, 1).getFirst(), "a WRITE CPU window on", "openWindowAndForgetIt");
        assertEquals(0, ((SystemImpl) sys).openOwnershipClaims(), "the window's slot is closed");
        assertEquals(1, sys.liveBufferIds().size(), "the open handle still holds the buffer");
        try (CpuAccess r = buf.beginCpuAccess(Access.READ, Region.range(0, 4096))) {
            assertEquals(0x5a, r.segment().get(ValueLayout.JAVA_BYTE, 4095), "with the dropped window's writes");
        }
        buf.close();
        assertEquals(List.of(), sys.liveBufferIds(), "the handle's close releases the buffer");
        assertEquals(0, sys.liveNativeBytes());
    }

    @Test
    @DisplayName("SAFE-6: the writes of a window dropped open on a non-coherent buffer reach memory, as at close")
    void droppedNonCoherentWindowIsCleaned(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice cam = sys.newDevice("cam").nonCoherent().build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment a = buf.attach(cam);
                Arena arena = Arena.ofConfined()) {
            openWindowAndForgetIt(buf);
            awaitReports(sys, 1);
            assertTrue(sys.leakReports().getFirst().contains("dirty cache lines cleaned"), sys.leakReports()::toString);
            MemorySegment out = arena.allocate(4096);
            try (Mapping m = a.mapUnlocked(Direction.TO_DEVICE)) {
                cam.dmaRead(m.dmaAddress(0), out);
            }
            assertEquals(-1, out.mismatch(arena.allocate(4096).fill((byte) 0x5a)), "the device reads the window's writes");
        }
    }

    @Test
    @DisplayName("SAFE-6: the copy of a window dropped open on an exporter's own memory is written back and freed")
    void droppedCopiedWindowIsWrittenBack(SimulatedSystem sys) throws InterruptedException {
        TestExporter exp = new TestExporter(SIZE);
        try (DmaBuf buf = sys.export(ExportInfo.of("own-memory", SIZE, exp)).handle()) {
            openWindowAndForgetIt(buf);
            awaitReports(sys, 1);
            assertTrue(sys.leakReports().getFirst().contains("bytes written back"), sys.leakReports()::toString);
            assertEquals(0x5a, exp.memory.get(ValueLayout.JAVA_BYTE, 4095));
            assertEquals(0, exp.memory.get(ValueLayout.JAVA_BYTE, 4096), "nothing beyond the window's region");
            assertEquals(List.of("begin WRITE", "end WRITE"), exp.callsStartingWith("begin").isEmpty() ? List.of()
                    : List.of(exp.callsStartingWith("begin").getFirst(), exp.callsStartingWith("end").getFirst()),
                    "the exporter heard the end of the window");
        }
    }

    private static MemorySegment openWindowKeepSegment(DmaBuf buf) {
        return buf.beginCpuAccess(Access.READ).segment();
    }

    @Test
    @DisplayName("SAFE-6: a window whose segment is still reachable is not dropped; once the segment goes, it is")
    void aReachableSegmentKeepsItsWindow(SimulatedSystem sys) throws InterruptedException {
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE)) {
            MemorySegment kept = openWindowKeepSegment(buf);
            SystemImpl impl = (SystemImpl) sys;
            for (int i = 0; i < 10; i++) {
                System.gc();
                assertFalse(impl.awaitLeakReports(1, Duration.ofMillis(20)), "reported while its segment is in use");
            }
            assertEquals(0, kept.get(ValueLayout.JAVA_BYTE, 0), "the segment still works");
            kept = null;
            assertReport(awaitReports(sys, 1).getFirst(), "a READ CPU window", "openWindowKeepSegment");
        }
    }

    // ---- mappings, attachments, vmaps, acquire contexts -----------------------------------------------------------

    private static void mapAndForgetIt(Attachment a) {
        a.mapUnlocked(Direction.BIDIRECTIONAL).dmaAddress(0);
    }

    @Test
    @DisplayName("SAFE-6: a mapping dropped without unmap is reported with where it was mapped, and unmapped")
    void droppedMappingIsReportedAndUnmapped(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment a = buf.attach(dev)) {
            mapAndForgetIt(a);
            assertTrue(dev.liveTranslations() > 0);
            assertReport(awaitReports(sys, 1).getFirst(), "a BIDIRECTIONAL mapping of", "mapAndForgetIt");
            assertEquals(0, dev.liveTranslations(), "its translations are gone");
        } // the attachment detaches: no mapping is left (ATT-2)
    }

    private static void attachMapAndForgetIt(DmaBuf buf, SimulatedDevice dev) {
        buf.attach(dev).mapUnlocked(Direction.TO_DEVICE).dmaAddress(0);
    }

    @Test
    @DisplayName("SAFE-6: an attachment dropped attached is reported with where it was attached, and detached")
    void droppedAttachmentIsReportedAndDetached(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(SIZE);
        DmaBuf buf = sys.export(ExportInfo.of("attached", SIZE, exp)).handle();
        attachMapAndForgetIt(buf, dev);
        buf.close();
        // the attachment and its mapping become unreachable together: whichever the cleaner finds first reports; the
        // attachment's report counts the mapping it unmapped if it came first
        String report = awaitReport(sys, "[SAFE-6] leaked static attachment");
        assertTrue(report.contains("attachMapAndForgetIt"), report);
        assertEquals(List.of("detach dev"), exp.callsStartingWith("detach"), "the exporter heard the detach");
        assertEquals(1, exp.releases, "the attachment's reference was dropped: the buffer is released");
        assertEquals(0, dev.liveTranslations());
    }

    @Test
    @DisplayName("SAFE-6: a dropped attachment whose framework object still has mappings in use is reported, not detached")
    void droppedAttachmentStillInUseStaysAttached(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(SIZE);
        ExportedBuffer eb = sys.export(ExportInfo.of("held", SIZE, exp));
        try (DmaBuf buf = eb.handle()) {
            attachAndForgetIt(buf, dev);
            Attachment held;
            Mapping raw;
            buf.reservation().lock();
            try {
                held = eb.attachments().getFirst(); // the object the exporter's callbacks receive
                raw = held.map(Direction.TO_DEVICE);
            } finally {
                buf.reservation().unlock();
            }
            String report = awaitReport(sys, "[SAFE-6] leaked static attachment");
            assertTrue(report.contains("it stays attached") && report.contains("attachAndForgetIt"), report);
            assertTrue(held.isAttached() && raw.isValid(), "the mapping in use was left alone");
            held.unmapUnlocked(raw);
            held.close();
        }
        assertEquals(1, exp.releases);
    }

    private static void attachAndForgetIt(DmaBuf buf, SimulatedDevice dev) {
        buf.attach(dev).isAttached();
    }

    private static void vmapAndForgetIt(DmaBuf buf) {
        buf.reservation().lock();
        try {
            buf.vmap().segment();
        } finally {
            buf.reservation().unlock();
        }
    }

    @Test
    @DisplayName("SAFE-6: a vmap count dropped without close is reported with where it was taken, and dropped")
    void droppedVmapIsReportedAndDropped(SimulatedSystem sys) throws InterruptedException {
        TestExporter exp = new TestExporter(SIZE);
        try (DmaBuf buf = sys.export(ExportInfo.of("vmapped", SIZE, exp)).handle()) {
            vmapAndForgetIt(buf);
            assertReport(awaitReports(sys, 1).getFirst(), "a vmap of", "vmapAndForgetIt");
            assertEquals(List.of("vunmap"), exp.callsStartingWith("vunmap"), "the last count unmapped");
        }
    }

    private static void createContextAndForgetIt(SimulatedSystem sys) {
        AcquireContext ctx = sys.newAcquireContext();
        ctx.ticket();
    }

    @Test
    @DisplayName("SAFE-6: an acquire context dropped without close is reported with where it was created")
    void droppedAcquireContextIsReported(SimulatedSystem sys) throws InterruptedException {
        createContextAndForgetIt(sys);
        assertReport(awaitReports(sys, 1).getFirst(), "acquire context #", "createContextAndForgetIt");
    }

    // ---- a closing system ---------------------------------------------------------------------------------------

    private static CpuAccess openWindowForClose(DmaBuf buf) {
        return buf.beginCpuAccess(Access.READ_WRITE);
    }

    @Test
    @ExpectedLogs({"system closed with", "has open CPU windows"})
    @DisplayName("SAFE-6: a system closing with a window, an attachment and a mapping open names where each was opened")
    void closingSystemNamesWhereEachOpenObjectWasOpened(LogCapture.Records logs) {
        SimulatedSystem sys = DmaBufs.builder().leakDetection(true).build();
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaBuf buf = sys.systemHeap().allocate(SIZE);
        Attachment a = buf.attach(dev);
        Mapping m = a.mapUnlocked(Direction.TO_DEVICE);
        CpuAccess w = openWindowForClose(buf);
        sys.close();
        assertTrue(logs.contains(Level.WARNING, "system closed with", "a READ_WRITE CPU window on " + Region.WHOLE,
                "opened at org.dmabuf4j.core.LeakReportTest.openWindowForClose"), () -> logs.messages(Level.WARNING)
                .toString());
        assertTrue(logs.contains(Level.WARNING, "static attachment of", "attached at org.dmabuf4j.core.LeakReportTest"
                + ".closingSystemNamesWhereEachOpenObjectWasOpened"), () -> logs.messages(Level.WARNING).toString());
        assertTrue(logs.contains(Level.WARNING, "a TO_DEVICE mapping for device 'dev', mapped at"),
                () -> logs.messages(Level.WARNING).toString());
        assertFalse(m.isValid(), "the system unmapped it");
        w.close();
        buf.close();
    }
}
