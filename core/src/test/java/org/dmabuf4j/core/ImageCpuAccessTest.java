package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.buffer.SystemImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-plane CPU access to images (FMT-9): plane rectangles, linear views of tiles, exact syncs, the CPU rules. */
@ExtendWith(SystemExtension.class)
class ImageCpuAccessTest {
    private static Image allocate(SimulatedSystem sys, DrmFormat f, int w, int h, FormatModifier m) {
        return sys.images().allocate(ImageRequest.of(f, w, h, m));
    }

    @Test
    @DisplayName("FMT-9: a pixel rectangle maps to each plane's samples, rounded outward for subsampled planes")
    void planeRectanglesFollowSubsampling(SimulatedSystem sys) {
        try (Image nv12 = allocate(sys, DrmFormat.NV12, 64, 64, FormatModifier.LINEAR);
             ImageAccess w = nv12.beginCpuAccess(Access.READ, Region.rect(1, 1, 3, 3))) {
            assertEquals(2, w.planeCount());
            assertEquals(new Region.Rect(1, 1, 3, 3), w.plane(0).region());
            assertEquals(new Region.Rect(0, 0, 2, 2), w.plane(1).region(), "UV samples covering pixels 1..3");
            assertEquals(3, w.plane(0).row(0).byteSize());
            assertEquals(4, w.plane(1).row(1).byteSize(), "2 UV samples of 2 bytes");
            assertEquals(List.of(new org.dmabuf4j.api.Span(64 * 64, 4), new org.dmabuf4j.api.Span(64 * 64 + 64, 4)),
                    w.plane(1).spans(), "the UV plane's rows in the shared buffer");
        }
        try (Image yuyv = allocate(sys, DrmFormat.YUYV, 64, 8, FormatModifier.SIM_TILED);
             ImageAccess w = yuyv.beginCpuAccess(Access.READ, Region.rect(1, 2, 2, 1))) {
            assertEquals(new Region.Rect(0, 2, 2, 1), w.plane(0).region(), "two macro-pixels cover pixels 1 and 2");
            assertEquals(8, w.plane(0).segment().byteSize());
        }
        try (Image yuv = allocate(sys, DrmFormat.YUV420, 10, 10, FormatModifier.SIM_TILED);
             ImageAccess w = yuv.beginCpuAccess(Access.READ)) {
            assertEquals(3, w.planes().size());
            assertEquals(new Region.Rect(0, 0, 5, 5), w.plane(2).region());
        }
    }

    @Test
    @DisplayName("FMT-9: writing a rectangle of a tiled plane changes exactly its bytes, wherever the tiles put them")
    void tiledWritesAreRegionExact(SimulatedSystem sys) {
        try (Image img = allocate(sys, DrmFormat.NV12, 300, 100, FormatModifier.SIM_TILED)) {
            Images.writePattern(img, 5);
            List<byte[]> before = Images.raw(img);
            Region.Rect r = new Region.Rect(100, 40, 70, 33); // crosses tile columns and rows, odd edges
            try (ImageAccess w = img.beginCpuAccess(Access.WRITE, r)) {
                for (CpuAccess plane : w.planes()) {
                    for (MemorySegment row : plane.segments()) {
                        row.fill((byte) 0xee);
                    }
                }
            }
            List<byte[]> after = Images.raw(img);
            ImageDescriptor d = img.descriptor();
            byte[] expected = before.getFirst().clone();
            for (int p = 0; p < 2; p++) {
                int hsub = p == 0 ? 1 : 2;
                int bps = p == 0 ? 1 : 2;
                for (int y = r.y() / hsub; y < (r.y() + r.height() + hsub - 1) / hsub; y++) {
                    for (long xb = (long) r.x() / hsub * bps; xb < (long) (r.x() + r.width() + hsub - 1) / hsub * bps;
                            xb++) {
                        expected[(int) Images.stored(d, FormatModifier.SIM_TILED, p, y, xb)] = (byte) 0xee;
                    }
                }
            }
            assertArrayEquals(expected, after.getFirst(), "only the rectangle's bytes changed, at the tiled places");
        }
    }

