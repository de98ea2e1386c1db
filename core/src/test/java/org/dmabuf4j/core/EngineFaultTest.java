package org.dmabuf4j.core;

import static org.dmabuf4j.core.EngineTests.assertAll;
import static org.dmabuf4j.core.EngineTests.assertFails;
import static org.dmabuf4j.core.EngineTests.awaitFailed;
import static org.dmabuf4j.core.EngineTests.awaitOk;
import static org.dmabuf4j.core.EngineTests.cpuFill;
import static org.dmabuf4j.core.EngineTests.cpuRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.engine.EngineImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jobs that meet stale mappings or conflicting accesses fail their fences and move nothing (DEV-8); bad submissions
 * are refused up front and queue nothing.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EngineFaultTest {
    private static final int SIZE = 8192;

    @Test
    @DisplayName("DEV-8: a job whose mapping is unmapped before it runs fails with the IOMMU fault and writes nothing")
    void jobThroughAMappingUnmappedMeanwhileFailsWithTheFault(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            cpuFill(buf, (byte) 1);
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            Fence job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 2).after(gate.point(1)));
            att.unmapUnlocked(m);
            gate.advance(1);
            IommuFaultException e = assertInstanceOf(IommuFaultException.class, awaitFailed(job));
            assertEquals(Rule.DEV_1, e.rule());
            assertTrue(e.getMessage().contains("'camera'") && e.getMessage().contains("unmapped"), e::getMessage);
            assertAll((byte) 1, cpuRead(buf), "the buffer after the faulting job");
            assertEquals(1, dev.counters().faults());
            assertEquals(0, dev.counters().dmaWrites());
        }
    }

    @Test
    @DisplayName("DEV-8: read and copy jobs through a dead mapping fail with the fault and leave their destination alone")
    void readAndCopyThroughADeadMappingMoveNothing(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("blitter").build();
        try (DmaBuf a = sys.systemHeap().allocate(SIZE); DmaBuf b = sys.systemHeap().allocate(SIZE);
                Attachment aa = a.attach(dev); Attachment ba = b.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            cpuFill(a, (byte) 5);
            Mapping src = aa.mapUnlocked(Direction.TO_DEVICE);
            Mapping dst = ba.mapUnlocked(Direction.FROM_DEVICE);
            MemorySegment into = MemorySegment.ofArray(new byte[SIZE]);
            Fence read = dev.engine().submit(Job.read(src, 0, into).after(gate.point(1)));
            Fence copy = dev.engine().submit(Job.copy(src, 0, dst, 0, SIZE));
            aa.unmapUnlocked(src);
            gate.advance(1);
            assertInstanceOf(IommuFaultException.class, awaitFailed(read));
            assertInstanceOf(IommuFaultException.class, awaitFailed(copy));
            assertAll((byte) 0, into, "the read job's destination");
            assertAll((byte) 0, cpuRead(b), "the copy job's destination");
            assertEquals(2, dev.counters().faults());
            ba.unmapUnlocked(dst);
        }
    }

    @Test
    @DisplayName("CPU-11, DEV-8: a job that meets an open CPU write window on its bytes fails with the ownership violation")
    void jobMeetingAnOpenCpuWindowFails(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            Fence job;
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                w.segment().fill((byte) 6);
                job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 7));
                OwnershipViolationException e = assertInstanceOf(OwnershipViolationException.class,
                        awaitFailed(job));
                assertEquals(Rule.CPU_11, e.rule());
            }
            assertAll((byte) 6, cpuRead(buf), "the CPU's bytes");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: a job with a mapping of another device is refused at submission; nothing is queued")
    void mappingOfAnotherDeviceIsRefused(SimulatedSystem sys) {
        SimulatedDevice camera = sys.newDevice("camera").build();
        SimulatedDevice encoder = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(camera)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.DEV_8,
                    () -> encoder.engine().submit(Job.fill(m, 0, SIZE, (byte) 1)));
            assertTrue(e.getMessage().contains("'encoder'") && e.getMessage().contains("'camera'"), e::getMessage);
            assertNothingQueued(encoder, buf);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("MAP-11, DEV-8: a job with a mapping already unmapped is refused at submission; nothing is queued")
    void deadMappingIsRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            att.unmapUnlocked(m);
            assertFails(InvalidatedMappingException.class, Rule.MAP_11,
                    () -> dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1)));
            assertNothingQueued(dev, buf);
        }
    }

    @Test
    @DisplayName("DEV-4: a job that would write through a TO_DEVICE mapping or read through a FROM_DEVICE one is refused")
    void wrongDirectionIsRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping toDevice = att.mapUnlocked(Direction.TO_DEVICE);
            Mapping fromDevice = att.mapUnlocked(Direction.FROM_DEVICE);
            MemorySegment heap = MemorySegment.ofArray(new byte[16]);
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.fill(toDevice, 0, 16, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.write(heap, toDevice, 0));
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.read(fromDevice, 0, heap));
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.copy(fromDevice, 0, fromDevice, 0, 16));
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.copy(toDevice, 0, toDevice, 0, 16));
            assertNothingQueued(dev, buf);
            att.unmapUnlocked(toDevice);
            att.unmapUnlocked(fromDevice);
        }
    }

    @Test
    @DisplayName("DEV-4: the advice for a wrong-direction mapping names DEV-8's fix (a mapping of the engine's own"
            + " device) before remapping")
    void wrongDirectionAdviceSaysDev8First(SimulatedSystem sys) {
        SimulatedDevice camera = sys.newDevice("camera").build();
        SimulatedDevice encoder = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment enc = buf.attach(encoder);
             Mapping encoderInput = enc.mapUnlocked(Direction.TO_DEVICE)) {
            // the beginner's mistake: the encoder's input mapping handed to a job meant for the camera's engine
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.DEV_4,
                    () -> camera.engine().submit(Job.fill(encoderInput, 0, SIZE, (byte) 1)));
            String m = e.getMessage();
            int dev8 = m.indexOf("(DEV-8)");
            int remap = m.indexOf("map FROM_DEVICE or BIDIRECTIONAL");
            assertTrue(dev8 > 0 && remap > dev8, "DEV-8's fix must come before the remap advice: " + m);
            assertTrue(m.contains("use a mapping of an attachment to that device") && m.contains("'encoder'"), m);
            assertNothingQueued(camera, buf);
        }
    }

    @Test
    @DisplayName("DEV-8: null, empty, negative, read-only and out-of-range job arguments are refused")
    void badJobArgumentsAreRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment heap = MemorySegment.ofArray(new byte[16]);
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> dev.engine().submit(null));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.fill(null, 0, 16, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.fill(m, 0, 0, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.fill(m, -1, 16, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.fill(m, SIZE - 15, 16, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.fill(m, Long.MAX_VALUE, 16, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.fill(m, 16, Long.MAX_VALUE, (byte) 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.copy(m, 0, m, SIZE, 1));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.read(m, 0, null));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.read(m, 0, heap.asReadOnly()));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.read(m, 0, MemorySegment.ofArray(
                    new byte[0])));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.read(m, SIZE - 8, heap));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.write(null, m, 0));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> Job.write(heap, m, SIZE));
            Job ok = Job.fill(m, 0, 16, (byte) 1);
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> ok.after((Fence) null));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> ok.after((Fence[]) null));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> ok.after((SyncFile) null));
            assertFails(RuleViolationException.class, Rule.DEV_8,
                    () -> new Job.Fill(m, 0, 16, (byte) 1, null));
            assertFails(RuleViolationException.class, Rule.DEV_8,
                    () -> new Job.Fill(m, 0, 16, (byte) 1, Arrays.asList((Fence) null)));
            assertNothingQueued(dev, buf);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: a device builder refuses fewer than 1 or more than 64 engines, and adds no device")
    void badEngineCountsAreRefused(SimulatedSystem sys) {
        for (int bad : new int[] {0, -1, 65, Integer.MIN_VALUE}) {
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> sys.newDevice("camera").engines(bad));
        }
        assertEquals(List.of(), sys.devices());
        assertEquals(64, sys.newDevice("camera").engines(64).build().engines().size());
    }

    @Test
    @DisplayName("DEV-8: a heap-side segment confined to the submitting thread is refused: the engine could not touch it")
    void confinedSegmentIsRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Arena confined = Arena.ofConfined()) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment s = confined.allocate(64);
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> dev.engine().submit(Job.read(m, 0, s)));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> dev.engine().submit(Job.write(s, m, 0)));
            assertEquals(0, dev.engine().pendingJobs());
            assertEquals(List.of(), lockedEntries(buf));
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: submitting while holding a reservation lock the job needs is refused; nothing is queued")
    void submitWhileHoldingTheLockIsRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.DEV_8,
                        () -> dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1)));
            } finally {
                buf.reservation().unlock();
            }
            assertNothingQueued(dev, buf);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("FENCE-4: submitting from a fence callback (a signaling path) is refused; nothing is queued")
    void submitFromAFenceCallbackIsRefused(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline t = sys.fences().newTimeline("t")) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            AtomicReference<Throwable> seen = new AtomicReference<>();
            assertTrue(t.point(1).addCallback(f -> {
                try {
                    dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1));
                } catch (RuntimeException e) {
                    seen.set(e);
                }
            }));
            t.advance(1);
            RuleViolationException e = assertInstanceOf(RuleViolationException.class, seen.get());
            assertEquals(Rule.FENCE_4, e.rule(), e::getMessage);
            assertNothingQueued(dev, buf);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("FENCE-4: a callback of a job's fence runs on the engine's signaling path: taking a reservation lock"
            + " there is refused, and the engine goes on")
    void lockingInAJobFenceCallbackIsRefused(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            Fence job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1).after(gate.point(1)));
            AtomicReference<Throwable> seen = new AtomicReference<>();
            AtomicReference<Thread> on = new AtomicReference<>();
            assertTrue(job.addCallback(f -> {
                on.set(Thread.currentThread());
                try {
                    buf.reservation().lock();
                    buf.reservation().unlock();
                } catch (RuntimeException e) {
                    seen.set(e);
                }
            }));
            gate.advance(1);
            awaitOk(job);
            assertEquals(((EngineImpl) dev.engine()).thread(), on.get(), "the callback ran on the engine's thread");
            assertEquals(Rule.FENCE_4, assertInstanceOf(RuleViolationException.class, seen.get()).rule());
            awaitOk(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 2)));
            assertAll((byte) 2, cpuRead(buf), "the buffer after the next job");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-7: a closed device refuses submissions with a ClosedException; nothing is queued")
    void closedDeviceRefusesSubmissions(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            awaitOk(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1)));
            dev.close();
            ClosedException e = assertFails(ClosedException.class, Rule.DEV_7,
                    () -> dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 2)));
            assertTrue(e.getMessage().contains("'camera'"), e::getMessage);
            assertEquals(0, dev.engine().pendingJobs());
            assertAll((byte) 1, cpuRead(buf), "the buffer");
            att.unmapUnlocked(m);
        }
    }

    private static void assertNothingQueued(SimulatedDevice dev, DmaBuf buf) {
        assertEquals(0, dev.engine().pendingJobs());
        Thread t = ((EngineImpl) dev.engine()).thread();
        assertTrue(t == null || t.getState() == Thread.State.NEW, "an engine thread started for a refused job");
        assertEquals(List.of(), lockedEntries(buf), "fences left in the reservation by a refused job");
    }

    private static List<FenceEntry> lockedEntries(DmaBuf buf) {
        buf.reservation().lock();
        try {
            return buf.reservation().entries(FenceUsage.BOOKKEEP);
        } finally {
            buf.reservation().unlock();
        }
    }
}
