package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.ExporterFaultException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.VMapping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #10 item 1 (SAFE-1): an exporter that frees its memory early, in each way it can, never makes the framework
 * touch freed memory. Exporter-owned memory keeps its own scope in every framework view, so each early free ends in
 * an {@link ExporterFaultException} naming SAFE-1, the buffer and the exporter (or the JDK's checked
 * IllegalStateException on the importer's own access), never in a crash of this JVM; memory of
 * {@link DmaBufSystem#exporterArena()} is kept valid by the framework while it views it.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class, LogCapture.class})
class ExporterMemoryLifetimeTest {
    private static final long SIZE = 16 * KIB;

    /** Where the exporter frees its memory too early: in one of its callbacks. */
    enum FreeAt { NEVER, ATTACH, PIN, MAP, BEGIN, END, VMAP, VUNMAP, UNMAP, UNPIN, DETACH }

    /**
     * A third-party exporter with memory of its own arena, which it frees at {@link #freeAt}; dynamic on request, so
     * that a static attachment is pinned and mapped at attach and unmapped and unpinned at detach (ATT-5).
     */
    static final class EarlyFreeingExporter implements Exporter {
        private final Arena arena;
        private final boolean dynamic;
        final MemorySegment memory;
        volatile FreeAt freeAt = FreeAt.NEVER;

        EarlyFreeingExporter(Arena arena) {
            this(arena, false);
        }

        EarlyFreeingExporter(Arena arena, boolean dynamic) {
            this.arena = arena;
            this.dynamic = dynamic;
            this.memory = arena.allocate(SIZE, 4096);
        }

        @Override
        public boolean isDynamic() {
            return dynamic;
        }

        @Override
        public void attach(Attachment attachment) {
            freeIf(FreeAt.ATTACH);
        }

        @Override
        public void pin(Attachment attachment) {
            freeIf(FreeAt.PIN);
        }

        @Override
        public void unpin(Attachment attachment) {
            freeIf(FreeAt.UNPIN);
        }

        /** Frees the memory now, if not already. */
        void free() {
            if (memory.scope().isAlive()) {
                arena.close();
            }
        }

        private void freeIf(FreeAt point) {
            if (freeAt == point) {
                free();
            }
        }

        @Override
        public void detach(Attachment attachment) {
            freeIf(FreeAt.DETACH);
        }

        @Override
        public List<SgEntry> map(Attachment attachment, Direction direction) {
            freeIf(FreeAt.MAP);
            return attachment.device().mapPages(List.of(memory), direction);
        }

        @Override
        public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
            attachment.device().unmap(entries);
            freeIf(FreeAt.UNMAP);
        }

        @Override
        public void release() {
            free();
        }

        @Override
        public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
            freeIf(FreeAt.BEGIN);
            return memory;
        }

        @Override
        public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
            freeIf(FreeAt.END);
        }

        @Override
        public MemorySegment vmap() {
            freeIf(FreeAt.VMAP);
            return memory;
        }

        @Override
        public void vunmap(MemorySegment m) {
            freeIf(FreeAt.VUNMAP);
        }
    }

    private static DmaBuf export(SimulatedSystem sys, EarlyFreeingExporter exp) {
        DmaBuf buf = sys.export(ExportInfo.of("early-freer", SIZE, exp)).handle();
        buf.setName("victim");
        return buf;
    }

    /** The failure names the rule, the buffer and the exporter. */
    private static void assertSafe1(DmaBuf buf, Executable call) {
        ExporterFaultException e = assertThrows(ExporterFaultException.class, call);
        assertEquals(Rule.SAFE_1, e.rule());
        assertTrue(e.getMessage().contains("'victim' #" + buf.id()), e::getMessage);
        assertTrue(e.getMessage().contains("exporter early-freer"), e::getMessage);
    }

    private static void readWindow(DmaBuf buf) {
        try (CpuAccess w = buf.beginCpuAccess(Access.READ)) {
            w.segment().get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees in vunmap makes the next CPU window fail with SAFE-1, not crash")
    void freeInVunmap(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        exp.freeAt = FreeAt.VUNMAP;
        try (DmaBuf buf = export(sys, exp)) {
            buf.reservation().lock();
            MemorySegment kept;
            try (VMapping v = buf.vmap()) {
                kept = v.segment();
                kept.set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
            } finally {
                buf.reservation().unlock();
            }
            assertSafe1(buf, () -> readWindow(buf));
            MemorySegment stale = kept;
            assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_BYTE, 0),
                    "the vmap's view kept the exporter's scope: the JDK refuses it");
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees in unmap makes DMA through another live mapping fail with SAFE-1")
    void freeInUnmap(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        SimulatedDevice a = sys.newDevice("a").build();
        SimulatedDevice b = sys.newDevice("b").build();
        try (DmaBuf buf = export(sys, exp); Attachment aa = buf.attach(a); Attachment ab = buf.attach(b)) {
            Mapping ma = aa.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mb = ab.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment view = mb.entries().getFirst().cpuSegment();
            exp.freeAt = FreeAt.UNMAP;
            aa.unmapUnlocked(ma);
            try (Arena local = Arena.ofConfined()) {
                MemorySegment dst = local.allocate(64);
                assertSafe1(buf, () -> b.dmaRead(mb.dmaAddress(0), dst));
                assertSafe1(buf, () -> b.dmaWrite(mb.dmaAddress(0), dst));
            }
            assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0),
                    "the mapping's CPU view kept the exporter's scope: the JDK refuses it");
            ab.unmapUnlocked(mb);
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees in detach makes the other attachment's DMA and windows fail with SAFE-1")
    void freeInDetach(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        SimulatedDevice a = sys.newDevice("a").build();
        SimulatedDevice b = sys.newDevice("b").build();
        try (DmaBuf buf = export(sys, exp); Attachment ab = buf.attach(b)) {
            Mapping mb = ab.mapUnlocked(Direction.BIDIRECTIONAL);
            exp.freeAt = FreeAt.DETACH;
            buf.attach(a).close();
            try (Arena local = Arena.ofConfined()) {
                MemorySegment src = local.allocate(64);
                assertSafe1(buf, () -> b.dmaWrite(mb.dmaAddress(0), src));
            }
            assertSafe1(buf, () -> readWindow(buf));
            ab.unmapUnlocked(mb);
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees in endCpuAccess makes the next window fail with SAFE-1")
    void freeInEndCpuAccess(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        exp.freeAt = FreeAt.END;
        try (DmaBuf buf = export(sys, exp)) {
            MemorySegment kept;
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                kept = w.segment();
                kept.fill((byte) 1);
            }
            assertFalse(exp.memory.scope().isAlive(), "the exporter freed its memory in endCpuAccess");
            MemorySegment stale = kept;
            assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_BYTE, 0), "CPU-4 still holds");
            assertSafe1(buf, () -> readWindow(buf));
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter whose beginCpuAccess frees and returns its memory fails the window with SAFE-1")
    void freeInBeginCpuAccess(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        exp.freeAt = FreeAt.BEGIN;
        try (DmaBuf buf = export(sys, exp)) {
            assertSafe1(buf, () -> readWindow(buf));
            assertSafe1(buf, () -> buf.beginCpuAccess(Access.WRITE).close());
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees before release, outside any callback, fails vmap and windows with SAFE-1")
    void freeBeforeRelease(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        try (DmaBuf buf = export(sys, exp)) {
            exp.free();
            buf.reservation().lock();
            try {
                assertSafe1(buf, buf::vmap);
                assertSafe1(buf, buf::vmap); // nothing was counted: the second fails the same way
            } finally {
                buf.reservation().unlock();
            }
            assertSafe1(buf, () -> readWindow(buf));
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees during an open window fails its close with SAFE-1; the window closes")
    void freeDuringOpenWindow(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        try (DmaBuf buf = export(sys, exp)) {
            CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE);
            w.segment().fill((byte) 0x55);
            exp.free();
            assertEquals(0x55, w.segment().get(ValueLayout.JAVA_BYTE, 100), "the window's own copy is still valid");
            assertSafe1(buf, w::close);
            assertFalse(w.isOpen(), "the window is closed anyway");
            w.close();
        }
    }

    @Test
    @DisplayName("SAFE-1: an exporter that frees during an engine job fails the job's fence with SAFE-1")
    void freeDuringEngineJob(SimulatedSystem sys) throws Exception {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared());
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = export(sys, exp); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            SignalingFence gate = sys.fences().newContext("test", "gate").next();
            Fence done = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 3).after(gate));
            CountDownLatch signaled = new CountDownLatch(1);
            done.addCallback(f -> signaled.countDown());
            exp.free();
            gate.signal();
            assertTrue(signaled.await(10, TimeUnit.SECONDS));
            ExporterFaultException e = assertInstanceOf(ExporterFaultException.class, done.error().orElseThrow());
            assertEquals(Rule.SAFE_1, e.rule());
            assertTrue(e.getMessage().contains("#" + buf.id()) && e.getMessage().contains("early-freer"),
                    e::getMessage);
            att.unmapUnlocked(m);
        }
    }

    /**
     * Every way an exporter can free early in one of its callbacks, each deterministic: the callback frees, then every
     * framework access to the buffer (CPU windows of each access, vmap, synchronous DMA both ways through another
     * device's live mapping, an engine job) fails with SAFE-1 naming the buffer and the exporter, the operation that
     * ran the callback itself returns or fails with SAFE-1, and everything still closes without a leak.
     */
    @ParameterizedTest(name = "SAFE-1: an exporter that frees its memory in {0} gets SAFE-1 at every later access")
    @EnumSource(value = FreeAt.class, names = "NEVER", mode = EnumSource.Mode.EXCLUDE)
    void everyWayOfFreeingEarlyEndsInSafe1(FreeAt way, SimulatedSystem sys) throws Exception {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(Arena.ofShared(), true);
        SimulatedDevice a = sys.newDevice("a").build();
        SimulatedDevice b = sys.newDevice("b").build();
        try (DmaBuf buf = export(sys, exp); Attachment ab = buf.attach(b)) {
            Mapping mb = ab.mapUnlocked(Direction.BIDIRECTIONAL); // pinned and cached at attach (ATT-5)
            exp.freeAt = way;
            try {
                switch (way) {
                    case ATTACH, PIN, MAP -> buf.attach(a).close();
                    case UNMAP, UNPIN, DETACH -> {
                        Attachment aa = buf.attach(a);
                        exp.freeAt = way; // attach frees nothing for these
                        aa.close();
                    }
                    case BEGIN, END -> readWindow(buf);
                    case VMAP, VUNMAP -> {
                        buf.reservation().lock();
                        try {
                            buf.vmap().close();
                        } finally {
                            buf.reservation().unlock();
                        }
                    }
                    default -> throw new AssertionError(way);
                }
            } catch (ExporterFaultException e) {
                assertEquals(Rule.SAFE_1, e.rule(), "the callback's own operation fails with SAFE-1 or returns");
            }
            assertFalse(exp.memory.scope().isAlive(), "the exporter freed its memory in " + way);
            exp.freeAt = FreeAt.NEVER;
            assertSafe1(buf, () -> readWindow(buf));
            assertSafe1(buf, () -> buf.beginCpuAccess(Access.WRITE).close());
            assertSafe1(buf, () -> buf.beginCpuAccess(Access.READ_WRITE, Region.range(4096, 4096)).close());
            buf.reservation().lock();
            try {
                assertSafe1(buf, buf::vmap);
            } finally {
                buf.reservation().unlock();
            }
            try (Arena local = Arena.ofConfined()) {
                MemorySegment bytes = local.allocate(64);
                assertSafe1(buf, () -> b.dmaRead(mb.dmaAddress(0), bytes));
                assertSafe1(buf, () -> b.dmaWrite(mb.dmaAddress(128), bytes));
            }
            Fence job = b.engine().submit(Job.fill(mb, 0, SIZE, (byte) 1));
            assertEquals(FenceStatus.ERROR, job.awaitStatus(Duration.ofSeconds(10)), "the job's fence fails");
            ExporterFaultException e = assertInstanceOf(ExporterFaultException.class, job.error().orElseThrow());
            assertEquals(Rule.SAFE_1, e.rule());
        }
        assertEquals(List.of(), sys.liveBufferIds(), "released although its memory was gone");
    }

    @Test
    @DisplayName("SAFE-1: memory of an exporter arena closed during a window stays valid until the window ends")
    void exporterArenaIsKeptWhileViewed(SimulatedSystem sys) {
        EarlyFreeingExporter exp = new EarlyFreeingExporter(sys.exporterArena());
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = export(sys, exp); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment view = m.entries().getFirst().cpuSegment();
            MemorySegment kept;
            try (CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE)) {
                kept = w.segment();
                exp.free();
                assertTrue(exp.memory.scope().isAlive(), "the framework's views keep the memory");
                kept.fill((byte) 9);
                assertEquals(9, view.get(ValueLayout.JAVA_BYTE, 0), "zero copy: the mapping sees the window's bytes");
            }
            MemorySegment stale = kept;
            assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_BYTE, 0), "CPU-4 holds");
            assertTrue(exp.memory.scope().isAlive(), "the mapping's view still holds it");
            att.unmapUnlocked(m);
            assertFalse(exp.memory.scope().isAlive(), "freed once the last framework view ended");
            assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0), "MAP-11 holds");
        }
    }

    @Test
    @ExpectedLogs("[SAFE-1] an exporter arena")
    @DisplayName("SAFE-1: an exporter arena left open is freed when its system closes")
    void exporterArenaIsFreedWithTheSystem(LogCapture.Records logs) {
        MemorySegment memory;
        try (SimulatedSystem other = DmaBufs.newSystem()) {
            memory = other.exporterArena().allocate(4096);
            assertTrue(memory.scope().isAlive());
        }
        assertFalse(memory.scope().isAlive());
        assertTrue(logs.contains(java.util.logging.Level.WARNING, "[SAFE-1] an exporter arena", "never closed"));
    }

    @Test
    @DisplayName("SAFE-1: a closed exporter arena refuses allocations with SAFE-1 and a second close like any arena")
    void closedExporterArenaRefusesAllocation(SimulatedSystem sys) {
        Arena arena = sys.exporterArena();
        MemorySegment m = arena.allocate(4096);
        arena.close();
        assertFalse(m.scope().isAlive(), "no framework view: freed at once");
        org.dmabuf4j.api.ClosedException e = assertThrows(org.dmabuf4j.api.ClosedException.class,
                () -> arena.allocate(64));
        assertEquals(Rule.SAFE_1, e.rule());
        assertThrows(IllegalStateException.class, arena::close);
    }

    /**
     * Found by the testkit's meta-tests: a correct exporter allocating lazily from an exporter arena was failed on
     * HEAP-5 ("the memory the kit can see rose by 0 bytes"), because the system did not count that memory.
     */
    @Test
    @DisplayName("HEAP-5: the memory of an exporter arena counts in the system's live native bytes until it is freed,"
            + " which a framework view defers")
    void exporterArenaMemoryIsCountedUntilFreed(SimulatedSystem sys) {
        long base = sys.liveNativeBytes();
        EarlyFreeingExporter exp = new EarlyFreeingExporter(sys.exporterArena());
        assertEquals(base + SIZE, sys.liveNativeBytes(), "counted from the allocation");
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = export(sys, exp); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            m.entries().getFirst().cpuSegment();
            exp.free();
            assertEquals(base + SIZE, sys.liveNativeBytes(), "a mapping's view keeps the memory, and its count");
            att.unmapUnlocked(m);
            assertEquals(base, sys.liveNativeBytes(), "freed with the last view");
        }
    }
}
