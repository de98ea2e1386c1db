package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.api.VMapping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SystemExtension.class)
class CpuAccessTest {
    private static final BufferLayout IMAGE = BufferLayout.linear(1600, 1200, 4);

    private static void runOnOtherThread(Runnable r) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("on the other thread", failure.get());
        }
    }

    @Test
    @DisplayName("CPU-1: a CPU access is bracketed: the exporter's begin runs before the window, its end at close")
    void accessIsBracketed(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("t", 4096, exp)).handle()) {
            try (CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE)) {
                assertEquals(List.of("begin READ_WRITE"), exp.calls);
                w.segment().set(ValueLayout.JAVA_INT, 0, 42);
            }
            assertEquals(List.of("begin READ_WRITE", "end READ_WRITE"), exp.calls);
            assertEquals(42, exp.memory.get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    @DisplayName("CPU-3: a 1-D window is one segment of exactly its range")
    void rangeWindowIsExactlyTheRange(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(16384);
                CpuAccess whole = buf.beginCpuAccess(Access.READ);
                CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE, Region.range(5000, 300))) {
            MemorySegment s = w.segment();
            assertEquals(300, s.byteSize());
            assertEquals(300, w.byteSize());
            assertEquals(whole.segment().address() + 5000, s.address());
            assertEquals(1, w.rowCount());
            assertEquals(List.of(s), w.segments());
            assertThrows(IndexOutOfBoundsException.class, () -> s.get(ValueLayout.JAVA_BYTE, 300));
            assertFails(RuleViolationException.class, Rule.CPU_3, () -> w.row(1));
        }
    }

    @Test
    @DisplayName("CPU-3: a 2-D window is one segment per row of the rectangle and nothing between the rows")
    void rectWindowIsExactlyTheRows(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(IMAGE); CpuAccess whole = buf.beginCpuAccess(Access.READ);
                CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.rect(100, 200, 10, 10))) {
            assertEquals(10, w.rowCount());
            assertEquals(400, w.byteSize());
            assertFails(RuleViolationException.class, Rule.CPU_3, w::segment);
            assertFails(RuleViolationException.class, Rule.CPU_3, () -> w.row(10));
            assertFails(RuleViolationException.class, Rule.CPU_3, () -> w.row(-1));
            for (int i = 0; i < 10; i++) {
                MemorySegment row = w.row(i);
                assertEquals(40, row.byteSize());
                assertEquals(whole.segment().address() + (200L + i) * IMAGE.stride() + 100 * 4, row.address());
                row.fill((byte) 1);
                assertThrows(IndexOutOfBoundsException.class, () -> row.get(ValueLayout.JAVA_BYTE, 40));
                assertThrows(IndexOutOfBoundsException.class, () -> row.get(ValueLayout.JAVA_BYTE, -1));
            }
            assertEquals(10, w.segments().size());
        }
    }

    @Test
    @DisplayName("CPU-4: a window's segment kept after close fails on access; the window's accessors fail naming CPU-4")
    void segmentKeptAfterCloseFails(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(IMAGE)) {
            CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE, Region.range(0, 64));
            MemorySegment kept = w.segment();
            kept.set(ValueLayout.JAVA_LONG, 0, 7);
            w.close();
            w.close();
            assertFalse(w.isOpen());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> kept.get(ValueLayout.JAVA_LONG, 0));
            assertTrue(e.getMessage().contains("closed"), e::getMessage);
            assertFails(ClosedException.class, Rule.CPU_4, w::segment);
            assertFails(ClosedException.class, Rule.CPU_4, () -> w.row(0));
            assertFails(ClosedException.class, Rule.CPU_4, w::segments);
            CpuAccess rect = buf.beginCpuAccess(Access.WRITE, Region.rect(0, 0, 2, 2));
            MemorySegment row = rect.row(1);
            rect.close();
            assertThrows(IllegalStateException.class, () -> row.fill((byte) 1));
        }
    }

    @Test
    @DisplayName("CPU-4: a closed window still names its segments' addresses, so the JDK's bare 'Already closed' of a"
            + " kept segment can be traced to the window")
    void closedWindowNamesItsSegments(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(BufferLayout.linear(64, 8, 4))) {
            buf.setName("frame-0");
            CpuAccess line = buf.beginCpuAccess(Access.READ_WRITE, Region.range(128, 256));
            MemorySegment kept = line.segment();
            CpuAccess rect = buf.beginCpuAccess(Access.READ, Region.rect(2, 1, 4, 3));
            List<MemorySegment> rows = rect.segments();
            line.close();
            rect.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> kept.get(ValueLayout.JAVA_BYTE, 0));
            assertFalse(e.getMessage().contains("frame-0"), "the JDK's message names no window; this test documents"
                    + " how to find it anyway");
            String first = line.toString();
            assertTrue(first.contains("segment 0x" + Long.toHexString(kept.address()) + " (256 bytes)")
                    && first.contains("'frame-0'") && first.contains("(closed)"), first);
            String second = rect.toString();
            assertTrue(second.contains("3 row segments 0x" + Long.toHexString(rows.getFirst().address()) + " .. 0x"
                    + Long.toHexString(rows.getLast().address()) + " (16 bytes each)"), second);
        }
    }

    @Test
    @DisplayName("CPU-5: a THREAD window is used and closed by its thread only; a SHARED one by any thread")
    void confinement(SimulatedSystem sys) throws InterruptedException {
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            CpuAccess confined = buf.beginCpuAccess(Access.READ_WRITE);
            assertEquals(Confinement.THREAD, confined.confinement());
            MemorySegment s = confined.segment();
            runOnOtherThread(() -> {
                assertThrows(WrongThreadException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0));
                assertFails(RuleViolationException.class, Rule.CPU_5, confined::segment);
                assertFails(RuleViolationException.class, Rule.CPU_5, confined::close);
            });
            assertTrue(confined.isOpen(), "a refused close closed the window");
            confined.close();
            CpuAccess shared = buf.beginCpuAccess(Access.READ_WRITE, Region.WHOLE, Confinement.SHARED);
            shared.segment().set(ValueLayout.JAVA_INT, 0, 5);
            runOnOtherThread(() -> {
                assertEquals(5, shared.segment().get(ValueLayout.JAVA_INT, 0));
                shared.close();
            });
            assertFalse(shared.isOpen());
        }
    }

    @Test
    @DisplayName("CPU-6: a READ window is read-only")
    void readWindowIsReadOnly(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(IMAGE);
                CpuAccess r = buf.beginCpuAccess(Access.READ, Region.rect(0, 0, 4, 4))) {
            for (MemorySegment row : r.segments()) {
                assertTrue(row.isReadOnly());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> row.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
                assertTrue(e.getMessage().contains("read-only"), e::getMessage);
            }
        }
    }

    @Test
    @DisplayName("CPU-7: a region outside the buffer, or 2-D without a layout, is refused and nothing is opened")
    void badRegionsAreRefused(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(8192);
        try (DmaBuf plain = sys.export(ExportInfo.of("t", 8192, exp)).handle();
                DmaBuf image = sys.systemHeap().allocate(BufferLayout.linear(16, 16, 4))) {
            assertFails(RuleViolationException.class, Rule.CPU_7,
                    () -> plain.beginCpuAccess(Access.READ, Region.range(8000, 500)));
            assertFails(RuleViolationException.class, Rule.CPU_7,
                    () -> plain.beginCpuAccess(Access.READ, Region.rect(0, 0, 1, 1)));
            assertFails(RuleViolationException.class, Rule.CPU_7,
                    () -> image.beginCpuAccess(Access.READ, Region.rect(10, 10, 7, 1)));
            assertFails(RuleViolationException.class, Rule.CPU_7, () -> Region.range(-1, 10));
            assertFails(RuleViolationException.class, Rule.CPU_7,
                    () -> plain.beginCpuAccess(Access.READ, null));
            assertEquals(List.of(), exp.calls, "the exporter was asked to begin");
        }
    }

    @Test
    @DisplayName("CPU-8: begin and close with the reservation lock held are refused")
    void lockHeldIsRefused(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.CPU_8, () -> buf.beginCpuAccess(Access.READ));
            } finally {
                buf.reservation().unlock();
            }
            CpuAccess w = buf.beginCpuAccess(Access.READ);
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.CPU_8, w::close);
                assertTrue(w.isOpen());
            } finally {
                buf.reservation().unlock();
            }
            w.close();
        }
    }

    @Test
    @DisplayName("CPU-10: a coherent buffer's window is a zero-copy view that devices see directly")
    void coherentWindowsAreZeroCopy(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(8192); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            long cpu = m.entries().getFirst().cpuSegment().address();
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(4096, 4096))) {
                assertEquals(cpu + 4096, w.segment().address());
                w.segment().set(ValueLayout.JAVA_INT, 0, 0x1234);
            }
            assertEquals(0, sys.counters().syncs(), "a coherent buffer needed a copy");
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment dst = arena.allocate(4);
                dev.dmaRead(m.dmaAddress(4096), dst);
                assertEquals(0x1234, dst.get(ValueLayout.JAVA_INT, 0));
            }
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("CPU-12: an exporter without CPU access refuses begin cleanly, with nothing opened")
    void exporterWithoutCpuAccessRefuses(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(4096);
        exp.cpuAccess = false;
        DmaBuf buf = sys.export(ExportInfo.of("device-only", 4096, exp)).handle();
        assertFails(UnsupportedFeatureException.class, Rule.CPU_12, () -> buf.beginCpuAccess(Access.READ));
        assertTrue(sys.describeBuffers().contains("0       0"), sys::describeBuffers);
        buf.close();
        assertEquals(1, exp.releases, "a refused begin kept a reference");
    }

    @Test
    @DisplayName("CPU-12: a begin that returns too little memory fails with CPU-12 even if the exporter's end fails too")
    void aShortBeginIsReportedEvenIfEndThenFails(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(8192) {
            @Override
            public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
                super.beginCpuAccess(access, spans);
                return memory.asSlice(0, 4096);
            }

            @Override
            public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
                super.endCpuAccess(access, spans, view);
                throw new IllegalStateException("end of a window that was never opened");
            }
        };
        DmaBuf buf = sys.export(ExportInfo.of("short", 8192, exp)).handle();
        RuleViolationException e = assertFails(RuleViolationException.class, Rule.CPU_12,
                () -> buf.beginCpuAccess(Access.READ));
        assertEquals(1, e.getSuppressed().length, "the exporter's failing end is attached to the real cause");
        assertEquals(List.of("begin READ", "end READ"), List.copyOf(exp.calls), "begin and end still come in pairs");
        assertTrue(sys.describeBuffers().contains("0       0"), sys::describeBuffers);
        buf.close();
        assertEquals(1, exp.releases, "a refused begin kept a reference");
    }

    @Test
    @DisplayName("CPU-13: kernel sync flags decode to the access they name; other bits are refused")
    void syncFlagsDecode(SimulatedSystem sys) {
        assertEquals(Access.READ, Access.ofSyncFlags(1));
        assertEquals(Access.WRITE, Access.ofSyncFlags(2));
        assertEquals(Access.READ_WRITE, Access.ofSyncFlags(3 | Access.SYNC_END));
        assertFails(RuleViolationException.class, Rule.CPU_13, () -> Access.ofSyncFlags(0));
        assertFails(RuleViolationException.class, Rule.CPU_13, () -> Access.ofSyncFlags(8 | 1));
        try (DmaBuf buf = sys.systemHeap().allocate(4096);
                CpuAccess w = buf.beginCpuAccess(Access.ofSyncFlags(2))) {
            assertEquals(Access.WRITE, w.access());
        }
    }

    @Test
    @DisplayName("CPU-14: vmap and its close need the lock; vmaps are counted, the exporter maps once and unmaps once")
    void vmapIsCountedUnderTheLock(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(4096, sys); // framework-kept memory: the view closes with the last count
        try (DmaBuf buf = sys.export(ExportInfo.of("t", 4096, exp)).handle()) {
            assertFails(RuleViolationException.class, Rule.CPU_14, buf::vmap);
            buf.reservation().lock();
            VMapping a;
            VMapping b;
            try {
                a = buf.vmap();
                b = buf.vmap();
                assertEquals(a.segment().address(), b.segment().address());
                assertEquals(List.of("vmap"), exp.calls);
            } finally {
                buf.reservation().unlock();
            }
            assertFails(RuleViolationException.class, Rule.CPU_14, a::close);
            MemorySegment kept = a.segment();
            buf.reservation().lock();
            try {
                a.close();
                a.close();
                assertEquals(List.of("vmap"), exp.calls);
                assertFails(ClosedException.class, Rule.CPU_14, a::segment);
                kept.get(ValueLayout.JAVA_BYTE, 0);
                b.close();
                assertEquals(List.of("vmap", "vunmap"), exp.calls);
            } finally {
                buf.reservation().unlock();
            }
            assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_BYTE, 0));
        }
        Exporter noVmap = new Exporter() {
            @Override
            public List<SgEntry> map(Attachment attachment, Direction direction) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
            }

            @Override
            public void release() {
            }
        };
        try (DmaBuf buf = sys.export(ExportInfo.of("novmap", 4096, noVmap)).handle()) {
            buf.reservation().lock();
            try {
                assertFails(UnsupportedFeatureException.class, Rule.CPU_14, buf::vmap);
            } finally {
                buf.reservation().unlock();
            }
        }
    }
}
