package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Layout-converting engine jobs (FMT-10). */
@ExtendWith(SystemExtension.class)
class ImageJobsTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static Image image(SimulatedSystem sys, DrmFormat f, int w, int h, FormatModifier m) {
        return sys.images().allocate(ImageRequest.of(f, w, h, m));
    }

    @Test
    @DisplayName("FMT-10: a rectangle copy converts exactly the rectangle and leaves the rest of the target alone")
    void rectangleCopiesAreExact(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        try (Image a = image(sys, DrmFormat.NV12, 300, 90, FormatModifier.SIM_TILED_CCS);
             Image b = image(sys, DrmFormat.NV12, 300, 90, FormatModifier.SIM_TILED);
             ImageAttachment in = a.attach(gpu, ImageUsage.SAMPLE);
             ImageAttachment out = b.attach(gpu, ImageUsage.RENDER)) {
            Images.writePattern(a, 1);
            Images.writePattern(b, 2);
            List<byte[]> before = Images.raw(b);
            Region.Rect r = new Region.Rect(33, 17, 140, 50);
            gpu.engine().submit(Job.convert(in.mapUnlocked(Direction.TO_DEVICE), out.mapUnlocked(
                    Direction.FROM_DEVICE), r)).await(BOUND);
            byte[] expected = before.getFirst().clone();
            ImageDescriptor d = b.descriptor();
            for (int p = 0; p < 2; p++) {
                int sub = p == 0 ? 1 : 2;
                int bps = p == 0 ? 1 : 2;
                for (int y = r.y() / sub; y < (r.y() + r.height() + sub - 1) / sub; y++) {
                    for (long xb = (long) r.x() / sub * bps; xb < (long) (r.x() + r.width() + sub - 1) / sub * bps;
                            xb++) {
                        expected[(int) Images.stored(d, FormatModifier.SIM_TILED, p, y, xb)] = Images.pattern(1, p,
                                y, xb);
                    }
                }
            }
            assertArrayEquals(expected, Images.raw(b).getFirst());
        }
    }

    @Test
    @DisplayName("FMT-10: a fill writes one sample value per plane in the image's layout")
    void fillsWriteSamplesPerPlane(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", false);
        try (Image img = image(sys, DrmFormat.P010, 100, 40, FormatModifier.SIM_TILED);
             ImageAttachment a = img.attach(gpu, ImageUsage.RENDER)) {
            ImageMapping m = a.mapUnlocked(Direction.FROM_DEVICE);
            gpu.engine().submit(Job.fill(m, Region.WHOLE, 0x1040, 0x80408040L)).await(BOUND);
            byte[] raw = Images.raw(img).getFirst();
            ImageDescriptor d = img.descriptor();
            assertEquals(0x40, raw[(int) Images.stored(d, FormatModifier.SIM_TILED, 0, 39, 198)]);
            assertEquals(0x10, raw[(int) Images.stored(d, FormatModifier.SIM_TILED, 0, 39, 199)]);
            assertEquals((byte) 0x80, raw[(int) Images.stored(d, FormatModifier.SIM_TILED, 1, 19, 199)]);
            assertEquals(0x40, raw[(int) Images.stored(d, FormatModifier.SIM_TILED, 1, 19, 198)]);
            ImageCounters c = sys.images().counters();
            assertEquals(1, c.fillJobs());
            assertEquals(200L * 40 + 200L * 20, c.bytesConverted());
        }
    }

    @Test
    @DisplayName("FMT-10: zero-filling whole compressed tiles is a fast clear: metadata only, data left stale")
    void zeroFillsOfCompressedTilesAreFastClears(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        try (Image img = image(sys, DrmFormat.XRGB8888, 256, 64, FormatModifier.SIM_TILED_CCS);
             ImageAttachment a = img.attach(gpu, ImageUsage.RENDER)) {
            Images.writePattern(img, 6);
            ImageMapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
            long written = sys.devices().getFirst().counters().bytesWritten();
            gpu.engine().submit(Job.fill(m, Region.WHOLE, 0)).await(BOUND);
            assertEquals(16, sys.images().counters().tilesFastCleared(), "8 tiles per row x 2 tile rows");
            assertEquals(written + 16, gpu.counters().bytesWritten(), "16 metadata bytes written, no data");
            ImageDescriptor d = img.descriptor();
            byte[] raw = Images.raw(img).getFirst();
            assertEquals(Images.pattern(6, 0, 40, 1000), raw[(int) Images.stored(d, FormatModifier.SIM_TILED, 0, 40,
                    1000)]);
            assertEquals(1, raw[(int) Images.metadata(d, 0, 40, 1000)]);
            assertThrows(AssertionError.class, () -> Images.checkPattern(img, 6), "the image reads zero now");
        }
    }

    @Test
    @DisplayName("FMT-10: a job with two formats, a region outside an image or a wrong value count is refused")
    void badJobsAreRefused(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        try (Image nv12 = image(sys, DrmFormat.NV12, 64, 64, FormatModifier.LINEAR);
             Image nv21 = image(sys, DrmFormat.NV21, 64, 64, FormatModifier.LINEAR);
             Image big = image(sys, DrmFormat.NV12, 128, 64, FormatModifier.SIM_TILED);
             Image ccs = image(sys, DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED_CCS);
             ImageAttachment a = nv12.attach(gpu, ImageUsage.RENDER);
             ImageAttachment b = nv21.attach(gpu, ImageUsage.RENDER);
             ImageAttachment c = big.attach(gpu, ImageUsage.RENDER);
             ImageAttachment d = ccs.attach(gpu, ImageUsage.RENDER)) {
            ImageMapping ma = a.mapUnlocked(Direction.BIDIRECTIONAL);
            ImageMapping mb = b.mapUnlocked(Direction.BIDIRECTIONAL);
            ImageMapping mc = c.mapUnlocked(Direction.BIDIRECTIONAL);
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> Job.convert(ma, mb));
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> Job.convert(ma, mc));
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> Job.convert(ma, mc,
                    Region.rect(60, 0, 8, 8)));
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> Job.convert(ma, mc,
                    Region.range(0, 10)));
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> Job.fill(ma, Region.WHOLE, 16));
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> Job.fill(null, Region.WHOLE, 16, 128));
            Job ok = Job.convert(ma, mc, Region.rect(0, 0, 64, 64));
            assertEquals(64L * 64 * 3 / 2, ok.length());
            ImageMapping writeOnly = d.mapUnlocked(Direction.FROM_DEVICE);
            // a compressed destination's metadata is read back, so a write-only mapping is not enough
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.convert(ma, writeOnly));
            ImageMapping readOnly = c.mapUnlocked(Direction.TO_DEVICE);
            assertFails(RuleViolationException.class, Rule.DEV_4, () -> Job.fill(readOnly, Region.WHOLE, 1, 2));
        }
    }

    @Test
    @DisplayName("FMT-10: only mappings of image attachments of the engine's device are taken, and live ones only")
    void submissionChecksTheMappings(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        SimulatedDevice other = Images.gpu(sys, "other", true);
        try (Image x = image(sys, DrmFormat.RGB565, 64, 64, FormatModifier.LINEAR);
             Image y = image(sys, DrmFormat.RGB565, 64, 64, FormatModifier.SIM_TILED);
             ImageAttachment a = x.attach(gpu, ImageUsage.SAMPLE);
             ImageAttachment b = y.attach(other, ImageUsage.RENDER)) {
            ImageMapping src = a.mapUnlocked(Direction.TO_DEVICE);
            ImageMapping dst = b.mapUnlocked(Direction.FROM_DEVICE);
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> gpu.engine().submit(Job.convert(src, dst)));
            ImageMapping forged = new ImageMapping() {
                public ImageDescriptor descriptor() {
                    return dst.descriptor();
                }

                public FormatModifier layoutModifier() {
                    return dst.layoutModifier();
                }

                public ImageAttachment attachment() {
                    return dst.attachment();
                }

                public Direction direction() {
                    return dst.direction();
                }

                public List<Mapping> mappings() {
                    return dst.mappings();
                }

                public boolean isValid() {
                    return true;
                }

                public void close() {
                }
            };
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> gpu.engine().submit(Job.convert(src,
                    forged)));
            dst.close();
            assertFails(RuleViolationException.class, Rule.FMT_10, () -> other.engine().submit(Job.fill(dst,
                    Region.WHOLE, 1)));
        }
    }

    @Test
    @DisplayName("DEV-8, FMT-10: an image job whose mapping is unmapped before it runs faults and moves nothing")
    void staleImageMappingsFault(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        Timeline gate = sys.fences().newTimeline("gate");
        try (Image img = image(sys, DrmFormat.XRGB8888, 64, 64, FormatModifier.SIM_TILED);
             ImageAttachment a = img.attach(gpu, ImageUsage.RENDER)) {
            ImageMapping m = a.mapUnlocked(Direction.FROM_DEVICE);
            Fence job = gpu.engine().submit(Job.fill(m, Region.WHOLE, 0x55).after(gate.point(1)));
            m.close();
            gate.advance(1);
            FenceFailedException e = assertThrows(FenceFailedException.class, () -> job.await(BOUND));
            assertInstanceOf(IommuFaultException.class, e.getCause());
            assertTrue(Images.raw(img).getFirst()[0] == 0, "nothing was written");
        } finally {
            gate.close();
        }
    }
}
