package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several threads sharing and closing handles, attaching and detaching, mapping and unmapping, opening windows and
 * doing DMA, with invariant checks: release exactly once, data intact, every count back to zero (the fixture checks
 * the system afterwards). Seeded: the seed is printed and replayable with -Ddmabuf4j.seed.
 */
@ExtendWith(SystemExtension.class)
class BufferStressTest {
    private static final int THREADS = 4;

    private static void runAll(List<Runnable> workers) {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable w : workers) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    w.run();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " worker(s) failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    @Test
    @DisplayName("BUF-2, BUF-6: racing closes of the last two handles release each buffer exactly once")
    void racingLastClosesReleaseOnce(SimulatedSystem sys) {
        int rounds = 2000;
        List<TestExporter> exporters = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CyclicBarrier barrier = new CyclicBarrier(2);
            DmaBuf[][] pairs = new DmaBuf[rounds][];
            for (int i = 0; i < rounds; i++) {
                TestExporter e = new TestExporter(4096);
                exporters.add(e);
                DmaBuf a = sys.export(ExportInfo.of("race", 4096, e)).handle();
                pairs[i] = new DmaBuf[] {a, a.share()};
            }
            List<Runnable> workers = new ArrayList<>();
            for (int side = 0; side < 2; side++) {
                int s = side;
                workers.add(() -> {
                    for (int i = 0; i < rounds; i++) {
                        try {
                            barrier.await();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        pairs[i][s].close();
                    }
                });
            }
            runAll(workers);
        });
        for (TestExporter e : exporters) {
            assertEquals(1, e.releases, "a buffer was not released exactly once");
        }
        assertEquals(rounds, sys.counters().releases());
    }

    @Test
    @DisplayName("BUF-2, ATT-2, MAP-5, CPU-4: threads share, attach, map, open windows and close at random; "
            + "every buffer is released once")
    void randomLifecyclesReleaseOnce(SimulatedSystem sys) {
        java.util.Random seeds = Seeds.random("randomLifecyclesReleaseOnce");
        int buffers = 8;
        int iterations = 1500;
        List<SimulatedDevice> devices = List.of(sys.newDevice("a").build(), sys.newDevice("b").nonCoherent().build());
        List<TestExporter> exporters = new ArrayList<>();
        List<DmaBuf> roots = new ArrayList<>();
        for (int i = 0; i < buffers; i++) {
            TestExporter e = new TestExporter(16384);
            exporters.add(e);
            DmaBuf root = sys.export(ExportInfo.of("stress", 16384, e)).handle();
            sys.setOwnershipPolicy(root, OwnershipPolicy.OFF);
            roots.add(root);
        }
        AtomicInteger operations = new AtomicInteger();
        List<Runnable> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = seeds.nextLong();
            workers.add(() -> {
                Random rnd = new Random(seed);
                for (int i = 0; i < iterations; i++) {
                    DmaBuf mine = roots.get(rnd.nextInt(buffers)).share();
                    try {
                        switch (rnd.nextInt(4)) {
                            case 0 -> {
                                try (Attachment att = mine.attach(devices.get(rnd.nextInt(2)))) {
                                    Mapping m = att.mapUnlocked(rnd.nextBoolean() ? Direction.TO_DEVICE
                                            : Direction.BIDIRECTIONAL);
                                    m.entries().getFirst().cpuSegment().get(ValueLayout.JAVA_BYTE, 0);
                                    att.unmapUnlocked(m);
                                }
                            }
                            case 1 -> {
                                Region r = Region.range(rnd.nextInt(4) * 4096L, 4096);
                                try (CpuAccess w = mine.beginCpuAccess(Access.READ_WRITE, r)) {
                                    w.segment().set(ValueLayout.JAVA_INT, 0, i);
                                }
                            }
                            case 2 -> mine.share().close();
                            default -> mine.setName("t" + (i % 100));
                        }
                        operations.incrementAndGet();
                    } finally {
                        mine.close();
                    }
                }
            });
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runAll(workers));
        assertEquals(THREADS * iterations, operations.get());
        for (TestExporter e : exporters) {
            assertEquals(0, e.releases, "released while the root handle is open");
        }
        roots.forEach(DmaBuf::close);
        for (TestExporter e : exporters) {
            assertEquals(1, e.releases);
            assertEquals(e.callsStartingWith("attach").size(), e.callsStartingWith("detach").size());
            assertEquals(e.callsStartingWith("map").size(), e.callsStartingWith("unmap").size());
            assertEquals(e.callsStartingWith("begin").size(), e.callsStartingWith("end").size());
        }
        for (SimulatedDevice d : devices) {
            assertEquals(0, d.liveTranslations());
        }
    }

    @Test
    @DisplayName("CPU-9, CPU-11, DEV-1: threads write disjoint regions through windows and a non-coherent device "
            + "reads them back intact, with ownership checking on")
    void disjointRegionsThroughCacheAndDevice(SimulatedSystem sys) {
        java.util.Random seeds = Seeds.random("disjointRegionsThroughCacheAndDevice");
        SimulatedDevice dev = sys.newDevice("reader").nonCoherent().build();
        int region = 4096;
        int iterations = 600;
        try (DmaBuf buf = sys.systemHeap().allocate((long) region * THREADS)) {
            List<Runnable> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                long seed = seeds.nextLong();
                workers.add(() -> {
                    Random rnd = new Random(seed);
                    try (DmaBuf handle = buf.share(); Attachment att = handle.attach(dev);
                            Arena arena = Arena.ofConfined()) {
                        MemorySegment back = arena.allocate(region);
                        for (int i = 0; i < iterations; i++) {
                            byte value = (byte) rnd.nextInt();
                            try (CpuAccess w = handle.beginCpuAccess(Access.WRITE,
                                    Region.range((long) me * region, region))) {
                                w.segment().fill(value);
                            }
                            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
                            dev.dmaRead(m.dmaAddress((long) me * region), back);
                            att.unmapUnlocked(m);
                            for (long k = 0; k < region; k += 511) {
                                if (back.get(ValueLayout.JAVA_BYTE, k) != value) {
                                    throw new AssertionError("thread " + me + " iteration " + i + ": device read "
                                            + back.get(ValueLayout.JAVA_BYTE, k) + " at " + k + ", CPU wrote "
                                            + value);
                                }
                            }
                        }
                    } catch (ClosedException e) {
                        throw new AssertionError(e);
                    }
                });
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runAll(workers));
            assertEquals(0, sys.counters().ownershipViolations());
            // every close cleaned its region; maps for the device also cleaned other threads' open windows
            long cleanedAtClose = (long) THREADS * iterations * region;
            long synced = sys.counters().heap("system").bytesSynced();
            org.junit.jupiter.api.Assertions.assertTrue(synced >= cleanedAtClose, () -> synced + " < "
                    + cleanedAtClose);
        }
    }
}
