package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Submission queues of one engine (drm_sched entities) and the deadline-first choice between them (DEV-10).
 *
 * <p>Each test blocks the engine's thread on a job that waits for a gate fence, queues the jobs to order while it is
 * blocked, then opens the gate and records the order in which the queued jobs' fences signal. Whether or not the
 * engine took the blocking job before the others were queued, the order of the others is determined.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EngineQueueTest {
    private static final Duration BOUND = EngineTests.BOUND;

    private static void settle(Fence f) throws Exception {
        f.toCompletableFuture().handle((v, t) -> f).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /** Records the fence in {@code order} when it signals. */
    private static Fence recorded(Fence f, String label, ConcurrentLinkedQueue<String> order) {
        f.addCallback(x -> order.add(label));
        return f;
    }

    @Test
    @DisplayName("DEV-10: without deadlines the engine serves its queues in submission order")
    void queuesWithoutDeadlinesRunInSubmissionOrder(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        DeviceEngine b = dev.engine().newQueue("b");
        SignalingFence gate = sys.fences().newContext("test", "gate").next();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        try (DmaBuf x = sys.systemHeap().allocate(4096); DmaBuf y = sys.systemHeap().allocate(4096);
                Attachment ax = x.attach(dev); Attachment ay = y.attach(dev);
                Mapping mx = ax.mapUnlocked(Direction.BIDIRECTIONAL);
                Mapping my = ay.mapUnlocked(Direction.BIDIRECTIONAL)) {
            Fence blocker = dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 0).after(gate));
            Fence a1 = recorded(dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 1)), "a1", order);
            Fence b1 = recorded(b.submit(Job.fill(my, 0, 4096, (byte) 2)), "b1", order);
            gate.signal();
            for (Fence f : List.of(blocker, a1, b1)) {
                settle(f);
            }
            assertEquals(List.of("a1", "b1"), List.copyOf(order));
        }
    }

    @Test
    @DisplayName("DEV-10: a deadline on a queued job lets its queue overtake another queue's older jobs")
    void deadlineLetsItsQueueOvertake(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        DeviceEngine b = dev.engine().newQueue("b");
        SignalingFence gate = sys.fences().newContext("test", "gate").next();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        try (DmaBuf x = sys.systemHeap().allocate(4096); DmaBuf y = sys.systemHeap().allocate(4096);
                Attachment ax = x.attach(dev); Attachment ay = y.attach(dev);
                Mapping mx = ax.mapUnlocked(Direction.BIDIRECTIONAL);
                Mapping my = ay.mapUnlocked(Direction.BIDIRECTIONAL)) {
            Fence blocker = dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 0).after(gate));
            Fence a1 = recorded(dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 1)), "a1", order);
            Fence a2 = recorded(dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 2)), "a2", order);
            Fence b1 = recorded(b.submit(Job.fill(my, 0, 4096, (byte) 3)), "b1", order);
            Fence b2 = recorded(b.submit(Job.fill(my, 0, 4096, (byte) 4)), "b2", order);
            // the hint is on b's second job: b's whole queue (b1 first) goes before a's older jobs
            b2.setDeadline(System.nanoTime() + Duration.ofMillis(5).toNanos());
            assertEquals(b2.deadline(), b.earliestDeadline());
            gate.signal();
            for (Fence f : List.of(blocker, a1, a2, b1, b2)) {
                settle(f);
            }
            assertEquals(List.of("b1", "b2", "a1", "a2"), List.copyOf(order));
            assertEquals(4, EngineTests.cpuRead(y)[0], "the overtaking queue's jobs ran in their own order");
        }
    }

    @Test
    @DisplayName("DEV-10: a deadline never reorders the jobs of one queue")
    void deadlineNeverReordersOneQueue(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        SignalingFence gate = sys.fences().newContext("test", "gate").next();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        try (DmaBuf x = sys.systemHeap().allocate(4096); Attachment ax = x.attach(dev);
                Mapping mx = ax.mapUnlocked(Direction.BIDIRECTIONAL)) {
            Fence blocker = dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 0).after(gate));
            Fence a1 = recorded(dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 1)), "a1", order);
            Fence a2 = recorded(dev.engine().submit(Job.fill(mx, 0, 4096, (byte) 2)), "a2", order);
            a2.setDeadline(System.nanoTime());
            gate.signal();
            for (Fence f : List.of(blocker, a1, a2)) {
                settle(f);
            }
            assertEquals(List.of("a1", "a2"), List.copyOf(order));
            assertEquals(a1.context(), a2.context());
            assertEquals(a1.seqno() + 1, a2.seqno(), "one queue, one context, seqnos in submission order");
        }
    }

    @Test
    @DisplayName("DEV-10: each queue has its own fence context, name and pending count; the engine counts them all")
    void queuesHaveTheirOwnContexts(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        DeviceEngine b = dev.engine().newQueue("client-b");
        assertNotEquals(dev.engine().context(), b.context());
        assertEquals("engine0/client-b", b.name());
        assertEquals(dev, b.device());
        SignalingFence gate = sys.fences().newContext("test", "gate").next();
        try (DmaBuf y = sys.systemHeap().allocate(4096); Attachment ay = y.attach(dev);
                Mapping my = ay.mapUnlocked(Direction.BIDIRECTIONAL)) {
            Fence f = b.submit(Job.fill(my, 0, 4096, (byte) 9).after(gate));
            assertEquals(b.context(), f.context());
            assertEquals(1, b.pendingJobs());
            assertEquals(1, dev.engine().pendingJobs(), "the engine counts the jobs of all its queues");
            gate.signal();
            settle(f);
            assertEquals(FenceStatus.SIGNALED, f.status());
            assertEquals(0, b.pendingJobs());
        }
    }

    @Test
    @DisplayName("DEV-10: a queue needs a non-blank name; DEV-7: a closed device's engine makes no queue and fails queued jobs")
    void queueNamesAndClosing(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        EngineTests.assertFails(RuleViolationException.class, Rule.DEV_10, () -> dev.engine().newQueue(" "));
        EngineTests.assertFails(RuleViolationException.class, Rule.DEV_10, () -> dev.engine().newQueue(null));
        DeviceEngine b = dev.engine().newQueue("b");
        SignalingFence gate = sys.fences().newContext("test", "gate").next();
        try (DmaBuf y = sys.systemHeap().allocate(4096); Attachment ay = y.attach(dev);
                Mapping my = ay.mapUnlocked(Direction.BIDIRECTIONAL)) {
            Fence pendingOnB = b.submit(Job.fill(my, 0, 4096, (byte) 1).after(gate));
            dev.close();
            settle(pendingOnB);
            assertEquals(FenceStatus.ERROR, pendingOnB.status());
            EngineTests.assertFails(ClosedException.class, Rule.DEV_7, () -> dev.engine().newQueue("late"));
        }
    }
}
