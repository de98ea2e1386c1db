package org.dmabuf4j.core;

import static org.dmabuf4j.core.EngineTests.BOUND;
import static org.dmabuf4j.core.EngineTests.assertAll;
import static org.dmabuf4j.core.EngineTests.awaitFailed;
import static org.dmabuf4j.core.EngineTests.awaitOk;
import static org.dmabuf4j.core.EngineTests.awaitParkedOn;
import static org.dmabuf4j.core.EngineTests.cpuFill;
import static org.dmabuf4j.core.EngineTests.cpuRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.engine.EngineImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Implicit synchronisation end to end: engine jobs and CPU windows order themselves through the buffers'
 * reservations, without explicit waits. Jobs are held back deterministically by an explicit dependency on a timeline
 * point that the test advances; that a thread waits is checked by finding it parked on the fence it waits for.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EngineImplicitSyncTest {
    private static final int SIZE = 8192;

    @Test
    @DisplayName("DEV-8, CPU-2: a CPU READ window after an engine write job sees the job's data with no explicit wait")
    void cpuReadAfterEngineWriteSeesTheData(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 0x42));
            assertAll((byte) 0x42, cpuRead(buf), "a READ window opened right after the submission");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8, CPU-2: a CPU READ window waits, parked on the job's fence, until a held-back write job ran")
    void cpuReadWaitsForAHeldBackWriteJob(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            Fence point = gate.point(1);
            Fence job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 0x42).after(point));
            AtomicReference<byte[]> seen = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().name("reader").start(() -> seen.set(cpuRead(buf)));
            awaitParkedOn(reader, job);
            awaitParkedOn(((EngineImpl) dev.engine()).thread(), point);
            assertNull(seen.get(), "the READ window opened before the write job ran");
            assertFalse(job.isSignaled());
            gate.advance(1);
            reader.join(BOUND);
            assertFalse(reader.isAlive());
            assertAll((byte) 0x42, seen.get(), "what the READ window saw");
            assertTrue(job.isSignaled());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8, CPU-2: a CPU WRITE window does not open until an engine READ job of the buffer has finished")
    void cpuWriteWaitsForAnEngineReadJob(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            cpuFill(buf, (byte) 1);
            MemorySegment into = MemorySegment.ofArray(new byte[SIZE]);
            Fence job = dev.engine().submit(Job.read(m, 0, into).after(gate.point(1)));
            AtomicBoolean opened = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                    opened.set(true);
                    w.segment().fill((byte) 2);
                } catch (RuntimeException | Error e) {
                    failure.set(e);
                }
            });
            awaitParkedOn(writer, job);
            assertFalse(opened.get(), "the WRITE window opened while the engine READ job was pending");
            assertFalse(buf.isReady(Access.WRITE), "SYNC-4: the buffer is not ready to write while a reader runs");
            assertTrue(buf.isReady(Access.READ), "SYNC-4: a pending reader does not stop other readers");
            gate.advance(1);
            writer.join(BOUND);
            assertFalse(writer.isAlive());
            assertNull(failure.get());
            assertTrue(opened.get());
            assertAll((byte) 1, into, "the bytes the READ job read (before the CPU wrote)");
            assertAll((byte) 2, cpuRead(buf), "the CPU's bytes after the window");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("CPU-2: a CPU READ window does not wait for a pending engine READ job")
    void cpuReadDoesNotWaitForAnEngineReadJob(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            Fence job = dev.engine().submit(Job.read(m, 0, MemorySegment.ofArray(new byte[SIZE]))
                    .after(gate.point(1)));
            assertTimeoutPreemptively(BOUND, () -> assertAll((byte) 0, cpuRead(buf), "a READ window"));
            assertFalse(job.isSignaled());
            gate.advance(1);
            awaitOk(job);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("RESV-9, DEV-8: a job's fence is added WRITE to the buffers it writes and READ to those it only reads")
    void jobFencesAreAddedWithTheirUsage(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("blitter").build();
        try (DmaBuf a = sys.systemHeap().allocate(SIZE); DmaBuf b = sys.systemHeap().allocate(SIZE);
                Attachment aa = a.attach(dev); Attachment ba = b.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping ma = aa.mapUnlocked(Direction.BIDIRECTIONAL);
            Mapping mb = ba.mapUnlocked(Direction.BIDIRECTIONAL);
            Fence point = gate.point(1);
            Fence copy = dev.engine().submit(Job.copy(ma, 0, mb, 0, SIZE).after(point));
            assertEquals(List.of(new FenceEntry(copy, FenceUsage.READ)), lockedEntries(a));
            assertEquals(List.of(new FenceEntry(copy, FenceUsage.WRITE)), lockedEntries(b));
            assertFalse(a.isReady(Access.WRITE));
            assertTrue(a.isReady(Access.READ));
            assertFalse(b.isReady(Access.READ));
            Fence read = dev.engine().submit(Job.read(mb, 0, MemorySegment.ofArray(new byte[16])));
            Fence write = dev.engine().submit(Job.write(MemorySegment.ofArray(new byte[16]), ma, 0));
            assertEquals(List.of(new FenceEntry(copy, FenceUsage.WRITE), new FenceEntry(read, FenceUsage.READ)),
                    lockedEntries(b), "RESV-2: a READ after an unsignaled WRITE of the same context appends");
            assertEquals(List.of(new FenceEntry(write, FenceUsage.WRITE)), lockedEntries(a),
                    "RESV-2: a WRITE of the same context replaces the earlier READ");
            gate.advance(1);
            awaitOk(write);
            awaitOk(read);
            assertTrue(copy.isSignaled());
            aa.unmapUnlocked(ma);
            ba.unmapUnlocked(mb);
        }
    }

    private static List<FenceEntry> lockedEntries(DmaBuf buf) {
        buf.reservation().lock();
        try {
            return buf.reservation().entries(FenceUsage.BOOKKEEP);
        } finally {
            buf.reservation().unlock();
        }
    }

    @Test
    @DisplayName("DEV-8: a writer job on another device waits for a pending reader job of the buffer")
    void writerJobWaitsForAPendingReaderJob(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice encoder = sys.newDevice("encoder").build();
        SimulatedDevice camera = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment ea = buf.attach(encoder);
                Attachment ca = buf.attach(camera); Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping em = ea.mapUnlocked(Direction.TO_DEVICE);
            Mapping cm = ca.mapUnlocked(Direction.FROM_DEVICE);
            cpuFill(buf, (byte) 7);
            MemorySegment into = MemorySegment.ofArray(new byte[SIZE]);
            Fence reader = encoder.engine().submit(Job.read(em, 0, into).after(gate.point(1)));
            Fence writer = camera.engine().submit(Job.fill(cm, 0, SIZE, (byte) 8));
            awaitParkedOn(((EngineImpl) camera.engine()).thread(), reader);
            assertFalse(writer.isSignaled(), "the writer ran while the reader was pending");
            gate.advance(1);
            awaitOk(writer);
            assertTrue(reader.isSignaled());
            assertAll((byte) 7, into, "what the reader read: the bytes before the writer");
            assertAll((byte) 8, cpuRead(buf), "the writer's bytes");
            ea.unmapUnlocked(em);
            ca.unmapUnlocked(cm);
        }
    }

    @Test
    @DisplayName("DEV-8: a reader job waits for a pending writer job of the buffer, but not for a pending reader")
    void readerJobWaitsForWritersOnly(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice camera = sys.newDevice("camera").build();
        SimulatedDevice encoder = sys.newDevice("encoder").engines(2).build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment ca = buf.attach(camera);
                Attachment ea = buf.attach(encoder); Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping cm = ca.mapUnlocked(Direction.FROM_DEVICE);
            Mapping em = ea.mapUnlocked(Direction.TO_DEVICE);
            Fence writer = camera.engine().submit(Job.fill(cm, 0, SIZE, (byte) 5).after(gate.point(1)));
            MemorySegment first = MemorySegment.ofArray(new byte[SIZE]);
            Fence reader = encoder.engines().get(0).submit(Job.read(em, 0, first));
            awaitParkedOn(((EngineImpl) encoder.engines().get(0)).thread(), writer);
            gate.advance(1);
            awaitOk(reader);
            assertAll((byte) 5, first, "a reader after a writer");

            Fence slowReader = encoder.engines().get(0).submit(Job.read(em, 0, MemorySegment.ofArray(new byte[16]))
                    .after(gate.point(2)));
            MemorySegment second = MemorySegment.ofArray(new byte[SIZE]);
            Fence fastReader = encoder.engines().get(1).submit(Job.read(em, 0, second));
            awaitOk(fastReader);
            assertFalse(slowReader.isSignaled(), "a reader waited for another reader");
            gate.advance(1);
            awaitOk(slowReader);
            ca.unmapUnlocked(cm);
            ea.unmapUnlocked(em);
        }
    }

    @Test
    @DisplayName("SYNC-6, DEV-8: a job waits for fences imported into the buffer's reservation from a sync file")
    void jobWaitsForImportedFences(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline producer = sys.fences().newTimeline("producer")) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            Fence produced = producer.point(1);
            buf.importSyncFile(sys.fences().syncFile(produced, null), Access.WRITE);
            Fence read = dev.engine().submit(Job.read(m, 0, MemorySegment.ofArray(new byte[SIZE])));
            awaitParkedOn(((EngineImpl) dev.engine()).thread(), produced);
            assertFalse(read.isSignaled());
            producer.advance(1);
            awaitOk(read);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: a job waits for explicit dependencies, given as fences or as a sync file")
    void jobWaitsForExplicitDependencies(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dsp").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline a = sys.fences().newTimeline("a"); Timeline b = sys.fences().newTimeline("b")) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            SyncFile both = sys.fences().syncFile(a.point(1), null).merge(sys.fences().syncFile(b.point(1), null),
                    "both");
            Fence job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 3).after(a.point(2)).after(both));
            assertEquals(2, ((Job.Fill) Job.fill(m, 0, 1, (byte) 0).after(a.point(2)).after(both)).after().size());
            Thread engine = ((EngineImpl) dev.engine()).thread();
            awaitParkedOn(engine, a.point(2));
            a.advance(2);
            awaitParkedOn(engine, both.fence());
            assertFalse(job.isSignaled());
            b.advance(1);
            awaitOk(job);
            assertAll((byte) 3, cpuRead(buf), "the job's bytes");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: an explicit dependency that fails fails the job, with its error as cause; nothing is written")
    void failedExplicitDependencyFailsTheJob(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dsp").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            Timeline gate = sys.fences().newTimeline("gate");
            Fence point = gate.point(1);
            Fence job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 3).after(point));
            gate.close();
            Throwable error = awaitFailed(job);
            DmaBufException e = assertInstanceOf(DmaBufException.class, error);
            assertEquals(Rule.DEV_8, e.rule());
            assertSame(point.error().orElseThrow(), e.getCause());
            assertTrue(e.getMessage().contains("'dsp'"), e::getMessage);

            Fence again = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 4).after(point));
            assertSame(point.error().orElseThrow(), awaitFailed(again).getCause(),
                    "a dependency that had already failed at submission fails the job too");
            assertAll((byte) 0, cpuRead(buf), "the buffer after two failed jobs");
            assertEquals(0, dev.counters().dmaWrites());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: a job whose implicit dependency fails after submission fails too; later jobs run normally")
    void failedImplicitDependencyFailsTheJob(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice camera = sys.newDevice("camera").build();
        SimulatedDevice encoder = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment ca = buf.attach(camera);
                Attachment ea = buf.attach(encoder)) {
            Mapping cm = ca.mapUnlocked(Direction.FROM_DEVICE);
            Mapping em = ea.mapUnlocked(Direction.TO_DEVICE);
            Timeline gate = sys.fences().newTimeline("gate");
            Fence produce = camera.engine().submit(Job.fill(cm, 0, SIZE, (byte) 9).after(gate.point(1)));
            MemorySegment into = MemorySegment.ofArray(new byte[SIZE]);
            into.fill((byte) 0x77);
            Fence consume = encoder.engine().submit(Job.read(em, 0, into));
            gate.close();
            Throwable producerError = awaitFailed(produce);
            Throwable consumerError = awaitFailed(consume);
            assertEquals(Rule.DEV_8, assertInstanceOf(DmaBufException.class, consumerError).rule());
            assertSame(producerError, consumerError.getCause());
            assertAll((byte) 0x77, into, "the failed reader's destination");

            MemorySegment later = MemorySegment.ofArray(new byte[SIZE]);
            awaitOk(encoder.engine().submit(Job.read(em, 0, later)));
            assertAll((byte) 0, later, "a later reader: the failed writer's fence is history");
            ca.unmapUnlocked(cm);
            ea.unmapUnlocked(em);
        }
    }
}
