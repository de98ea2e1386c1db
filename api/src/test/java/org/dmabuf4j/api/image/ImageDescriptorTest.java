package org.dmabuf4j.api.image;

import static org.dmabuf4j.api.image.FormatModifier.INVALID;
import static org.dmabuf4j.api.image.FormatModifier.LINEAR;
import static org.dmabuf4j.api.image.FormatModifier.SIM_TILED;
import static org.dmabuf4j.api.image.FormatModifier.SIM_TILED_CCS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.ImageDescriptor.Plane;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The descriptor's own rules: everything that needs no buffer (FMT-1 to FMT-6). */
class ImageDescriptorTest {
    private static final long Y = 1920L * 1080;

    private static ImageDescriptor nv12Linear() {
        return new ImageDescriptor(DrmFormat.NV12, LINEAR, 1920, 1080, List.of(new Plane(0, 0, 1920),
                new Plane(0, Y, 1920)));
    }

    private static Rule refused(Executable e) {
        return assertThrows(RuleViolationException.class, e).rule();
    }

    @Test
    @DisplayName("a valid NV12 descriptor reports its planes' geometry: samples, rows, row bytes and extents")
    void geometryOfAValidDescriptor() {
        ImageDescriptor d = nv12Linear();
        assertEquals(1, d.bufferCount());
        assertEquals(2, d.colourPlaneCount());
        assertEquals(960, d.planeWidth(1));
        assertEquals(540, d.planeRows(1));
        assertEquals(1920, d.planeRowBytes(1));
        assertEquals(Y, d.planeExtent(0));
        assertEquals(1920L * 539 + 1920, d.planeExtent(1));
        assertEquals(1920L * 1088, d.planeExtent(0, 1088), "padded to a decoder's 1088 rows");
        assertEquals("NV12:LINEAR 1920x1080 [0: buffer 0 +0 pitch 1920, 1: buffer 0 +2073600 pitch 1920]",
                d.toString());
        d.checkBuffers(List.of(Y * 3 / 2));
    }

