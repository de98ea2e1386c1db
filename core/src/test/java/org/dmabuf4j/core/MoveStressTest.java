package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Concurrency: importers on several threads (synchronous DMA, engine jobs, CPU windows) keep using one buffer while
 * another thread moves it and evicts it, over and over. Each user owns a slice and always reads back what it wrote:
 * no write is lost by a move, no access touches a stale location, and the invariants hold at the end.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class MoveStressTest {
    private static final int SLICE = 4096;
    private static final int ROUNDS = 150;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    @DisplayName("MOVE-5, MOVE-7, MOVE-8: device, engine and CPU users on four threads survive concurrent moves and"
            + " evictions without losing a write")
    void usersSurviveConcurrentMoves(SimulatedSystem sys) {
        assertTimeoutPreemptively(BOUND, () -> run(sys));
    }

    private static void run(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = sys.newDevice("gpu").peerToPeer(true).localMemory(128 * KIB).build();
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        DeviceMemory vram = gpu.localMemory();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger moves = new AtomicInteger();
        AtomicBoolean moving = new AtomicBoolean(true);
        AtomicIntegerArray last = new AtomicIntegerArray(4);
        try (DmaBuf buf = vram.allocate(64 * KIB);
                RemappingImporter onGpu = RemappingImporter.attach(buf, gpu, Direction.BIDIRECTIONAL, true);
                RemappingImporter onNpu = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true);
                RemappingImporter onDsp = RemappingImporter.attach(buf, dsp, Direction.BIDIRECTIONAL);
                Arena arena = Arena.ofShared()) {
            CyclicBarrier start = new CyclicBarrier(5);
            List<Thread> threads = new ArrayList<>();
            Rounds rounds = new Rounds(moving, last);
            threads.add(worker("gpu-dma", start, failure, () -> dmaRounds(gpu, onGpu, 0, rounds)));
            threads.add(worker("dsp-dma", start, failure, () -> dmaRounds(dsp, onDsp, 1, rounds)));
            threads.add(worker("npu-engine", start, failure, () -> engineRounds(npu, onNpu, 2, arena, rounds)));
            threads.add(worker("cpu", start, failure, () -> cpuRounds(buf, 3, rounds)));
            threads.add(worker("mover", start, failure, () -> {
                for (int i = 0; i < ROUNDS; i++) {
                    if (i % 10 == 9) {
                        try (DmaBuf pressure = vram.allocate(128 * KIB)) {
                            pressure.setName("pressure");
                        }
                    } else {
                        sys.move(buf);
                    }
                    moves.incrementAndGet();
                }
                moving.set(false);
            }));
            for (Thread t : threads) {
                t.join();
            }
            moving.set(false);
            if (failure.get() != null) {
                throw new AssertionError("a user failed: " + failure.get(), failure.get());
            }
            for (int owner = 0; owner < 4; owner++) {
                MoveFixtures.assertCpuSees(buf, (long) owner * SLICE, pattern(SLICE, owner * 1000 + last.get(owner)));
            }
            DeviceMemoryCounters c = vram.counters();
            assertEquals(ROUNDS, moves.get());
            assertTrue(c.moves() > 0, c::toString);
            assertEquals(onGpu.notifications(), onNpu.notifications(), "every move notifies every importer");
        }
    }

    private static Thread worker(String name, CyclicBarrier start, AtomicReference<Throwable> failure,
            ThrowingRunnable body) {
        return Thread.ofPlatform().name(name).start(() -> {
            try {
                start.await();
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /** Users go on for at least ROUNDS rounds and for as long as the mover moves; each records its last round. */
    private record Rounds(AtomicBoolean moving, AtomicIntegerArray last) {
        boolean more(int i, int owner) {
            if (i >= ROUNDS && !moving.get()) {
                return false;
            }
            last.set(owner, i);
            return true;
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Synchronous DMA: write the slice, read it back, through whatever mapping is current. */
    private static void dmaRounds(SimulatedDevice dev, RemappingImporter imp, int owner, Rounds rounds) {
        long at = (long) owner * SLICE;
        for (int i = 0; rounds.more(i, owner); i++) {
            byte[] data = pattern(SLICE, owner * 1000 + i);
            imp.use(m -> {
                dev.dmaWrite(m.dmaAddress(at), MemorySegment.ofArray(data));
                return null;
            });
            byte[] back = imp.use(m -> MoveFixtures.deviceRead(dev, m, at, SLICE));
            assertArrayEquals(data, back, dev.name() + " round " + i);
        }
    }

    /** Engine jobs: a write job and a read job per round; a job that met a dead mapping is submitted again. */
    private static void engineRounds(SimulatedDevice dev, RemappingImporter imp, int owner, Arena arena,
            Rounds rounds)
            throws InterruptedException {
        long at = (long) owner * SLICE;
        MemorySegment from = arena.allocate(SLICE);
        MemorySegment into = arena.allocate(SLICE);
        for (int i = 0; rounds.more(i, owner); i++) {
            byte[] data = pattern(SLICE, owner * 1000 + i);
            MemorySegment.copy(MemorySegment.ofArray(data), 0, from, 0, SLICE);
            while (!runJob(imp, m -> dev.engine().submit(Job.write(from, m, at)))) {
                Thread.onSpinWait();
            }
            while (!runJob(imp, m -> dev.engine().submit(Job.read(m, at, into)))) {
                Thread.onSpinWait();
            }
            assertArrayEquals(data, into.toArray(ValueLayout.JAVA_BYTE), dev.name() + " engine round " + i);
        }
    }

    /** Submits and waits; false if a move killed the mapping first (the job then moved nothing). */
    private static boolean runJob(RemappingImporter imp, java.util.function.Function<Mapping, Fence> submit)
            throws InterruptedException {
        Fence f;
        try {
            f = submit.apply(imp.mapping());
        } catch (InvalidatedMappingException e) {
            return false;
        }
        assertNotEquals(FenceStatus.PENDING, f.awaitStatus(Duration.ofSeconds(30)), () -> f + " never signaled");
        if (f.error().isEmpty()) {
            return true;
        }
        Throwable e = f.error().get();
        if (e instanceof IommuFaultException || e.getCause() instanceof IommuFaultException) {
            return false;
        }
        throw new AssertionError("job failed: " + e, e);
    }

    /** CPU windows on the slice: write it, then read it back in another window. */
    private static void cpuRounds(DmaBuf buf, int owner, Rounds rounds) {
        long at = (long) owner * SLICE;
        for (int i = 0; rounds.more(i, owner); i++) {
            byte[] data = pattern(SLICE, owner * 1000 + i);
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(at, SLICE))) {
                MemorySegment.copy(MemorySegment.ofArray(data), 0, w.segment(), 0, SLICE);
            }
            try (CpuAccess r = buf.beginCpuAccess(Access.READ, Region.range(at, SLICE))) {
                assertArrayEquals(data, r.segment().toArray(ValueLayout.JAVA_BYTE), "cpu round " + i);
            }
        }
    }
}
