package org.dmabuf4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The user's part of an engine job is its heap-side segment (issue #10, "faulting engine jobs": jobs run no user code,
 * but they touch user memory on the engine's thread). A job whose segment's arena the user closes while the job waits
 * for its dependency fails its fence with a DEV-8 error, moves no byte, and leaves the engine working and the system
 * clean.
 */
final class JobSegmentFreedTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "a {0} job whose heap segment is freed before it runs")
    @ValueSource(strings = {"read", "write"})
    void freedSegment(String kind) {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            SimulatedDevice cam = sys.newDevice("cam").build();
            try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment a = buf.attach(cam)) {
                try (Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL)) {
                    SignalingFence gate = sys.fences().newContext("user", "gate").next();
                    Arena user = Arena.ofShared();
                    MemorySegment seg = user.allocate(4096);
                    Job job = kind.equals("read") ? Job.read(m, 0, seg) : Job.write(seg, m, 0);
                    Fence f = cam.engine().submit(job.after(gate));
                    user.close();
                    gate.signal();
                    assertEquals(FenceStatus.ERROR, f.awaitStatus(WAIT), "the job's fence");
                    DmaBufException e = assertInstanceOf(DmaBufException.class, f.error().orElseThrow());
                    assertEquals(Rule.DEV_8, e.rule(), e::getMessage);
                    Fence again = cam.engine().submit(Job.fill(m, 0, 4096, (byte) 1));
                    assertEquals(FenceStatus.SIGNALED, again.awaitStatus(WAIT), "the engine after the failed job");
                }
            }
            assertEquals(List.of(), Consistency.leftovers(sys), "leftovers");
        }
    }
}
