package org.dmabuf4j.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;

/**
 * Deterministic samples for byte-exact image checks across processes: byte {@code i} of row {@code r} of colour plane
 * {@code p} of pattern {@code s}, written and read through the image's per-plane windows (the linear view, whatever
 * the modifier).
 */
final class ImagePatterns {
    private ImagePatterns() {
    }

    static byte at(int plane, long row, long i, long seed) {
        return Patterns.at(row * 7919 + i, seed * 4 + plane);
    }

    /** Writes pattern {@code seed} into every colour plane of the image. */
    static void fill(Image image, long seed) {
        try (ImageAccess w = image.beginCpuAccess(Access.WRITE)) {
            for (int p = 0; p < w.planeCount(); p++) {
                List<MemorySegment> rows = w.plane(p).segments();
                for (int r = 0; r < rows.size(); r++) {
                    MemorySegment row = rows.get(r);
                    for (long i = 0; i < row.byteSize(); i++) {
                        row.set(ValueLayout.JAVA_BYTE, i, at(p, r, i, seed));
                    }
                }
            }
        }
    }

    /**
     * The first sample that differs from pattern {@code seed}.
     *
     * @return "plane p row r byte i", or null if every sample matches
     */
    static String firstMismatch(Image image, long seed) {
        try (ImageAccess r = image.beginCpuAccess(Access.READ)) {
            for (int p = 0; p < r.planeCount(); p++) {
                CpuAccess plane = r.plane(p);
                List<MemorySegment> rows = plane.segments();
                for (int y = 0; y < rows.size(); y++) {
                    MemorySegment row = rows.get(y);
                    for (long i = 0; i < row.byteSize(); i++) {
                        if (row.get(ValueLayout.JAVA_BYTE, i) != at(p, y, i, seed)) {
                            return "plane " + p + " row " + y + " byte " + i;
                        }
                    }
                }
            }
        }
        return null;
    }
}
