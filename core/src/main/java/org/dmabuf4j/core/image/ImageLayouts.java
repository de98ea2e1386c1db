package org.dmabuf4j.core.image;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatPlane;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.LayoutConstraints;

/**
 * Lays an image out for allocation (FMT-7): pitches, padded rows, plane offsets and buffer sizes for a format, a
 * known layout and constraints.
 *
 * <pre>
 *   padded height H' = height aligned to constraints.heightAlignment; rows of plane p = ceil(H' / vsub)
 *   LINEAR     pitch = rowBytes aligned to max(bytesPerSample, pitchAlignment); size = pitch * rows
 *   SIM_TILED  pitch = rowBytes aligned to max(128, pitchAlignment); size = pitch * rows aligned to 32
 *   CCS        as SIM_TILED, then per colour plane a metadata plane: pitch = tiles per row aligned to
 *              pitchAlignment, one row per tile row
 *   offsets    one buffer: each plane after the previous, aligned to max(its own alignment, offsetAlignment)
 *              (tiled planes 4096, linear planes 64, metadata 64); disjoint: every plane at 0 of its own buffer
 * </pre>
 */
final class ImageLayouts {
    /**
     * A planned layout.
     *
     * @param descriptor the descriptor the image will have
     * @param bufferSizes the bytes each buffer needs (before page rounding)
     */
    record Planned(ImageDescriptor descriptor, List<Long> bufferSizes) {
    }

    private ImageLayouts() {
    }

    static Planned plan(DrmFormat format, int width, int height, FormatModifier descriptorModifier,
            FormatModifier layout, LayoutConstraints c, boolean disjoint) {
        long paddedHeight = ((long) height + c.heightAlignment() - 1) / c.heightAlignment() * c.heightAlignment();
        boolean tiled = layout.tiling().orElse(Tiling.LINEAR) instanceof Tiling.Tiled;
        int colour = format.planeCount();
        int count = layout.hasMetadataPlanes() ? 2 * colour : colour;
        long[] pitches = new long[count];
        long[] sizes = new long[count];
        long[] aligns = new long[count];
        for (int p = 0; p < colour; p++) {
            FormatPlane fp = format.plane(p);
            long rows = fp.height((int) paddedHeight);
            long rowBytes = fp.rowBytes(width);
            if (tiled) {
                pitches[p] = alignUp(rowBytes, Math.max(PlaneLayout.TILE_WIDTH, c.pitchAlignment()));
                sizes[p] = pitches[p] * alignUp(rows, PlaneLayout.TILE_ROWS);
                aligns[p] = Math.max(PlaneLayout.TILE_BYTES, c.offsetAlignment());
            } else {
                pitches[p] = alignUp(rowBytes, Math.max(fp.bytesPerSample(), c.pitchAlignment()));
                sizes[p] = pitches[p] * rows;
                aligns[p] = Math.max(64, c.offsetAlignment());
            }
            if (layout.hasMetadataPlanes()) {
                long tilesPerRow = pitches[p] / PlaneLayout.TILE_WIDTH;
                long tileRows = (rows + PlaneLayout.TILE_ROWS - 1) / PlaneLayout.TILE_ROWS;
                pitches[colour + p] = alignUp(tilesPerRow, c.pitchAlignment());
                sizes[colour + p] = pitches[colour + p] * tileRows;
                aligns[colour + p] = Math.max(64, c.offsetAlignment());
            }
        }
        List<ImageDescriptor.Plane> planes = new ArrayList<>(count);
        List<Long> bufferSizes = new ArrayList<>();
        long cursor = 0;
        for (int p = 0; p < count; p++) {
            if (disjoint) {
                planes.add(new ImageDescriptor.Plane(p, 0, pitches[p]));
                bufferSizes.add(sizes[p]);
            } else {
                long offset = alignUp(cursor, aligns[p]);
                planes.add(new ImageDescriptor.Plane(0, offset, pitches[p]));
                cursor = offset + sizes[p];
            }
        }
        if (!disjoint) {
            bufferSizes.add(cursor);
        }
        return new Planned(new ImageDescriptor(format, descriptorModifier, width, height, planes),
                List.copyOf(bufferSizes));
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