    @Test
    @DisplayName("FMT-1: a descriptor needs a catalogue format and a size of 1 to 65536 pixels")
    void formatAndSizeAreChecked() {
        assertSame(Rule.FMT_1, refused(() -> new ImageDescriptor(DrmFormat.parse("AB48"), LINEAR, 16, 16,
                List.of(new Plane(0, 0, 128)))));
        assertSame(Rule.FMT_1, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, LINEAR, 0, 16,
                List.of(new Plane(0, 0, 64)))));
        assertSame(Rule.FMT_1, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, LINEAR, 16, 65537,
                List.of(new Plane(0, 0, 64)))));
        assertSame(Rule.FMT_1, refused(() -> new ImageDescriptor(null, LINEAR, 16, 16, List.of(new Plane(0, 0, 64)))));
    }

    @Test
    @DisplayName("FMT-2: the plane count is the format's colour planes plus the modifier's, at most 4")
    void planeCountIsChecked() {
        assertSame(Rule.FMT_2, refused(() -> new ImageDescriptor(DrmFormat.NV12, LINEAR, 64, 64,
                List.of(new Plane(0, 0, 64)))), "NV12 needs its UV plane");
        assertSame(Rule.FMT_2, refused(() -> new ImageDescriptor(DrmFormat.NV12, SIM_TILED_CCS, 64, 64,
                List.of(new Plane(0, 0, 128), new Plane(0, 8192, 128)))), "CCS adds metadata planes");
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> new ImageDescriptor(
                DrmFormat.YUV420, SIM_TILED_CCS, 64, 64, List.of(new Plane(0, 0, 128), new Plane(0, 8192, 128),
                new Plane(0, 16384, 128), new Plane(0, 24576, 1))));
        assertSame(Rule.FMT_2, e.rule());
        assertTrue(e.getMessage().contains("6"), e.getMessage());
        new ImageDescriptor(DrmFormat.NV12, SIM_TILED_CCS, 64, 64, List.of(new Plane(0, 0, 128),
                new Plane(0, 8192, 128), new Plane(0, 12288, 1), new Plane(0, 12352, 1)));
        FormatModifier vendor = FormatModifier.parse("0x0100000000000006");
        new ImageDescriptor(DrmFormat.XRGB8888, vendor, 64, 64, List.of(new Plane(0, 0, 256),
                new Plane(1, 0, 128))); // an unknown layout may add planes
        assertSame(Rule.FMT_2, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, vendor, 64, 64, List.of(
                new Plane(0, 0, 256), new Plane(0, 16384, 256), new Plane(0, 32768, 256), new Plane(0, 49152, 256),
                new Plane(0, 65536, 256)))), "at most 4 planes");
    }

    @Test
    @DisplayName("FMT-3: planes added one by one must agree on the modifier, be added once and leave no gap")
    void builderRefusesPerPlaneModifierMismatch() {
        ImageDescriptor.Builder b = ImageDescriptor.builder(DrmFormat.NV12, 64, 64)
                .plane(0, 0, 0, 64, LINEAR)
                .plane(1, 0, 4096, 64, SIM_TILED);
        RuleViolationException mismatch = assertThrows(RuleViolationException.class, b::build);
        assertSame(Rule.FMT_3, mismatch.rule());
        assertTrue(mismatch.getMessage().contains("SIM_TILED") && mismatch.getMessage().contains("LINEAR"),
                mismatch.getMessage());
        ImageDescriptor.Builder twice = ImageDescriptor.builder(DrmFormat.NV12, 64, 64).plane(0, 0, 0, 64, LINEAR);
        assertSame(Rule.FMT_3, refused(() -> twice.plane(0, 0, 0, 64, LINEAR)));
        assertSame(Rule.FMT_3, refused(() -> ImageDescriptor.builder(DrmFormat.NV12, 64, 64)
                .plane(1, 0, 4096, 64, LINEAR).build()), "plane 0 missing");
        assertSame(Rule.FMT_2, refused(() -> twice.plane(4, 0, 0, 64, LINEAR)));
        ImageDescriptor ok = twice.plane(1, 0, 4096, 64, LINEAR).build();
        assertEquals(LINEAR, ok.modifier());
    }

    @Test
    @DisplayName("FMT-4: pitches cover a row of samples and are aligned to the sample, or to the tile when tiled")
    void pitchAndAlignmentAreChecked() {
        assertSame(Rule.FMT_4, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, LINEAR, 1000, 4,
                List.of(new Plane(0, 0, 3996)))), "pitch below 1000 x 4");
        assertSame(Rule.FMT_4, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, LINEAR, 1000, 4,
                List.of(new Plane(0, 0, 4002)))), "pitch not a multiple of 4");
        assertSame(Rule.FMT_4, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, SIM_TILED, 1000, 4,
                List.of(new Plane(0, 0, 4032)))), "tiled pitch not a multiple of 128");
        assertSame(Rule.FMT_4, refused(() -> new ImageDescriptor(DrmFormat.XRGB8888, SIM_TILED, 1000, 4,
                List.of(new Plane(0, 64, 4096)))), "tiled offset not on a tile");
        assertSame(Rule.FMT_4, refused(() -> new ImageDescriptor(DrmFormat.NV12, SIM_TILED_CCS, 1024, 64,
                List.of(new Plane(0, 0, 1024), new Plane(0, 65536, 1024), new Plane(0, 98304, 4),
                new Plane(0, 98368, 8)))), "a metadata pitch below 8 tiles per row");
        assertSame(Rule.FMT_4, refused(() -> new Plane(0, 0, 0)));
        new ImageDescriptor(DrmFormat.XRGB8888, SIM_TILED, 1000, 4, List.of(new Plane(0, 0, 4096)));
        new ImageDescriptor(DrmFormat.XRGB8888, INVALID, 1000, 4, List.of(new Plane(0, 0, 4000)));
    }

    @Test
    @DisplayName("FMT-5: every plane lies within its buffer and planes of one buffer do not overlap")
    void planesMustFitTheirBuffers() {
        ImageDescriptor d = nv12Linear();
        RuleViolationException short1 = assertThrows(RuleViolationException.class,
                () -> d.checkBuffers(List.of(Y * 3 / 2 - 1)));
        assertSame(Rule.FMT_5, short1.rule());
        ImageDescriptor overlap = new ImageDescriptor(DrmFormat.NV12, LINEAR, 1920, 1080,
                List.of(new Plane(0, 0, 1920), new Plane(0, Y - 1920, 1920)));
        assertSame(Rule.FMT_5, refused(() -> overlap.checkBuffers(List.of(4L << 20))));
        ImageDescriptor tiled = new ImageDescriptor(DrmFormat.XRGB8888, SIM_TILED, 100, 33,
                List.of(new Plane(0, 0, 512)));
        assertEquals(512L * 64, tiled.planeExtent(0), "rows rounded up to whole 32-row tiles");
        assertSame(Rule.FMT_5, refused(() -> tiled.checkBuffers(List.of(512L * 33))));
        assertSame(Rule.FMT_5, refused(() -> new Plane(0, -1, 64)));
    }

    @Test
    @DisplayName("FMT-6: planes name buffers 0 to n-1 with no hole, and the image gets exactly n buffers")
    void bufferIndexesAreDense() {
        assertSame(Rule.FMT_6, refused(() -> new ImageDescriptor(DrmFormat.NV12, LINEAR, 64, 64,
                List.of(new Plane(0, 0, 64), new Plane(2, 0, 64)))));
        assertSame(Rule.FMT_6, refused(() -> new Plane(-1, 0, 64)));
        ImageDescriptor disjoint = new ImageDescriptor(DrmFormat.NV12, LINEAR, 64, 64,
                List.of(new Plane(0, 0, 64), new Plane(1, 0, 64)));
        assertEquals(2, disjoint.bufferCount());
        assertSame(Rule.FMT_6, refused(() -> disjoint.checkBuffers(List.of(8192L))));
        disjoint.checkBuffers(List.of(4096L, 4096L));
    }

    @Test
    @DisplayName("NEG-3: import constraints catch pitch alignment and height padding that no modifier expresses")
    void constraintsBeyondModifiers() {
        LayoutConstraints display = LayoutConstraints.NONE.withPitchAlignment(256);
        ImageDescriptor d = new ImageDescriptor(DrmFormat.XRGB8888, LINEAR, 1000, 16, List.of(new Plane(0, 0, 4000)));
        List<String> v = display.violations(d, List.of(64000L));
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.getFirst().contains("4000") && v.getFirst().contains("256"), v::toString);
        LayoutConstraints decoder = LayoutConstraints.NONE.withHeightAlignment(16);
        assertEquals(List.of(), decoder.violations(nv12Padded(1088), List.of(1920L * 1088 * 3 / 2)));
        List<String> tight = decoder.violations(nv12Linear(), List.of(Y * 3 / 2));
        assertEquals(2, tight.size(), "no room for 1088 rows in either plane: " + tight);
        assertEquals(new LayoutConstraints(256, 4096, 16), display.merge(decoder.withOffsetAlignment(4096)));
        assertSame(Rule.NEG_4, refused(() -> LayoutConstraints.NONE.withPitchAlignment(100)));
    }

    private static ImageDescriptor nv12Padded(int rows) {
        return new ImageDescriptor(DrmFormat.NV12, LINEAR, 1920, 1080, List.of(new Plane(0, 0, 1920),
                new Plane(0, 1920L * rows, 1920)));
    }

    @Test
    @DisplayName("FMT-1: the builder refuses an unknown format or bad dimensions up front, not at build()")
    void theBuilderChecksItsArgumentsUpFront() {
        for (int[] wh : new int[][] {{0, 16}, {16, 0}, {-1, 16}, {16, Integer.MIN_VALUE}, {65537, 16}}) {
            assertEquals(Rule.FMT_1, assertThrows(RuleViolationException.class,
                    () -> ImageDescriptor.builder(DrmFormat.XRGB8888, wh[0], wh[1])).rule());
        }
        assertEquals(Rule.FMT_1, assertThrows(RuleViolationException.class,
                () -> ImageDescriptor.builder(new DrmFormat(0x5a5a5a5a), 16, 16)).rule());
    }

    @Test
    @DisplayName("FMT-1: a plane's width, height and row bytes refuse a negative image dimension")
    void planeSizesRefuseNegativeDimensions() {
        FormatPlane chroma = DrmFormat.NV12.plane(1);
        assertEquals(Rule.FMT_1, assertThrows(RuleViolationException.class, () -> chroma.width(-1)).rule());
        assertEquals(Rule.FMT_1, assertThrows(RuleViolationException.class, () -> chroma.height(-1)).rule());
        assertEquals(Rule.FMT_1, assertThrows(RuleViolationException.class,
                () -> chroma.rowBytes(Integer.MIN_VALUE)).rule());
        assertEquals(8, chroma.width(16), "while a good width still gives its samples");
    }

    @Test
    @DisplayName("FMT-6: violations refuses a buffer size that is zero or negative")
    void violationsRefusesBadBufferSizes() {
        ImageDescriptor d = ImageDescriptor.builder(DrmFormat.XRGB8888, 16, 16).plane(0, 0, 0, 64, LINEAR).build();
        for (long size : new long[] {0, -1, Long.MIN_VALUE}) {
            assertEquals(Rule.FMT_6, assertThrows(RuleViolationException.class,
                    () -> LayoutConstraints.NONE.violations(d, List.of(size))).rule());
        }
        assertEquals(List.of(), LayoutConstraints.NONE.violations(d, List.of(1024L)));
    }
}
