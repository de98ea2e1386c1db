package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Region;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #10 item 2 under concurrency (SAFE-4): writers open, fill and close windows on their own ranges of a buffer
 * on a non-coherent device while another thread maps and unmaps FROM_DEVICE mappings (each unmap invalidates the
 * cache) and a third opens READ windows over everything (each begin invalidates). After every close, the writer's
 * bytes must be in memory. Seeded and bounded.
 */
@ExtendWith(SystemExtension.class)
class DirtyLinesStressTest {
    private static final int WRITERS = 3;
    private static final int ROUNDS = 300;
    private static final long SLICE = 8 * KIB;

    @Test
    @DisplayName("SAFE-4: concurrent unmaps and window begins never discard the bytes of open writable windows")
    void concurrentInvalidatesKeepDirtyLines(SimulatedSystem sys) throws Exception {
        Random seeds = Seeds.random("DirtyLinesStressTest");
        long base = seeds.nextLong();
        SimulatedDevice nc = sys.newDevice("nc").nonCoherent().build();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        try (DmaBuf buf = sys.systemHeap().allocate(WRITERS * SLICE); Attachment att = buf.attach(nc)) {
            CyclicBarrier start = new CyclicBarrier(WRITERS + 2);
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger unmaps = new AtomicInteger();
            List<Future<Integer>> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                int slot = t;
                writers.add(pool.submit(() -> {
                    Random r = new Random(base + slot);
                    Region region = Region.range(slot * SLICE, SLICE);
                    int checked = 0;
                    start.await();
                    for (int i = 0; i < ROUNDS; i++) {
                        byte value = (byte) (1 + r.nextInt(254));
                        Access access = r.nextBoolean() ? Access.WRITE : Access.READ_WRITE;
                        try (CpuAccess w = buf.beginCpuAccess(access, region)) {
                            w.segment().fill(value);
                            // keep the window dirty until at least one unmap's invalidate ran (no sleep: a counter)
                            int seen = unmaps.get();
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (unmaps.get() == seen && System.nanoTime() < deadline) {
                                Thread.onSpinWait();
                            }
                        }
                        try (CpuAccess check = buf.beginCpuAccess(Access.READ, region)) {
                            MemorySegment s = check.segment();
                            long bad = s.mismatch(MemorySegment.ofArray(filled((int) SLICE, value)));
                            assertEquals(-1, bad, "slot " + slot + " round " + i + ": byte " + bad + " lost");
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            Future<Integer> unmapper = pool.submit(() -> {
                start.await();
                int n = 0;
                while (!done.get()) {
                    att.unmapUnlocked(att.mapUnlocked(Direction.FROM_DEVICE));
                    unmaps.incrementAndGet();
                    n++;
                }
                return n;
            });
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int n = 0;
                while (!done.get()) {
                    try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                        r.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
                    }
                    n++;
                }
                return n;
            });
            int total = 0;
            try {
                for (Future<Integer> w : writers) {
                    total += w.get(60, TimeUnit.SECONDS);
                }
            } finally {
                done.set(true);
            }
            int unmapped = unmapper.get(60, TimeUnit.SECONDS);
            int reads = reader.get(60, TimeUnit.SECONDS);
            System.out.println("DirtyLinesStressTest: " + total + " checked windows, " + unmapped + " unmaps, " + reads
                    + " concurrent READ windows, 0 lost bytes");
            assertEquals(WRITERS * ROUNDS, total);
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, value);
        return b;
    }
}
