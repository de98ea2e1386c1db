package org.dmabuf4j.api.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The format catalogue and modifier tokens: codes, planes, parsing and printing as the ecosystem writes them. */
class FormatsAndModifiersTest {
    @Test
    @DisplayName("fourcc codes are the drm_fourcc.h values: four characters, the first in the lowest byte")
    void fourccCodesAreTheKernelValues() {
        assertEquals(0x3231564e, DrmFormat.NV12.fourcc());
        assertEquals("0x3231564e", DrmFormat.NV12.hex());
        assertEquals(0x34325258, DrmFormat.XRGB8888.fourcc()); // 'X' 'R' '2' '4'
        assertEquals("XR24", DrmFormat.XRGB8888.fourccString());
        assertEquals("YU12", DrmFormat.YUV420.fourccString());
        assertEquals("RG16", DrmFormat.RGB565.fourccString());
        assertEquals("XR30", DrmFormat.XRGB2101010.fourccString());
        assertEquals(14, DrmFormat.catalogue().size());
    }

    @Test
    @DisplayName("FMT-1: every catalogue format knows its colour planes, bytes per sample and subsampling")
    void theCatalogueKnowsPlanes() {
        assertEquals(List.of(new FormatPlane(1, 1, 1), new FormatPlane(2, 2, 2)), DrmFormat.NV12.planes());
        assertEquals(List.of(new FormatPlane(1, 1, 1), new FormatPlane(2, 2, 1)), DrmFormat.NV16.planes());
        assertEquals(List.of(new FormatPlane(2, 1, 1), new FormatPlane(4, 2, 2)), DrmFormat.P010.planes());
        assertEquals(3, DrmFormat.YVU420.planeCount());
        assertEquals(List.of(new FormatPlane(4, 2, 1)), DrmFormat.UYVY.planes());
        assertEquals(2, DrmFormat.RGB565.plane(0).bytesPerSample());
        assertTrue(DrmFormat.YUYV.isYuv());
        assertFalse(DrmFormat.ABGR8888.isYuv());
        // odd sizes round up, as drm_format_info_plane_width/height
        FormatPlane uv = DrmFormat.NV12.plane(1);
        assertEquals(3, uv.width(5));
        assertEquals(2, uv.height(3));
        assertEquals(6, uv.rowBytes(5));
        assertEquals(12, DrmFormat.YUYV.plane(0).rowBytes(5), "YUYV: 3 macro-pixels of 4 bytes for 5 pixels");
    }

    @Test
    @DisplayName("FMT-1: an unknown fourcc is held and printed, but asking for its planes names the catalogue")
    void unknownFormatsHaveNoPlanes() {
        DrmFormat ab48 = DrmFormat.parse("AB48");
        assertFalse(ab48.isKnown());
        assertEquals("AB48", ab48.name());
        RuleViolationException e = assertThrows(RuleViolationException.class, ab48::planes);
        assertSame(Rule.FMT_1, e.rule());
        assertTrue(e.getMessage().contains("NV12"), e.getMessage());
        assertEquals("0x00000001", new DrmFormat(1).name(), "unprintable codes print in hex");
    }

    @Test
    @DisplayName("formats parse from names, fourcc characters and hex, and print as names")
    void formatsParseAndPrint() {
        assertEquals(DrmFormat.NV12, DrmFormat.parse("NV12"));
        assertEquals(DrmFormat.XRGB8888, DrmFormat.parse("xrgb8888"));
        assertEquals(DrmFormat.XRGB8888, DrmFormat.parse("XR24"));
        assertEquals(DrmFormat.NV12, DrmFormat.parse("0x3231564e"));
        assertEquals("XRGB8888", DrmFormat.XRGB8888.toString());
        assertSame(Rule.FMT_1, assertThrows(RuleViolationException.class, () -> DrmFormat.parse("NV1")).rule());
        assertSame(Rule.FMT_1, assertThrows(RuleViolationException.class, () -> DrmFormat.parse(null)).rule());
        assertSame(Rule.FMT_1, assertThrows(RuleViolationException.class, () -> DrmFormat.parse("0x1234567890"))
                .rule());
    }

