package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance round trip (issue #12): for every format of the catalogue and every pair of layouts it can have,
 * known pixels written through per-plane CPU windows land where the layout puts them, an image copy job on a
 * non-coherent device converts them into the other layout byte for byte, and the other image's windows read them
 * back (FMT-9, FMT-10). Odd sizes exercise partial tiles and subsampled edges.
 */
@ExtendWith(SystemExtension.class)
class ImageRoundTripTest {
    static Stream<Arguments> formatsAndLayoutPairs() {
        List<Arguments> out = new ArrayList<>();
        for (DrmFormat f : DrmFormat.catalogue()) {
            for (FormatModifier from : Images.layouts(f)) {
                for (FormatModifier to : Images.layouts(f)) {
                    if (!from.equals(to)) {
                        out.add(Arguments.of(f, from, to));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "FMT-9, FMT-10: {0} written as {1}, converted to {2} by a device, read back")
    @MethodSource("formatsAndLayoutPairs")
    @DisplayName("FMT-9, FMT-10: every format survives a CPU write, a device conversion and a CPU read")
    void everyFormatRoundTripsThroughAnotherLayout(DrmFormat format, FormatModifier from, FormatModifier to,
            SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", false);
        int seed = format.fourcc() ^ (int) from.value() ^ (int) (to.value() >>> 3);
        try (Image a = sys.images().allocate(ImageRequest.of(format, 203, 67, from));
             Image b = sys.images().allocate(ImageRequest.of(format, 203, 67, to))) {
            assertEquals(from, a.descriptor().modifier());
            Images.writePattern(a, seed);
            Images.checkRaw(a, seed);
            try (ImageAttachment in = a.attach(gpu, ImageUsage.SAMPLE);
                 ImageAttachment out = b.attach(gpu, ImageUsage.RENDER)) {
                ImageMapping src = in.mapUnlocked(Direction.TO_DEVICE);
                // a compressed destination's metadata is read back by the engine: BIDIRECTIONAL (FMT-10)
                ImageMapping dst = out.mapUnlocked(to.hasMetadataPlanes() ? Direction.BIDIRECTIONAL
                        : Direction.FROM_DEVICE);
                gpu.engine().submit(Job.convert(src, dst)).await(Duration.ofSeconds(30));
            }
            Images.checkRaw(b, seed);
            long checked = Images.checkPattern(b, seed);
            long expected = 0;
            for (int p = 0; p < format.planeCount(); p++) {
                expected += b.descriptor().planeRowBytes(p) * b.descriptor().planeRows(p);
            }
            assertEquals(expected, checked);
        }
    }
}