    @Test
    @DisplayName("FMT-9, CPU-9: a tiled plane's window syncs exactly the region's bytes on a non-coherent device")
    void tiledWindowsSyncExactlyTheRegion(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", false);
        try (Image img = allocate(sys, DrmFormat.XRGB8888, 1600, 1200, FormatModifier.SIM_TILED);
             ImageAttachment a = img.attach(gpu, ImageUsage.SAMPLE)) {
            long synced = sys.counters().bytesSynced();
            ImageCounters c0 = sys.images().counters();
            try (ImageAccess w = img.beginCpuAccess(Access.READ_WRITE, Region.rect(10, 10, 10, 10))) {
                w.plane(0).row(3).set(ValueLayout.JAVA_INT, 0, 42);
            }
            assertEquals(800, sys.counters().bytesSynced() - synced, "400 bytes invalidated, 400 cleaned");
            ImageCounters c1 = sys.images().counters();
            assertEquals(400, c1.bytesDetiled() - c0.bytesDetiled());
            assertEquals(400, c1.bytesRetiled() - c0.bytesRetiled());
            assertEquals(1, c1.planeWindows() - c0.planeWindows());
            try (ImageAccess r = img.beginCpuAccess(Access.READ, Region.rect(10, 13, 1, 1))) {
                assertEquals(42, r.plane(0).segment().get(ValueLayout.JAVA_INT, 0));
            }
            assertFalse(a.attachments().isEmpty());
        }
    }

    @Test
    @DisplayName("FMT-9, CPU-6, CPU-4: staged plane windows are read-only when READ and closed with the access")
    void stagedWindowsFollowTheCpuRules(SimulatedSystem sys) {
        try (Image img = allocate(sys, DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED_CCS)) {
            ImageAccess r = img.beginCpuAccess(Access.READ);
            MemorySegment row = r.plane(1).row(0);
            assertThrows(IllegalArgumentException.class, () -> row.set(ValueLayout.JAVA_BYTE, 0, (byte) 1),
                    "a READ window's rows are read-only");
            r.close();
            assertFalse(r.isOpen());
            assertThrows(IllegalStateException.class, () -> row.get(ValueLayout.JAVA_BYTE, 0),
                    "rows die with the window");
            assertFails(ClosedException.class, Rule.CPU_4, () -> r.plane(0).row(0));
        }
    }

    @Test
    @DisplayName("FMT-9, CPU-5: a THREAD plane window refuses other threads; a SHARED one serves them")
    void confinementOfPlaneWindows(SimulatedSystem sys) throws Exception {
        try (Image img = allocate(sys, DrmFormat.XRGB8888, 200, 50, FormatModifier.SIM_TILED)) {
            try (ImageAccess mine = img.beginCpuAccess(Access.WRITE)) {
                RuleViolationException e = CompletableFuture.supplyAsync(() -> assertThrows(
                        RuleViolationException.class, () -> mine.plane(0).row(0))).get();
                assertEquals(Rule.CPU_5, e.rule());
                RuleViolationException close = CompletableFuture.supplyAsync(() -> assertThrows(
                        RuleViolationException.class, mine::close)).get();
                assertEquals(Rule.CPU_5, close.rule());
                assertTrue(mine.isOpen(), "a refused close changes nothing");
            }
            try (ImageAccess shared = img.beginCpuAccess(Access.WRITE, Region.WHOLE, Confinement.SHARED)) {
                CompletableFuture.runAsync(() -> shared.plane(0).row(7).set(ValueLayout.JAVA_INT, 0, 7)).get();
            }
            try (ImageAccess r = img.beginCpuAccess(Access.READ, Region.rect(0, 7, 1, 1))) {
                assertEquals(7, r.plane(0).segment().get(ValueLayout.JAVA_INT, 0));
            }
        }
    }