    @Test
    @DisplayName("LINEAR is 0 and INVALID is (1 << 56) - 1: different values, different meanings")
    void linearIsNotInvalid() {
        assertEquals(0L, FormatModifier.LINEAR.value());
        assertEquals((1L << 56) - 1, FormatModifier.INVALID.value());
        assertNotEquals(FormatModifier.LINEAR, FormatModifier.INVALID);
        assertTrue(FormatModifier.LINEAR.isLinear() && !FormatModifier.LINEAR.isImplicit());
        assertTrue(FormatModifier.INVALID.isImplicit() && !FormatModifier.INVALID.isLinear());
        assertEquals(FormatModifier.LINEAR, FormatModifier.parse("0x0"), "zero is LINEAR, never 'no modifier'");
        assertEquals(FormatModifier.INVALID, FormatModifier.parse("0x00ffffffffffffff"));
        assertFalse(FormatModifier.INVALID.isKnown(), "INVALID is not a layout");
        assertTrue(FormatModifier.INVALID.tiling().isEmpty());
    }

    @Test
    @DisplayName("modifiers carry the vendor in the top byte and print as 16 hex digits")
    void vendorByteAndPrinting() {
        FormatModifier xTiled = FormatModifier.parse("0x0100000000000001");
        assertEquals(1, xTiled.vendor());
        assertEquals("INTEL", xTiled.vendorName());
        assertEquals(1L, xTiled.code());
        assertEquals("0x0100000000000001", xTiled.toString());
        assertFalse(xTiled.isKnown());
        FormatModifier high = FormatModifier.parse("0x8000000000000001"); // vendor byte 0x80: a negative long
        assertEquals(8, FormatModifier.of(8, 1).vendor());
        assertEquals(0x80, high.vendor());
        assertEquals("0x8000000000000001", high.hex());
        assertEquals(FormatModifier.VENDOR_SIMULATED, FormatModifier.SIM_TILED.vendor());
        assertEquals("SIMULATED", FormatModifier.SIM_TILED_CCS.vendorName());
        assertEquals(FormatModifier.SIM_TILED, FormatModifier.parse("sim_tiled"));
        assertEquals(FormatModifier.SIM_TILED, FormatModifier.parse(FormatModifier.SIM_TILED.hex()));
        assertSame(Rule.FMT_2, assertThrows(RuleViolationException.class, () -> FormatModifier.of(256, 0)).rule());
        assertSame(Rule.FMT_2, assertThrows(RuleViolationException.class, () -> FormatModifier.parse("tiled"))
                .rule());
    }

    @Test
    @DisplayName("FMT-2: a modifier's memory planes are the format's colour planes plus the planes it adds")
    void memoryPlanesDependOnTheModifier() {
        assertEquals(2, FormatModifier.LINEAR.memoryPlanes(DrmFormat.NV12).getAsInt());
        assertEquals(2, FormatModifier.SIM_TILED.memoryPlanes(DrmFormat.NV12).getAsInt());
        assertEquals(4, FormatModifier.SIM_TILED_CCS.memoryPlanes(DrmFormat.NV12).getAsInt());
        assertEquals(2, FormatModifier.SIM_TILED_CCS.memoryPlanes(DrmFormat.XRGB8888).getAsInt());
        assertEquals(6, FormatModifier.SIM_TILED_CCS.memoryPlanes(DrmFormat.YUV420).getAsInt());
        assertEquals(1, FormatModifier.INVALID.memoryPlanes(DrmFormat.ARGB8888).getAsInt());
        assertTrue(FormatModifier.parse("0x0100000000000006").memoryPlanes(DrmFormat.NV12).isEmpty(),
                "another vendor's layout is unknown");
        assertEquals(new Tiling.Tiled(128, 32), FormatModifier.SIM_TILED.tiling().orElseThrow());
    }

    @Test
    @DisplayName("pairs print and parse as GStreamer's drm-format: fourcc, and a hex modifier unless LINEAR")
    void pairsAsGStreamerWritesThem() {
        FormatModifierPair p = FormatModifierPair.parse("NV12:0x0100000000000001");
        assertEquals(DrmFormat.NV12, p.format());
        assertEquals(1, p.modifier().vendor());
        assertEquals("NV12:0x0100000000000001", p.drmFormatString());
        assertEquals(new FormatModifierPair(DrmFormat.XRGB8888, FormatModifier.LINEAR),
                FormatModifierPair.parse("XR24"), "no modifier is LINEAR in drm-format");
        assertEquals("XR24", FormatModifierPair.parse("XRGB8888:LINEAR").drmFormatString());
        assertEquals("NV12:SIM_TILED", new FormatModifierPair(DrmFormat.NV12, FormatModifier.SIM_TILED).toString());
        assertEquals(FormatModifierPair.parse("NV12:SIM_TILED_CCS"),
                FormatModifierPair.parse("NV12:" + FormatModifier.SIM_TILED_CCS.hex()));
    }
}
