package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.SyncWaitFlag;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Engines with Vulkan-style semaphore lists (SYNCOBJ-11) and deadline hints that reach them (SYNCOBJ-8). */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EngineSyncObjectTest {
    private static final Duration BOUND = EngineTests.BOUND;

    /** Waits (bounded) for a fence without caring how it signals. */
    private static Fence settle(Fence f) throws Exception {
        f.toCompletableFuture().handle((v, t) -> f).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        return f;
    }

    @Test
    @DisplayName("SYNCOBJ-11: a job waits for an unsubmitted timeline point, and its fence is attached at its signal point at submission")
    void jobWaitsForPointAndSignalsPoint(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev);
                SyncObject acquire = sys.newSyncObject(SyncObjectKind.TIMELINE, "acquire");
                SyncObject release = sys.newSyncObject(SyncObjectKind.TIMELINE, "release")) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            Fence done = dev.engine().submit(Job.fill(m, 0, 4096, (byte) 7),
                    List.of(new SyncPoint(acquire, 1)), List.of(new SyncPoint(release, 1)));
            assertEquals(1, release.lastPoint(), "the signal point exists from the submission on");
            assertEquals(FenceStatus.PENDING, release.status(1));
            assertFalse(release.waitFor(1, SyncWaitFlag.NONE, Duration.ofMillis(20)),
                    "the job must not run before its wait point is even submitted");
            assertFalse(done.isSignaled());
            acquire.signal(1);
            assertTrue(release.waitFor(1, SyncWaitFlag.NONE, BOUND));
            assertEquals(FenceStatus.SIGNALED, done.status());
            assertEquals(7, EngineTests.cpuRead(buf)[4095]);
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("SYNCOBJ-11: a signal point going backwards rejects the submission before anything is queued or attached")
    void backwardsSignalPointRejectsSubmission(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev);
                SyncObject ok = sys.newSyncObject(SyncObjectKind.TIMELINE, "ok");
                SyncObject late = sys.newSyncObject(SyncObjectKind.TIMELINE, "late")) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            late.signal(5);
            EngineTests.assertFails(RuleViolationException.class, Rule.SYNCOBJ_3, () -> dev.engine().submit(
                    Job.fill(m, 0, 4096, (byte) 1), List.of(), List.of(new SyncPoint(ok, 1), new SyncPoint(late, 5))));
            assertEquals(0, ok.lastPoint(), "all or nothing: the valid point was not attached either");
            assertEquals(0, dev.engine().pendingJobs(), "nothing was queued");
            EngineTests.assertFails(RuleViolationException.class, Rule.SYNCOBJ_11,
                    () -> dev.engine().submit(Job.fill(m, 0, 4096, (byte) 1), null, List.of()));
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("SYNCOBJ-11: a job whose wait point's object closes before a fence arrives fails with the closed error")
    void closedWaitObjectFailsTheJob(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev)) {
            SyncObject sem = sys.newSyncObject(SyncObjectKind.BINARY, "sem");
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            Fence done = dev.engine().submit(Job.fill(m, 0, 4096, (byte) 1), List.of(SyncPoint.of(sem)), List.of());
            sem.close();
            settle(done);
            assertEquals(FenceStatus.ERROR, done.status());
            Throwable cause = done.error().orElseThrow().getCause();
            assertInstanceOf(ClosedException.class, cause, () -> "cause: " + cause);
            assertEquals(Rule.SYNCOBJ_12, ((ClosedException) cause).rule());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("SYNCOBJ-8: a deadline set through an array, chain, merge, sync file or sync-object point reaches the engine")
    void deadlineReachesTheEngineThroughEveryContainer(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        DeviceEngine engine = dev.engine();
        SignalingFence gate = sys.fences().newContext("test", "gate").next();
        SignalingFence other = sys.fences().newContext("test", "other").next();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev);
                SyncObject tl = sys.newSyncObject(SyncObjectKind.TIMELINE, "frames")) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            List<Fence> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(engine.submit(Job.fill(m, 0, 4096, (byte) i).after(gate), List.of(),
                        i == 4 ? List.of(new SyncPoint(tl, 1)) : List.of()));
            }
            assertEquals(OptionalLong.empty(), engine.earliestDeadline());
            List<Runnable> containers = List.of(
                    () -> sys.fences().array(List.of(jobs.get(0), other)).setDeadline(in(50_000)),
                    () -> sys.fences().chain(sys.fences().chain(null, other, 1), jobs.get(1), 2).setDeadline(in(40_000)),
                    () -> sys.fences().merge(List.of(jobs.get(2), other)).setDeadline(in(30_000)),
                    () -> sys.fences().syncFile(jobs.get(3), null).setDeadline(in(20_000)),
                    () -> tl.setDeadline(1, in(10_000)));
            for (int i = 0; i < containers.size(); i++) {
                OptionalLong before = engine.earliestDeadline();
                containers.get(i).run();
                OptionalLong after = engine.earliestDeadline();
                assertTrue(after.isPresent(), "container " + i + " did not reach the engine");
                assertEquals(after.getAsLong(), jobs.get(i).deadline().orElseThrow());
                assertTrue(before.isEmpty() || after.getAsLong() < before.getAsLong(),
                        "container " + i + ": the engine's earliest deadline moved to the new, sooner hint");
            }
            gate.signal();
            for (Fence f : jobs) {
                settle(f);
            }
            assertEquals(OptionalLong.empty(), engine.earliestDeadline(), "no pending job, no deadline");
            att.unmapUnlocked(m);
        }
    }

    /**
     * One base for every hint of a run, an hour ahead: hints taken from the clock at each call could invert under
     * load. The containers' hints are also 10 s apart, since each is converted to the nanoTime clock when it is set
     * (two clock reads that a stall can separate), so no stall short of 10 s can reorder two of them.
     */
    private static final Instant BASE = Instant.now().plusSeconds(3600);

    private static Instant in(long millis) {
        return BASE.plusMillis(millis);
    }
}
