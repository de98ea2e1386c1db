package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threads sharing one compressed NV12 image, each owning a column band that shares tiles with its neighbours, write
 * and read it through per-plane windows while also converting private images on a shared device's engines with only
 * implicit synchronisation; every read is checked against each thread's model (FMT-9, FMT-10, CPU-2). Seeded: the
 * seed is printed, replay with -Ddmabuf4j.seed.
 */
@ExtendWith(SystemExtension.class)
class ImageStressTest {
    private static final int THREADS = 4;
    private static final int BAND = 100; // pixels: bands share tiles (128-byte tile columns)
    private static final int HEIGHT = 96;
    private static final int OPS = 250;

    @Test
    @DisplayName("FMT-9, FMT-10: concurrent plane windows on shared compressed tiles and image jobs lose no byte")
    void concurrentImageAccessKeepsEveryThreadsPixels(SimulatedSystem sys) throws Exception {
        Random seeds = Seeds.random("ImageStressTest");
        SimulatedDevice gpu = sys.newDevice("gpu").engines(2)
                .formats(ImageUsage.SAMPLE, Images.everything()).formats(ImageUsage.RENDER, Images.everything())
                .nonCoherent().build();
        try (Image shared = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, THREADS * BAND, HEIGHT,
                FormatModifier.SIM_TILED_CCS))) {
            Images.writePattern(shared, 99); // stale bytes under the fast clear below: a missed resolve shows them
            try (ImageAttachment a = shared.attach(gpu, ImageUsage.RENDER)) {
                // every tile starts fast-cleared, so that the threads' first writes resolve shared tiles
                gpu.engine().submit(Job.fill(a.mapUnlocked(Direction.BIDIRECTIONAL), Region.WHOLE, 0, 0))
                        .await(Duration.ofSeconds(30));
            }
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<byte[][]>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long seed = seeds.nextLong();
                    int id = t;
                    results.add(pool.submit(() -> new Worker(sys, gpu, shared, id, new Random(seed)).run(start)));
                }
                List<byte[][]> models = new ArrayList<>();
                for (Future<byte[][]> f : results) {
                    models.add(f.get(120, TimeUnit.SECONDS));
                }
                // the image holds every thread's last pixels in its band
                try (ImageAccess r = shared.beginCpuAccess(Access.READ)) {
                    for (int t = 0; t < THREADS; t++) {
                        checkBand(r, t, models.get(t));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The Y and UV bytes of thread {@code t}'s band, row-major: Y rows of BAND bytes, then UV rows of BAND bytes. */
    private static void checkBand(ImageAccess whole, int t, byte[][] model) {
        for (int p = 0; p < 2; p++) {
            CpuAccess plane = whole.plane(p);
            for (int y = 0; y < model[p].length / BAND; y++) {
                MemorySegment row = plane.row(y);
                for (int i = 0; i < BAND; i++) {
                    assertEquals(model[p][y * BAND + i], row.get(ValueLayout.JAVA_BYTE, (long) t * BAND + i),
                            "thread " + t + " plane " + p + " row " + y + " byte " + i);
                }
            }
        }
    }

    /** One thread's work and its model of its band. */
    private static final class Worker {
        private final SimulatedSystem sys;
        private final SimulatedDevice gpu;
        private final Image shared;
        private final int id;
        private final Random rnd;
        private final byte[][] model = {new byte[BAND * HEIGHT], new byte[BAND * HEIGHT / 2]};

        Worker(SimulatedSystem sys, SimulatedDevice gpu, Image shared, int id, Random rnd) {
            this.sys = sys;
            this.gpu = gpu;
            this.shared = shared;
            this.id = id;
            this.rnd = rnd;
        }

        byte[][] run(CyclicBarrier start) throws Exception {
            List<FormatModifier> layouts = Images.LAYOUTS;
            try (Image a = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 130, 70,
                    layouts.get(rnd.nextInt(3))));
                 Image b = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 130, 70,
                         layouts.get(rnd.nextInt(3))));
                 ImageAttachment in = a.attach(gpu, ImageUsage.SAMPLE);
                 ImageAttachment out = b.attach(gpu, ImageUsage.RENDER)) {
                ImageMapping src = in.mapUnlocked(Direction.TO_DEVICE);
                ImageMapping dst = out.mapUnlocked(Direction.BIDIRECTIONAL);
                start.await(30, TimeUnit.SECONDS);
                for (int op = 0; op < OPS; op++) {
                    switch (rnd.nextInt(4)) {
                        case 0, 1 -> writeShared(op);
                        case 2 -> readShared();
                        default -> convert(src, dst, a, b, op);
                    }
                }
            }
            return model;
        }

        /** A random rectangle of the band, with even corners so that UV samples belong to one band. */
        private Region.Rect rect() {
            int x = rnd.nextInt(BAND / 2) * 2;
            int y = rnd.nextInt(HEIGHT / 2) * 2;
            int w = 2 + rnd.nextInt((BAND - x) / 2) * 2;
            int h = 2 + rnd.nextInt((HEIGHT - y) / 2) * 2;
            return new Region.Rect(id * BAND + x, y, Math.min(w, BAND - x), Math.min(h, HEIGHT - y));
        }

        private void writeShared(int op) {
            Region.Rect r = rect();
            Access access = rnd.nextBoolean() ? Access.WRITE : Access.READ_WRITE;
            try (ImageAccess w = shared.beginCpuAccess(access, r)) {
                for (int p = 0; p < 2; p++) {
                    CpuAccess plane = w.plane(p);
                    Region.Rect pr = (Region.Rect) plane.region();
                    int bps = p == 0 ? 1 : 2;
                    for (int i = 0; i < plane.rowCount(); i++) {
                        MemorySegment row = plane.row(i);
                        for (int b = 0; b < row.byteSize(); b++) {
                            byte v = (byte) (op * 13 + id * 51 + p * 7 + i * 3 + b);
                            row.set(ValueLayout.JAVA_BYTE, b, v);
                            model[p][(pr.y() + i) * BAND + pr.x() * bps - id * BAND + b] = v;
                        }
                    }
                }
            }
        }

        private void readShared() {
            Region.Rect r = rect();
            try (ImageAccess w = shared.beginCpuAccess(Access.READ, r)) {
                for (int p = 0; p < 2; p++) {
                    CpuAccess plane = w.plane(p);
                    Region.Rect pr = (Region.Rect) plane.region();
                    int bps = p == 0 ? 1 : 2;
                    for (int i = 0; i < plane.rowCount(); i++) {
                        MemorySegment row = plane.row(i);
                        for (int b = 0; b < row.byteSize(); b++) {
                            assertEquals(model[p][(pr.y() + i) * BAND + pr.x() * bps - id * BAND + b],
                                    row.get(ValueLayout.JAVA_BYTE, b), "thread " + id + " plane " + p + " row "
                                    + (pr.y() + i) + " byte " + b);
                        }
                    }
                }
            }
        }

        /** CPU write of a private image, a device conversion, and a CPU read that waits for it implicitly. */
        private void convert(ImageMapping src, ImageMapping dst, Image a, Image b, int op) {
            Images.writePattern(a, op + id);
            gpu.engines().get(id % 2).submit(Job.convert(src, dst)); // no wait: the read below waits implicitly
            Images.checkPattern(b, op + id);
        }
    }
}
