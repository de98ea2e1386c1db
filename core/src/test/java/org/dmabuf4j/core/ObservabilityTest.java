package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.buffer.SystemImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN §8: the bufinfo dump, counters per heap and device, JFR events and leak reports. */
@ExtendWith({SystemExtension.class, LogCapture.class})
class ObservabilityTest {

    @Test
    @DisplayName("the bufinfo dump lists size, exporter, name, handles, attachments with mapping state, and fences")
    void dumpDescribesLiveBuffers(SimulatedSystem sys) {
        SimulatedDevice camera = sys.newDevice("camera").nonCoherent().build();
        try (DmaBuf buf = sys.systemHeap().allocate(1 << 20); DmaBuf second = buf.share();
                Attachment att = buf.attach(camera); Timeline t = sys.fences().newTimeline("camera-tl")) {
            buf.setName("frame-0");
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            buf.reservation().lock();
            try {
                buf.reservation().reserveFences(1);
                buf.reservation().addFence(t.point(1), FenceUsage.WRITE);
            } finally {
                buf.reservation().unlock();
            }
            String dump = sys.describeBuffers();
            assertTrue(dump.contains("1048576"), dump);
            assertTrue(dump.contains("system"), dump);
            assertTrue(dump.contains("'frame-0'"), dump);
            assertTrue(dump.matches("(?s).*'frame-0'\\s+2\\s+0\\s+0.*"), dump);
            assertTrue(dump.contains("camera (static)"), dump);
            assertTrue(dump.contains("FROM_DEVICE"), dump);
            assertTrue(dump.contains("cpu-cache"), dump);
            assertTrue(dump.contains("camera-tl"), dump);
            assertTrue(dump.contains("Total 1 objects, 1048576 bytes"), dump);
            assertEquals(List.of(second.id()), sys.liveBufferIds());
            t.advance(1);
            att.unmapUnlocked(m);
        }
        assertTrue(sys.describeBuffers().contains("Total 0 objects"));
    }

    @Test
    @DisplayName("counters per heap and per device follow buffers, maps, DMA and syncs, and return to zero")
    void countersFollowTheWork(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").nonCoherent().build();
        try (DmaBuf a = sys.systemHeap().allocate(8192); DmaBuf b = sys.contiguousHeap().allocate(4096);
                Attachment att = a.attach(dev); var arena = java.lang.foreign.Arena.ofConfined()) {
            Counters c = sys.counters();
            assertEquals(2, c.liveBuffers());
            assertEquals(8192 + 4096, c.liveBufferBytes());
            assertEquals(8192 + 4096 + 8192, c.liveNativeBytes(), "buffers plus the CPU cache of the first");
            assertEquals(1, c.heap("system").liveBuffers());
            assertEquals(b.size(), c.heap("contiguous").liveBytes());
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            dev.dmaWrite(m.dmaAddress(0), arena.allocate(100));
            dev.dmaRead(m.dmaAddress(0), arena.allocate(50));
            try (CpuAccess w = a.beginCpuAccess(Access.READ_WRITE, Region.range(0, 1000))) {
                w.segment().fill((byte) 1);
            }
            att.unmapUnlocked(m);
            c = sys.counters();
            DeviceCounters d = c.device("dev");
            assertEquals(1, d.maps());
            assertEquals(1, d.unmaps());
            assertEquals(1, d.dmaWrites());
            assertEquals(100, d.bytesWritten());
            assertEquals(50, d.bytesRead());
            assertEquals(8192, d.bytesSynced(), "unmap BIDIRECTIONAL invalidates the whole buffer");
            assertEquals(2000 + 8192, c.bytesSynced());
            assertEquals(3, c.syncs());
            assertEquals(2000 + 8192, c.heap("system").bytesSynced());
            assertEquals(1, c.cpuAccesses());
            assertEquals(1, c.maps());
            assertEquals(1, c.unmaps());
        }
        Counters end = sys.counters();
        assertEquals(0, end.liveBuffers());
        assertEquals(0, end.liveNativeBytes());
        assertEquals(2, end.releases());
        assertEquals(0, end.device("dev").liveTranslations());
    }

    @Test
    @DisplayName("JFR events are recorded for export, attach, map/unmap, CPU access (with region bytes) and release")
    void flightRecorderEvents(SimulatedSystem sys, @TempDir Path dir) throws Exception {
        SimulatedDevice dev = sys.newDevice("dev").build();
        Path file = dir.resolve("dmabuf4j.jfr");
        try (Recording r = new Recording()) {
            for (String e : List.of("Export", "Attach", "Map", "CpuAccess", "Release")) {
                r.enable("org.dmabuf4j." + e).withoutThreshold();
            }
            r.start();
            try (DmaBuf buf = sys.systemHeap().allocate(BufferLayout.linear(64, 64, 4));
                    Attachment att = buf.attach(dev)) {
                att.unmapUnlocked(att.mapUnlocked(Direction.TO_DEVICE));
                buf.beginCpuAccess(Access.WRITE, Region.rect(0, 0, 8, 8)).close();
            }
            r.stop();
            r.dump(file);
        }
        Set<String> names = new HashSet<>();
        long regionBytes = -1;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            names.add(e.getEventType().getName() + (e.hasField("operation") ? ":" + e.getString("operation") : ""));
            if (e.getEventType().getName().equals("org.dmabuf4j.CpuAccess")) {
                regionBytes = e.getLong("regionBytes");
            }
        }
        assertTrue(names.containsAll(Set.of("org.dmabuf4j.Export", "org.dmabuf4j.Attach", "org.dmabuf4j.Map:map",
                "org.dmabuf4j.Map:unmap", "org.dmabuf4j.CpuAccess", "org.dmabuf4j.Release")), names::toString);
        assertEquals(8 * 8 * 4, regionBytes);
        assertTrue(Files.size(file) > 0);
    }

    private static long leakAHandle(SimulatedSystem sys) {
        DmaBuf leaked = sys.systemHeap().allocate(4096);
        leaked.setName("forgotten");
        return leaked.id();
    }

    @Test
    @SystemSettings(expectLeaks = true)
    @ExpectedLogs("[BUF-8] leaked handle")
    @DisplayName("BUF-8: a handle garbage-collected while open is reported with where it was created, and closed")
    void leakedHandleIsReportedWithItsCreationSite(SimulatedSystem sys, LogCapture.Records logs)
            throws InterruptedException {
        long id = leakAHandle(sys);
        SystemImpl impl = (SystemImpl) sys;
        boolean reported = false;
        for (int i = 0; i < 200 && !reported; i++) {
            System.gc();
            reported = impl.awaitLeakReports(1, Duration.ofMillis(50));
        }
        assertTrue(reported, "no leak reported after 200 garbage collections");
        String report = sys.leakReports().getFirst();
        assertTrue(report.startsWith("[BUF-8]"), report);
        assertTrue(report.contains("#" + id) && report.contains("'forgotten'"), report);
        assertTrue(report.contains("leakAHandle"), report);
        assertEquals(List.of(), sys.liveBufferIds(), "the collected handle was not closed");
        assertEquals(1, sys.counters().leaks());
        assertTrue(logs.contains(java.util.logging.Level.WARNING, "[BUF-8] leaked handle", "'forgotten'"),
                "the report is logged too");
    }
}
