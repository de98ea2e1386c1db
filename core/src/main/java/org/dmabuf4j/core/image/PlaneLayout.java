package org.dmabuf4j.core.image;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatPlane;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.core.tiled.Tiler;

/**
 * Where the samples of one colour plane live, in the plane's real layout: linear rows, or 128-byte x 32-row tiles
 * (core.tiled's {@link Tiler}), with a metadata plane for a compressed layout. Coordinates are the plane's: a sample
 * rectangle {@code (x, y, w, h)} covers rows {@code y .. y+h-1}, bytes {@code x*bps .. (x+w)*bps - 1} of each row.
 *
 * <pre>
 *   as-if-linear offset (what CPU windows' spans say)   offset + row * pitch + xb
 *   stored offset, linear                               the same
 *   stored offset, tiled                                offset + tiler.storedOffset(row * pitch + xb)
 *   metadata byte of tile (tx, ty), compressed          metaOffset + ty * metaPitch + tx   (0 data, 1 cleared)
 * </pre>
 */
public final class PlaneLayout {
    /** Tile width in bytes of the simulated modifiers. */
    static final int TILE_WIDTH = 128;
    /** Tile height in rows of the simulated modifiers. */
    static final int TILE_ROWS = 32;
    /** Bytes of one tile. */
    static final int TILE_BYTES = TILE_WIDTH * TILE_ROWS;
    /** Metadata value of a tile that holds its data. */
    static final byte RAW = 0;
    /** Metadata value of a fast-cleared tile: reads as zeros, its data bytes are stale. */
    static final byte CLEAR = 1;

    final int plane;
    final int buffer;
    final long offset;
    final long pitch;
    final int samples;
    final int rows;
    final int bytesPerSample;
    final FormatPlane format;
    /** Null for a linear plane. */
    final Tiler tiler;
    final boolean compressed;
    final int metaBuffer;
    final long metaOffset;
    final long metaPitch;

    private PlaneLayout(ImageDescriptor d, int plane, FormatModifier layout) {
        ImageDescriptor.Plane p = d.planes().get(plane);
        this.plane = plane;
        this.buffer = p.buffer();
        this.offset = p.offset();
        this.pitch = p.pitch();
        this.format = d.format().plane(plane);
        this.samples = format.width(d.width());
        this.rows = format.height(d.height());
        this.bytesPerSample = format.bytesPerSample();
        Tiling t = layout.tiling().orElse(Tiling.LINEAR);
        if (t instanceof Tiling.Tiled tiles) {
            long tileRows = ((long) rows + TILE_ROWS - 1) / TILE_ROWS;
            this.tiler = new Tiler(pitch, tiles, pitch * tileRows * TILE_ROWS);
        } else {
            this.tiler = null;
        }
        this.compressed = layout.hasMetadataPlanes();
        if (compressed) {
            ImageDescriptor.Plane m = d.planes().get(d.colourPlaneCount() + plane);
            this.metaBuffer = m.buffer();
            this.metaOffset = m.offset();
            this.metaPitch = m.pitch();
        } else {
            this.metaBuffer = -1;
            this.metaOffset = 0;
            this.metaPitch = 0;
        }
    }

    /**
     * The colour planes of an image in its real layout.
     *
     * @param d the descriptor
     * @param layout the real layout (the descriptor's modifier, or an implicit image's layout)
     * @return one per colour plane
     */
    public static List<PlaneLayout> of(ImageDescriptor d, FormatModifier layout) {
        List<PlaneLayout> out = new ArrayList<>(d.colourPlaneCount());
        for (int p = 0; p < d.colourPlaneCount(); p++) {
            out.add(new PlaneLayout(d, p, layout));
        }
        return List.copyOf(out);
    }

    boolean tiled() {
        return tiler != null;
    }

    /**
     * The plane's sample rectangle for a pixel region, rounded outward for subsampling.
     *
     * @param pixels WHOLE or a Rect within the image
     * @return the rectangle in samples
     */
    Region.Rect samples(Region pixels) {
        if (!(pixels instanceof Region.Rect r)) {
            return new Region.Rect(0, 0, samples, rows);
        }
        int x0 = r.x() / format.hsub();
        int y0 = r.y() / format.vsub();
        int x1 = (int) (((long) r.x() + r.width() + format.hsub() - 1) / format.hsub());
        int y1 = (int) (((long) r.y() + r.height() + format.vsub() - 1) / format.vsub());
        return new Region.Rect(x0, y0, x1 - x0, y1 - y0);
    }

    /** Bytes of one row of a sample rectangle. */
    long rowBytes(Region.Rect r) {
        return (long) r.width() * bytesPerSample;
    }