    @Test
    @DisplayName("FMT-9: a compressed plane reads fast-cleared tiles as zero and resolves a tile it writes in part")
    void compressedTilesResolveOnPartialWrites(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        try (Image img = allocate(sys, DrmFormat.XRGB8888, 64, 64, FormatModifier.SIM_TILED_CCS)) {
            Images.writePattern(img, 9);
            try (ImageAttachment a = img.attach(gpu, ImageUsage.RENDER)) {
                ImageMapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
                gpu.engine().submit(Job.fill(m, Region.WHOLE, 0L)).await(Duration.ofSeconds(30));
            }
            ImageDescriptor d = img.descriptor();
            byte[] data = Images.raw(img).getFirst();
            assertEquals(Images.pattern(9, 0, 5, 5), data[(int) Images.stored(d, FormatModifier.SIM_TILED, 0, 5, 5)],
                    "a fast clear leaves the data bytes stale");
            assertEquals(1, data[(int) Images.metadata(d, 0, 5, 5)], "and marks the tile CLEAR");
            try (ImageAccess r = img.beginCpuAccess(Access.READ)) {
                for (MemorySegment row : r.plane(0).segments()) {
                    assertEquals(-1L, row.mismatch(MemorySegment.ofArray(new byte[(int) row.byteSize()])),
                            "a cleared tile reads zero");
                }
            }
            long resolved = sys.images().counters().tilesResolved();
            try (ImageAccess w = img.beginCpuAccess(Access.WRITE, Region.rect(2, 2, 1, 1))) {
                w.plane(0).segment().set(ValueLayout.JAVA_INT, 0, 0x01020304);
            }
            assertEquals(1, sys.images().counters().tilesResolved() - resolved, "the one tile under the pixel");
            data = Images.raw(img).getFirst();
            assertEquals(0, data[(int) Images.metadata(d, 0, 2, 8)], "the written tile holds its data (RAW)");
            assertEquals(0, data[(int) Images.stored(d, FormatModifier.SIM_TILED, 0, 5, 5)],
                    "resolving zeroed the stale bytes around the write");
            try (ImageAccess r = img.beginCpuAccess(Access.READ, Region.rect(0, 2, 4, 1))) {
                MemorySegment row = r.plane(0).segment();
                assertEquals(0, row.get(ValueLayout.JAVA_INT, 4));
                assertEquals(0x01020304, row.get(ValueLayout.JAVA_INT, 8));
            }
        }
    }

    @Test
    @DisplayName("FMT-9, CPU-2: a plane window waits for the device job writing the image")
    void planeWindowsWaitForDeviceWork(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", false);
        try (Image img = allocate(sys, DrmFormat.NV12, 256, 64, FormatModifier.SIM_TILED);
             ImageAttachment a = img.attach(gpu, ImageUsage.RENDER)) {
            ImageMapping m = a.mapUnlocked(Direction.FROM_DEVICE);
            gpu.engine().submit(Job.fill(m, Region.WHOLE, 16, 0x8080));
            try (ImageAccess r = img.beginCpuAccess(Access.READ, Region.rect(200, 60, 4, 4))) {
                assertEquals(16, r.plane(0).row(3).get(ValueLayout.JAVA_BYTE, 3));
                assertEquals((byte) 0x80, r.plane(1).row(1).get(ValueLayout.JAVA_BYTE, 3));
            }
        }
    }

    @Test
    @DisplayName("CPU-7: an image region is WHOLE or a Rect within the image")
    void regionsAreChecked(SimulatedSystem sys) {
        try (Image img = allocate(sys, DrmFormat.NV12, 64, 64, FormatModifier.LINEAR)) {
            assertFails(RuleViolationException.class, Rule.CPU_7, () -> img.beginCpuAccess(Access.READ,
                    Region.range(0, 4096)));
            assertFails(RuleViolationException.class, Rule.CPU_7, () -> img.beginCpuAccess(Access.READ,
                    Region.rect(60, 0, 5, 1)));
            assertFails(RuleViolationException.class, Rule.CPU_7, () -> img.beginCpuAccess(Access.READ, null));
        }
    }

    @Test
    @DisplayName("FMT-9: the planes open all or none: a plane that cannot open closes the ones before it")
    void planesOpenAllOrNone(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED)
                .withDisjointPlanes(true))) {
            assertEquals(2, img.buffers().size());
            img.buffers().get(1).reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.CPU_8, () -> img.beginCpuAccess(Access.WRITE));
            } finally {
                img.buffers().get(1).reservation().unlock();
            }
            assertEquals(0, ((SystemImpl) sys).openOwnershipClaims(), "plane 0's window was closed again");
            Images.writePattern(img, 3);
            Images.checkPattern(img, 3);
        }
    }

    @Test
    @DisplayName("BUF-3: a closed image refuses CPU access and attachments")
    void closedImagesRefuse(SimulatedSystem sys) {
        Image img = allocate(sys, DrmFormat.RGB565, 8, 8, FormatModifier.LINEAR);
        img.close();
        img.close();
        assertFalse(img.isOpen());
        assertFails(ClosedException.class, Rule.BUF_3, () -> img.beginCpuAccess(Access.READ));
        assertEquals(DrmFormat.RGB565, img.descriptor().format(), "the descriptor answers after close");
    }
}
