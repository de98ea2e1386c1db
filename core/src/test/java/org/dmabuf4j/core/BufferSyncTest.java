package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** Implicit synchronisation of buffers through their reservation (issue 4, item 6). */
@ExtendWith(SystemExtension.class)
class BufferSyncTest {
    private static void add(DmaBuf buf, Fence f, FenceUsage usage) {
        buf.reservation().lock();
        try {
            buf.reservation().reserveFences(1);
            buf.reservation().addFence(f, usage);
        } finally {
            buf.reservation().unlock();
        }
    }

    /** A call running on its own thread, known to be blocked. */
    private record Blocked<T>(Thread thread, CompletableFuture<T> result) {
        T get() throws Exception {
            return result.get(10, TimeUnit.SECONDS);
        }

        Throwable failure() {
            try {
                result.join();
                return null;
            } catch (CompletionException e) {
                return e.getCause();
            }
        }
    }

    /** Runs {@code call} on a new thread and returns once that thread waits (parked), or fails if it finishes. */
    private static <T> Blocked<T> startBlocked(ThrowingSupplier<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("blocked-caller").start(() -> {
            try {
                result.complete(call.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING
                    && !result.isDone()) {
                Thread.onSpinWait();
            }
        });
        assertFalse(result.isDone(), () -> "the call did not wait: " + result);
        return new Blocked<>(t, result);
    }

    @Test
    @DisplayName("CPU-2: begin(READ) waits for writers only; begin(WRITE) waits for readers and writers")
    void beginWaitsForTheFencesOfItsAccess(SimulatedSystem sys) throws Exception {
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Timeline writer = sys.fences().newTimeline("writer");
                Timeline reader = sys.fences().newTimeline("reader")) {
            add(buf, reader.point(1), FenceUsage.READ);
            buf.beginCpuAccess(Access.READ).close();
            Blocked<Boolean> write = startBlocked(() -> {
                try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                    return w.isOpen();
                }
            });
            reader.advance(1);
            assertTrue(write.get());
            add(buf, writer.point(1), FenceUsage.WRITE);
            Blocked<Boolean> read = startBlocked(() -> {
                try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                    return r.isOpen();
                }
            });
            writer.advance(1);
            assertTrue(read.get());
        }
    }

    @Test
    @DisplayName("CPU-2: a begin interrupted while waiting for fences opens nothing")
    void interruptedBeginOpensNothing(SimulatedSystem sys) throws Exception {
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Timeline writer = sys.fences().newTimeline("writer")) {
            add(buf, writer.point(1), FenceUsage.KERNEL);
            Blocked<CpuAccess> begin = startBlocked(() -> buf.beginCpuAccess(Access.READ));
            begin.thread().interrupt();
            Throwable e = assertFails(DmaInterruptedException.class, Rule.CPU_2, () -> {
                throw begin.failure();
            });
            assertTrue(e.getMessage().contains("no window"), e::getMessage);
            assertEquals(0, sys.counters().cpuAccesses());
            writer.advance(1);
        }
    }

    @Test
    @DisplayName("MAP-8: a static importer's map waits for KERNEL fences; a dynamic importer's does not")
    void staticMapWaitsForKernelFences(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment stat = buf.attach(dev);
                Attachment dyn = buf.attach(dev, a -> { });
                Timeline mover = sys.fences().newTimeline("move")) {
            add(buf, mover.point(1), FenceUsage.KERNEL);
            Mapping dm = dyn.mapUnlocked(Direction.TO_DEVICE);
            assertTrue(dm.isValid(), "the dynamic importer waits for fences itself");
            Blocked<Mapping> map = startBlocked(() -> stat.mapUnlocked(Direction.TO_DEVICE));
            mover.advance(1);
            Mapping sm = map.get();
            assertTrue(sm.isValid());
            stat.unmapUnlocked(sm);
        }
    }

    @Test
    @DisplayName("MAP-8: a map interrupted while waiting for KERNEL fences maps nothing")
    void interruptedMapMapsNothing(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment stat = buf.attach(dev);
                Timeline mover = sys.fences().newTimeline("move")) {
            add(buf, mover.point(1), FenceUsage.KERNEL);
            Blocked<Mapping> map = startBlocked(() -> stat.mapUnlocked(Direction.TO_DEVICE));
            map.thread().interrupt();
            assertFails(DmaInterruptedException.class, Rule.MAP_8, () -> {
                throw map.failure();
            });
            assertEquals(0, dev.liveTranslations());
            mover.advance(1);
        }
    }

    @Test
    @DisplayName("SYNC-1: an exported sync file is a snapshot: fences added later are not in it")
    void exportedSyncFileIsASnapshot(SimulatedSystem sys) throws InterruptedException {
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Timeline t1 = sys.fences().newTimeline("a");
                Timeline t2 = sys.fences().newTimeline("b")) {
            add(buf, t1.point(1), FenceUsage.WRITE);
            SyncFile snapshot = buf.exportSyncFile(Access.READ);
            add(buf, t2.point(1), FenceUsage.WRITE);
            assertFalse(snapshot.poll());
            t1.advance(1);
            assertTrue(snapshot.await(Duration.ofSeconds(10)), "the snapshot waits for a later fence");
            assertFalse(buf.isReady(Access.READ));
            t2.advance(1);
            assertTrue(buf.exportSyncFile(Access.WRITE).poll(), "nothing pending gives a signaled sync file");
        }
    }

    @Test
    @DisplayName("SYNC-4: ready to read means no pending writer; ready to write no pending reader or writer")
    void pollReadiness(SimulatedSystem sys) throws Exception {
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Timeline w = sys.fences().newTimeline("w");
                Timeline r = sys.fences().newTimeline("r"); Timeline b = sys.fences().newTimeline("b")) {
            add(buf, b.point(1), FenceUsage.BOOKKEEP);
            assertTrue(buf.isReady(Access.READ), "BOOKKEEP blocked readiness");
            assertTrue(buf.isReady(Access.WRITE), "BOOKKEEP blocked readiness");
            add(buf, r.point(1), FenceUsage.READ);
            assertTrue(buf.isReady(Access.READ));
            assertFalse(buf.isReady(Access.WRITE));
            CompletableFuture<Void> writable = buf.whenReady(Access.WRITE);
            assertFalse(buf.awaitReady(Access.WRITE, Duration.ZERO));
            r.advance(1);
            writable.get(10, TimeUnit.SECONDS);
            add(buf, w.point(1), FenceUsage.WRITE);
            assertFalse(buf.isReady(Access.READ));
            assertFalse(buf.awaitReady(Access.READ, Duration.ofMillis(1)));
            CompletableFuture<Void> readable = buf.whenReady(Access.READ);
            assertFalse(readable.isDone());
            w.advance(1);
            readable.get(10, TimeUnit.SECONDS);
            assertTrue(buf.awaitReady(Access.READ, Duration.ofSeconds(1)));
            assertFails(RuleViolationException.class, Rule.RESV_14,
                    () -> buf.awaitReady(Access.READ, Duration.ofSeconds(-1)));
            b.advance(1);
        }
    }

    @Test
    @DisplayName("SYNC-5: exporting for READ collects writers (and KERNEL); for WRITE readers and writers too")
    void exportUsage(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Timeline k = sys.fences().newTimeline("k");
                Timeline w = sys.fences().newTimeline("w"); Timeline r = sys.fences().newTimeline("r");
                Timeline b = sys.fences().newTimeline("b")) {
            Fence kf = k.point(1);
            Fence wf = w.point(1);
            Fence rf = r.point(1);
            add(buf, kf, FenceUsage.KERNEL);
            add(buf, wf, FenceUsage.WRITE);
            add(buf, rf, FenceUsage.READ);
            add(buf, b.point(1), FenceUsage.BOOKKEEP);
            List<Fence> forRead = sys.fences().unwrap(buf.exportSyncFile(Access.READ).fence());
            List<Fence> forWrite = sys.fences().unwrap(buf.exportSyncFile(Access.WRITE).fence());
            assertEquals(List.of(kf, wf), forRead);
            assertEquals(List.of(kf, wf, rf), forWrite);
            assertEquals(List.of(kf, wf, rf), sys.fences().unwrap(buf.exportSyncFile(Access.READ_WRITE).fence()));
            k.advance(1);
            w.advance(1);
            r.advance(1);
            b.advance(1);
        }
    }

    @Test
    @DisplayName("SYNC-6: importing adds each leaf with WRITE usage for a writing access, else READ, promoting entries")
    void importUsage(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Timeline a = sys.fences().newTimeline("a");
                Timeline b = sys.fences().newTimeline("b"); Timeline c = sys.fences().newTimeline("c")) {
            Fence fa = a.point(1);
            Fence fb = b.point(1);
            Fence fc = c.point(1);
            add(buf, fc, FenceUsage.BOOKKEEP);
            SyncFile pair = sys.fences().syncFile(sys.fences().merge(List.of(fa, fb)), "pair");
            buf.importSyncFile(pair, Access.READ);
            buf.importSyncFile(sys.fences().syncFile(fc, null), Access.READ_WRITE);
            buf.reservation().lock();
            try {
                List<FenceEntry> entries = buf.reservation().entries(FenceUsage.BOOKKEEP);
                assertEquals(3, entries.size(), entries::toString);
                for (FenceEntry e : entries) {
                    assertEquals(e.fence() == fc ? FenceUsage.WRITE : FenceUsage.READ, e.usage(), entries::toString);
                }
            } finally {
                buf.reservation().unlock();
            }
            assertFalse(buf.isReady(Access.READ), "the promoted fence now blocks readers");
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.SYNC_6, () -> buf.importSyncFile(pair, Access.READ));
            } finally {
                buf.reservation().unlock();
            }
            a.advance(1);
            b.advance(1);
            c.advance(1);
        }
    }
}