    /** The as-if-linear spans of a rectangle: one per row, in the plane's buffer. */
    List<Span> linearSpans(Region.Rect r) {
        List<Span> out = new ArrayList<>(r.height());
        long xb = (long) r.x() * bytesPerSample;
        for (int y = r.y(); y < r.y() + r.height(); y++) {
            out.add(new Span(offset + y * pitch + xb, rowBytes(r)));
        }
        return out;
    }

    /**
     * The stored bytes of a rectangle exactly: a linear plane's rows; a tiled plane's row pieces, one per row and
     * tile column, in increasing order, adjacent pieces merged (a rectangle covering whole tile widths gives one span
     * per tile).
     */
    List<Span> exactStoredSpans(Region.Rect r) {
        if (tiler == null) {
            return linearSpans(r);
        }
        long xb0 = (long) r.x() * bytesPerSample;
        long xb1 = xb0 + rowBytes(r);
        List<long[]> pieces = new ArrayList<>();
        for (int y = r.y(); y < r.y() + r.height(); y++) {
            for (long xb = xb0; xb < xb1;) {
                long n = Math.min(xb1 - xb, TILE_WIDTH - xb % TILE_WIDTH);
                pieces.add(new long[] {offset + tiler.storedOffset(y * pitch + xb), n});
                xb += n;
            }
        }
        pieces.sort((a, b) -> Long.compare(a[0], b[0]));
        return merge(pieces);
    }

    /** The whole tiles covering a rectangle: per tile row, one run of tiles. */
    List<Span> tileSpans(Region.Rect r) {
        long xb0 = (long) r.x() * bytesPerSample;
        long xb1 = xb0 + rowBytes(r);
        long tx0 = xb0 / TILE_WIDTH;
        long tx1 = (xb1 - 1) / TILE_WIDTH;
        long tilesPerRow = pitch / TILE_WIDTH;
        List<long[]> runs = new ArrayList<>();
        for (long ty = r.y() / TILE_ROWS; ty <= (r.y() + r.height() - 1L) / TILE_ROWS; ty++) {
            runs.add(new long[] {offset + (ty * tilesPerRow + tx0) * TILE_BYTES, (tx1 - tx0 + 1) * TILE_BYTES});
        }
        return merge(runs);
    }

    /** The metadata bytes of the tiles covering a rectangle, in the metadata plane's buffer. */
    List<Span> metaSpans(Region.Rect r) {
        long xb0 = (long) r.x() * bytesPerSample;
        long xb1 = xb0 + rowBytes(r);
        long tx0 = xb0 / TILE_WIDTH;
        long tx1 = (xb1 - 1) / TILE_WIDTH;
        List<long[]> runs = new ArrayList<>();
        for (long ty = r.y() / TILE_ROWS; ty <= (r.y() + r.height() - 1L) / TILE_ROWS; ty++) {
            runs.add(new long[] {metaOffset + ty * metaPitch + tx0, tx1 - tx0 + 1});
        }
        return merge(runs);
    }

    /** The stored bytes a CPU window or a device job of this plane must hold for a rectangle. */
    List<Span> dataSpans(Region.Rect r, boolean wholeTiles) {
        return tiler != null && (wholeTiles || compressed) ? tileSpans(r) : exactStoredSpans(r);
    }

    private static List<Span> merge(List<long[]> sorted) {
        List<Span> out = new ArrayList<>(sorted.size());
        long start = -1;
        long end = -1;
        for (long[] p : sorted) {
            if (p[0] == end) {
                end += p[1];
                continue;
            }
            if (start >= 0) {
                out.add(new Span(start, end - start));
            }
            start = p[0];
            end = p[0] + p[1];
        }
        out.add(new Span(start, end - start));
        return out;
    }

    /** The stored offset of byte {@code xb} of row {@code y}. */
    long stored(int y, long xb) {
        return tiler == null ? offset + y * pitch + xb : offset + tiler.storedOffset(y * pitch + xb);
    }

    /** The offset of the metadata byte of the tile holding byte {@code xb} of row {@code y}. */
    long metaByte(int y, long xb) {
        return metaOffset + (long) (y / TILE_ROWS) * metaPitch + xb / TILE_WIDTH;
    }

    /** The stored offset of the first byte of tile {@code (tx, ty)}. */
    long tileStart(long tx, long ty) {
        return offset + (ty * (pitch / TILE_WIDTH) + tx) * TILE_BYTES;
    }

    @Override
    public String toString() {
        return "plane " + plane + " (" + samples + "x" + rows + " samples of " + bytesPerSample + " B, "
                + (tiler == null ? "linear" : compressed ? "tiled+metadata" : "tiled") + ", buffer " + buffer + " +"
                + offset + " pitch " + pitch + ")";
    }
}
