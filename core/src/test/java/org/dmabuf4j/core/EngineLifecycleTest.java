package org.dmabuf4j.core;

import static org.dmabuf4j.core.EngineTests.BOUND;
import static org.dmabuf4j.core.EngineTests.assertAll;
import static org.dmabuf4j.core.EngineTests.awaitFailed;
import static org.dmabuf4j.core.EngineTests.awaitOk;
import static org.dmabuf4j.core.EngineTests.awaitParkedOn;
import static org.dmabuf4j.core.EngineTests.cpuRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.engine.EngineImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Engine threads: started lazily, parked while idle, ended with their device; pending jobs fail (DEV-7). */
@ExtendWith({EngineThreads.class, SystemExtension.class, LogCapture.class})
class EngineLifecycleTest {
    private static final int SIZE = 8192;

    @Test
    @DisplayName("DEV-7: closing a device fails its pending jobs' fences with a ClosedException, in order, moving nothing")
    void closingTheDeviceFailsPendingJobs(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            List<Fence> jobs = new ArrayList<>();
            jobs.add(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1).after(gate.point(1))));
            jobs.add(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 2)));
            jobs.add(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 3)));
            Thread engine = ((EngineImpl) dev.engine()).thread();
            awaitParkedOn(engine, gate.point(1));
            assertEquals(3, dev.engine().pendingJobs());
            AtomicReference<FenceStatus> waiterSaw = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().name("waiter").start(() -> {
                try {
                    jobs.getLast().awaitUninterruptibly();
                } catch (FenceFailedException expected) {
                    waiterSaw.set(jobs.getLast().status());
                }
            });
            awaitParkedOn(waiter, jobs.getLast());

            dev.close();

            assertFalse(engine.isAlive(), "the engine thread outlived close()");
            for (int i = 0; i < jobs.size(); i++) {
                ClosedException e = assertInstanceOf(ClosedException.class, awaitFailed(jobs.get(i)));
                assertEquals(Rule.DEV_7, e.rule());
                assertTrue(e.getMessage().contains("'camera'"), e::getMessage);
                if (i > 0) {
                    assertTrue(jobs.get(i).timestampNanos() >= jobs.get(i - 1).timestampNanos(),
                            "pending jobs failed out of seqno order");
                }
            }
            waiter.join(BOUND);
            assertFalse(waiter.isAlive(), "a thread waiting for a pending job outlived the device");
            assertEquals(FenceStatus.ERROR, waiterSaw.get());
            assertEquals(0, dev.engine().pendingJobs());
            assertAll((byte) 0, cpuRead(buf), "the buffer: no pending job may run after close");
            assertEquals(0, dev.counters().dmaWrites());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-7: closing devices ends every engine thread they started, and the threads waiting on their jobs")
    void closingDevicesEndsAllTheirThreads(SimulatedSystem sys) throws InterruptedException {
        assertEquals(List.of(), EngineThreads.live());
        SimulatedDevice a = sys.newDevice("a").engines(2).build();
        SimulatedDevice b = sys.newDevice("b").engines(2).build();
        sys.newDevice("unused").engines(4).build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment aa = buf.attach(a); Attachment ba = buf.attach(b);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping ma = aa.mapUnlocked(Direction.TO_DEVICE);
            Mapping mb = ba.mapUnlocked(Direction.TO_DEVICE);
            List<Thread> waiters = new ArrayList<>();
            for (SimulatedDevice d : List.of(a, b)) {
                Mapping m = d == a ? ma : mb;
                for (DeviceEngine e : d.engines()) {
                    Fence f = e.submit(Job.read(m, 0, MemorySegment.ofArray(new byte[64]))
                            .after(gate.point(1)));
                    waiters.add(Thread.ofPlatform().name("waiter " + e).start(f::awaitUninterruptibly));
                }
            }
            assertEquals(4, EngineThreads.live().size(), () -> "engine threads: " + EngineThreads.live());
            a.close();
            assertEquals(2, EngineThreads.live().size(), () -> "engine threads: " + EngineThreads.live());
            b.close();
            assertEquals(List.of(), EngineThreads.live());
            for (Thread w : waiters) {
                w.join(BOUND);
                assertFalse(w.isAlive(), w.getName() + " is still waiting");
            }
            aa.unmapUnlocked(ma);
            ba.unmapUnlocked(mb);
        }
    }

    @Test
    @DisplayName("DEV-7: an idle engine thread parks (it does not spin) until the next job")
    void idleEngineThreadParks(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            awaitOk(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1)));
            Thread engine = ((EngineImpl) dev.engine()).thread();
            awaitState(engine, Thread.State.WAITING);
            awaitOk(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 2)));
            assertSame(engine, ((EngineImpl) dev.engine()).thread(), "a second thread for the same engine");
            awaitState(engine, Thread.State.WAITING);
            assertAll((byte) 2, cpuRead(buf), "the buffer");
            att.unmapUnlocked(m);
        }
    }

    private static void awaitState(Thread t, Thread.State state) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (t.getState() != state) {
            if (System.nanoTime() > deadline) {
                fail(t.getName() + " is " + t.getState() + ", not " + state);
            }
            Thread.yield();
        }
    }

    @Test
    @DisplayName("DEV-7: a fence callback on the engine's thread may close the device; the next job fails, nothing hangs")
    void closingFromACallbackOnTheEngineThread(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev);
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            Fence first = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1).after(gate.point(1)));
            Fence second = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 2));
            assertTrue(first.addCallback(f -> dev.close()));
            gate.advance(1);
            awaitOk(first);
            assertEquals(Rule.DEV_7, assertInstanceOf(ClosedException.class, awaitFailed(second)).rule());
            Thread engine = ((EngineImpl) dev.engine()).thread();
            engine.join(BOUND);
            assertFalse(engine.isAlive());
            assertAll((byte) 1, cpuRead(buf), "the buffer");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @ExpectedLogs("system closed with")
    @DisplayName("DEV-7: closing the system closes its devices: pending jobs fail and engine threads end")
    void closingTheSystemEndsEngines() throws InterruptedException {
        SimulatedSystem own = DmaBufs.newSystem();
        Fence job;
        Thread engine;
        try (Timeline gate = own.fences().newTimeline("gate")) {
            SimulatedDevice dev = own.newDevice("camera").build();
            DmaBuf buf = own.systemHeap().allocate(SIZE);
            Attachment att = buf.attach(dev);
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 1).after(gate.point(1)));
            engine = ((EngineImpl) dev.engine()).thread();
            awaitParkedOn(engine, gate.point(1));
            own.close();
            assertFalse(engine.isAlive());
            assertEquals(Rule.DEV_7, assertInstanceOf(ClosedException.class, awaitFailed(job)).rule());
            buf.close();
        }
        SystemExtension.assertClean(own, false);
    }
}
