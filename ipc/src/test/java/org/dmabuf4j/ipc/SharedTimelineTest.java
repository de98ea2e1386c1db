package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shared timelines in one process: the creator and an opened view of the same page (another mapping of the memfd,
 * as another process would have). Cross-process death is in {@link ChildProcessTest}.
 */
@ExtendWith(NoLeaks.class)
class SharedTimelineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @DisplayName("IPC-5: a shared timeline's value only increases: a signal that does not move it forward is rejected and changes nothing")
    void theValueOnlyIncreases() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); SharedTimeline t = SharedTimeline.create(sys, "mono")) {
            t.signal(5);
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> t.signal(5));
            assertEquals(Rule.IPC_5, e.rule());
            assertThrows(RuleViolationException.class, () -> t.fail(3, "late"));
            assertEquals(5, t.value());
            assertTrue(t.point(5).isSignaled());
            assertTrue(t.point(3).error().isEmpty(), "the refused fail recorded nothing");
        }
    }

    @Test
    @DisplayName("IPC-5: only the creating process signals a shared timeline")
    void onlyTheCreatorSignals() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); SharedTimeline t = SharedTimeline.create(sys, "owner");
             SharedTimeline view = SharedTimeline.open(sys, t.exportFd(), "view")) {
            assertTrue(t.isCreator());
            assertFalse(view.isCreator());
            assertEquals(Rule.IPC_5, assertThrows(RuleViolationException.class, () -> view.signal(1)).rule());
            assertEquals(0, t.value());
        }
    }

    @Test
    @DisplayName("IPC-5: a point signals when the value reaches it, with the error recorded for it")
    void pointsSignalWithTheirRecordedErrors() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); SharedTimeline t = SharedTimeline.create(sys, "errors");
             SharedTimeline view = SharedTimeline.open(sys, t.exportFd(), "view")) {
            Fence p2 = view.point(2);
            Fence p3 = view.point(3);
            Fence p4 = view.point(4);
            t.signal(1);
            assertEquals(FenceStatus.PENDING, p2.status());
            t.fail(3, "decoder crashed");
            assertEquals(FenceStatus.SIGNALED, p2.awaitStatus(WAIT));
            assertEquals(FenceStatus.ERROR, p3.awaitStatus(WAIT));
            RemoteFenceError err = assertInstanceOf(RemoteFenceError.class, p3.error().orElseThrow());
            assertEquals("decoder crashed", err.reason());
            assertEquals(3, err.seqno());
            assertEquals(FenceStatus.PENDING, p4.status());
            assertEquals(FenceStatus.ERROR, view.point(3).status(), "a point created after the fact sees it too");
            t.signal(4);
            assertEquals(FenceStatus.SIGNALED, p4.awaitStatus(WAIT));
        }
    }

    @Test
    @DisplayName("IPC-5: a waiter sleeping on the futex is woken by the signal, and callbacks see it through the watcher")
    void waitersAreWokenBySignals() throws Exception {
        try (SimulatedSystem sys = DmaBufs.newSystem(); SharedTimeline t = SharedTimeline.create(sys, "wake");
             SharedTimeline view = SharedTimeline.open(sys, t.exportFd(), "view")) {
            Fence p = view.point(7);
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Boolean> result = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                waiting.countDown();
                result.set(p.await(WAIT));
            });
            waiter.start();
            CountDownLatch callback = new CountDownLatch(1);
            view.point(8).addCallback(f -> callback.countDown());
            assertTrue(waiting.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            t.signal(8);
            waiter.join(WAIT.toMillis());
            assertEquals(Boolean.TRUE, result.get());
            assertTrue(callback.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
                    "the watcher signaled the callback's point");
        }
    }

    @Test
    @DisplayName("IPC-6: points pending when the creator closes the timeline fail with a peer-gone error; signaled ones keep their result")
    void pendingPointsFailWhenTheCreatorCloses() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            SharedTimeline t = SharedTimeline.create(sys, "closing");
            try (SharedTimeline view = SharedTimeline.open(sys, t.exportFd(), "view")) {
                Fence done = view.point(1);
                Fence pending = view.point(2);
                t.signal(1);
                t.close();
                FenceFailedException e = assertThrows(FenceFailedException.class, () -> pending.await(WAIT));
                assertEquals(Rule.IPC_6, assertInstanceOf(PeerGoneException.class, e.getCause()).rule());
                assertEquals(FenceStatus.SIGNALED, done.status());
            }
        }
    }

    @Test
    @DisplayName("IPC-5: seeded races of signals against waiters on both mappings never lose a wake-up")
    void racesNeverLoseAWakeUp() throws Exception {
        long seed = Long.getLong("dmabuf4j.seed", System.nanoTime());
        System.out.println("racesNeverLoseAWakeUp: seed " + seed + " (replay with -Ddmabuf4j.seed=" + seed + ")");
        Random random = new Random(seed);
        try (SimulatedSystem sys = DmaBufs.newSystem(); SharedTimeline t = SharedTimeline.create(sys, "race");
             SharedTimeline view = SharedTimeline.open(sys, t.exportFd(), "view")) {
            int points = 200;
            List<Thread> waiters = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < 3; w++) {
                long start = 1 + random.nextInt(10);
                Thread th = new Thread(() -> {
                    for (long p = start; p <= points; p += 7) {
                        if (!view.point(p).await(WAIT)) {
                            failures.add(new AssertionError("point " + p + " not seen within " + WAIT));
                            return;
                        }
                    }
                });
                waiters.add(th);
                th.start();
            }
            for (long v = 1; v <= points; v += 1 + random.nextInt(3)) {
                t.signal(v);
            }
            if (t.value() < points) {
                t.signal(points);
            }
            for (Thread th : waiters) {
                th.join(WAIT.toMillis() * 2);
                assertFalse(th.isAlive(), "a waiter is stuck");
            }
            assertEquals(List.of(), failures);
        }
    }
}
