package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageUsage;

/**
 * Helpers of the image tests, with the test's own statement of each layout (where a sample's byte is stored),
 * independent of core's codec, so that a symmetric bug in detiling and retiling cannot pass unseen.
 */
final class Images {
    /** The modifiers core lays out. */
    static final List<FormatModifier> LAYOUTS = List.of(FormatModifier.LINEAR, FormatModifier.SIM_TILED,
            FormatModifier.SIM_TILED_CCS);

    private Images() {
    }

    /** Every catalogue format in every layout it can have (CCS only up to 4 planes). */
    static FormatSet everything() {
        FormatSet.Builder b = FormatSet.builder();
        for (DrmFormat f : DrmFormat.catalogue()) {
            for (FormatModifier m : LAYOUTS) {
                if (m.memoryPlanes(f).getAsInt() <= ImageDescriptor.MAX_PLANES) {
                    b.add(f, m);
                }
            }
        }
        return b.build();
    }

    /** The layouts a format can have. */
    static List<FormatModifier> layouts(DrmFormat f) {
        List<FormatModifier> out = new ArrayList<>();
        for (FormatModifier m : LAYOUTS) {
            if (m.memoryPlanes(f).getAsInt() <= ImageDescriptor.MAX_PLANES) {
                out.add(m);
            }
        }
        return out;
    }

    /** A device that samples and renders everything. */
    static SimulatedDevice gpu(SimulatedSystem sys, String name, boolean coherent) {
        SimulatedDevice.Builder b = sys.newDevice(name).formats(ImageUsage.SAMPLE, everything())
                .formats(ImageUsage.RENDER, everything()).formats(ImageUsage.SCANOUT, everything());
        return (coherent ? b.coherent() : b.nonCoherent()).build();
    }

    /** The test's pattern: a byte per (seed, plane, row, byte in row), never the same on neighbours. */
    static byte pattern(int seed, int plane, int row, long xb) {
        return (byte) (seed * 31 + plane * 101 + row * 7 + xb * 3 + (xb >>> 8) * 5 + 1);
    }

    /** Writes the pattern into every sample of every colour plane through per-plane windows. */
    static void writePattern(Image image, int seed) {
        try (ImageAccess w = image.beginCpuAccess(Access.WRITE)) {
            for (int p = 0; p < w.planeCount(); p++) {
                CpuAccess plane = w.plane(p);
                for (int r = 0; r < plane.rowCount(); r++) {
                    MemorySegment row = plane.row(r);
                    for (long i = 0; i < row.byteSize(); i++) {
                        row.set(ValueLayout.JAVA_BYTE, i, pattern(seed, p, r, i));
                    }
                }
            }
        }
    }

    /** Checks every sample through per-plane windows; returns the number of bytes checked. */
    static long checkPattern(Image image, int seed) {
        long n = 0;
        try (ImageAccess w = image.beginCpuAccess(Access.READ)) {
            for (int p = 0; p < w.planeCount(); p++) {
                CpuAccess plane = w.plane(p);
                ImageDescriptor d = image.descriptor();
                assertEquals(d.planeRows(p), plane.rowCount(), "rows of plane " + p);
                for (int r = 0; r < plane.rowCount(); r++) {
                    MemorySegment row = plane.row(r);
                    assertEquals(d.planeRowBytes(p), row.byteSize(), "row bytes of plane " + p);
                    for (long i = 0; i < row.byteSize(); i++) {
                        byte seen = row.get(ValueLayout.JAVA_BYTE, i);
                        if (seen != pattern(seed, p, r, i)) {
                            assertEquals(pattern(seed, p, r, i), seen, "plane " + p + " row " + r + " byte " + i
                                    + " of " + image);
                        }
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** Where byte {@code xb} of row {@code y} of colour plane {@code p} is stored, by the test's own formula. */
    static long stored(ImageDescriptor d, FormatModifier layout, int p, int y, long xb) {
        ImageDescriptor.Plane pl = d.planes().get(p);
        if (layout.isLinear()) {
            return pl.offset() + y * pl.pitch() + xb;
        }
        long tile = (y / 32L) * (pl.pitch() / 128) + xb / 128;
        return pl.offset() + tile * 4096 + (y % 32) * 128L + xb % 128;
    }

    /** The metadata byte of the tile holding byte {@code xb} of row {@code y} of colour plane {@code p}. */
    static long metadata(ImageDescriptor d, int p, int y, long xb) {
        ImageDescriptor.Plane m = d.planes().get(d.colourPlaneCount() + p);
        return m.offset() + (y / 32L) * m.pitch() + xb / 128;
    }

    /** Copies of the image's buffers' raw bytes, through plain whole-buffer windows. */
    static List<byte[]> raw(Image image) {
        List<byte[]> out = new ArrayList<>();
        for (DmaBuf b : image.buffers()) {
            try (CpuAccess w = b.beginCpuAccess(Access.READ)) {
                out.add(w.segment().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }

    /**
     * Checks the raw memory of an image written with the pattern: every sample where the test's formula puts it, and
     * for a compressed layout every metadata byte RAW (0).
     */
    static void checkRaw(Image image, int seed) {
        ImageDescriptor d = image.descriptor();
        FormatModifier layout = image.layoutModifier();
        List<byte[]> raw = raw(image);
        for (int p = 0; p < d.colourPlaneCount(); p++) {
            byte[] buf = raw.get(d.planes().get(p).buffer());
            for (int y = 0; y < d.planeRows(p); y++) {
                for (long xb = 0; xb < d.planeRowBytes(p); xb++) {
                    long at = stored(d, layout, p, y, xb);
                    if (buf[(int) at] != pattern(seed, p, y, xb)) {
                        assertEquals(pattern(seed, p, y, xb), buf[(int) at], "raw byte of plane " + p + " row " + y
                                + " byte " + xb + " (stored at " + at + ") of " + image);
                    }
                    if (layout.hasMetadataPlanes()) {
                        byte[] meta = raw.get(d.planes().get(d.colourPlaneCount() + p).buffer());
                        assertEquals(0, meta[(int) metadata(d, p, y, xb)], "metadata of a written tile");
                    }
                }
            }
        }
    }
}
