package org.dmabuf4j.core.image;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Region;

/**
 * Converts one plane's sample rectangle between its real layout and a linear copy whose rows lie {@code rowBytes}
 * apart: what CPU windows show (detile at begin, retile at close) and what image jobs move. The same code for both:
 * the stored bytes come through {@link SpanSegments}, over a window's rows or an engine's bounce copy.
 *
 * <pre>
 *   unpack  stored ──► linear   tiled: one piece per row and tile column; a compressed tile marked CLEAR reads 0
 *   pack    linear ──► stored   a compressed tile that was CLEAR is resolved first (zeroed whole unless fully
 *                               covered), then marked RAW, so bytes outside the rectangle still read 0
 *   clear   zero-fill           fully covered compressed tiles: metadata CLEAR only (fast clear); others written
 * </pre>
 */
final class PlaneCodec {
    private PlaneCodec() {
    }

    /**
     * Copies the rectangle's samples out of the stored layout.
     *
     * @param p the plane
     * @param r the sample rectangle
     * @param data the stored bytes covering the rectangle ({@link PlaneLayout#dataSpans})
     * @param meta the metadata bytes of its tiles, or null unless compressed
     * @param linear the destination
     * @param at the destination offset of the rectangle's first row
     */
    static void unpack(PlaneLayout p, Region.Rect r, SpanSegments data, SpanSegments meta, MemorySegment linear,
            long at) {
        long rowBytes = p.rowBytes(r);
        long xb0 = (long) r.x() * p.bytesPerSample;
        long xb1 = xb0 + rowBytes;
        for (int i = 0; i < r.height(); i++) {
            int y = r.y() + i;
            long dst = at + i * rowBytes;
            if (!p.tiled()) {
                data.read(p.stored(y, xb0), linear, dst, rowBytes);
                continue;
            }
            for (long xb = xb0; xb < xb1;) {
                long n = Math.min(xb1 - xb, PlaneLayout.TILE_WIDTH - xb % PlaneLayout.TILE_WIDTH);
                if (p.compressed && meta.get(p.metaByte(y, xb)) == PlaneLayout.CLEAR) {
                    linear.asSlice(dst + xb - xb0, n).fill((byte) 0);
                } else {
                    data.read(p.stored(y, xb), linear, dst + xb - xb0, n);
                }
                xb += n;
            }
        }
    }

    /**
     * Copies the rectangle's samples into the stored layout.
     *
     * @param p the plane
     * @param r the sample rectangle
     * @param linear the source
     * @param at the source offset of the rectangle's first row
     * @param data the stored bytes: exact pieces for a tiled plane, whole tiles for a compressed one
     * @param meta the metadata bytes of its tiles, or null unless compressed
     * @return the number of cleared tiles resolved
     */
    static int pack(PlaneLayout p, Region.Rect r, MemorySegment linear, long at, SpanSegments data,
            SpanSegments meta) {
        int resolved = p.compressed ? resolve(p, r, data, meta) : 0;
        long rowBytes = p.rowBytes(r);
        long xb0 = (long) r.x() * p.bytesPerSample;
        long xb1 = xb0 + rowBytes;
        for (int i = 0; i < r.height(); i++) {
            int y = r.y() + i;
            long src = at + i * rowBytes;
            if (!p.tiled()) {
                data.write(p.stored(y, xb0), linear, src, rowBytes);
                continue;
            }
            for (long xb = xb0; xb < xb1;) {
                long n = Math.min(xb1 - xb, PlaneLayout.TILE_WIDTH - xb % PlaneLayout.TILE_WIDTH);
                data.write(p.stored(y, xb), linear, src + xb - xb0, n);
                xb += n;
            }
        }
        return resolved;
    }

    /**
     * Makes every tile under the rectangle hold its data (RAW): a cleared tile not fully covered is zeroed first. What
     * a CPU window does at begin before the CPU may write, and an engine before it writes part of a tile.
     *
     * @return the number of tiles zeroed
     */
    static int resolve(PlaneLayout p, Region.Rect r, SpanSegments data, SpanSegments meta) {
        int resolved = 0;
        long xb0 = (long) r.x() * p.bytesPerSample;
        long xb1 = xb0 + p.rowBytes(r);
        for (long ty = r.y() / PlaneLayout.TILE_ROWS; ty <= (r.y() + r.height() - 1L) / PlaneLayout.TILE_ROWS; ty++) {
            for (long tx = xb0 / PlaneLayout.TILE_WIDTH; tx <= (xb1 - 1) / PlaneLayout.TILE_WIDTH; tx++) {
                long m = p.metaOffset + ty * p.metaPitch + tx;
                if (meta.get(m) != PlaneLayout.CLEAR) {
                    continue;
                }
                if (!covers(p, r, tx, ty)) {
                    data.fill(p.tileStart(tx, ty), PlaneLayout.TILE_BYTES, (byte) 0);
                    resolved++;
                }
                meta.set(m, PlaneLayout.RAW);
            }
        }
        return resolved;
    }

    /**
     * Fills the rectangle with zero bytes; on a compressed plane, tiles the rectangle covers whole are only marked
     * CLEAR (fast clear), and cleared tiles it covers in part stay cleared (they read zero already).
     *
     * @param p the plane
     * @param r the sample rectangle
     * @param data the stored bytes: whole tiles for a compressed plane
     * @param meta the metadata bytes of its tiles, or null unless compressed
     * @return the number of tiles fast-cleared
     */
    static int clear(PlaneLayout p, Region.Rect r, SpanSegments data, SpanSegments meta) {
        long xb0 = (long) r.x() * p.bytesPerSample;
        long xb1 = xb0 + p.rowBytes(r);
        if (!p.compressed) {
            for (int y = r.y(); y < r.y() + r.height(); y++) {
                zero(p, y, xb0, xb1, data);
            }
            return 0;
        }
        int cleared = 0;
        for (long ty = r.y() / PlaneLayout.TILE_ROWS; ty <= (r.y() + r.height() - 1L) / PlaneLayout.TILE_ROWS; ty++) {
            for (long tx = xb0 / PlaneLayout.TILE_WIDTH; tx <= (xb1 - 1) / PlaneLayout.TILE_WIDTH; tx++) {
                long m = p.metaOffset + ty * p.metaPitch + tx;
                if (covers(p, r, tx, ty)) {
                    meta.set(m, PlaneLayout.CLEAR);
                    cleared++;
                } else if (meta.get(m) != PlaneLayout.CLEAR) {
                    long from = Math.max(xb0, tx * PlaneLayout.TILE_WIDTH);
                    long to = Math.min(xb1, (tx + 1) * PlaneLayout.TILE_WIDTH);
                    int y0 = (int) Math.max(r.y(), ty * PlaneLayout.TILE_ROWS);
                    int y1 = (int) Math.min(r.y() + r.height(), (ty + 1) * PlaneLayout.TILE_ROWS);
                    for (int y = y0; y < y1; y++) {
                        zero(p, y, from, to, data);
                    }
                }
            }
        }
        return cleared;
    }

    private static void zero(PlaneLayout p, int y, long xb0, long xb1, SpanSegments data) {
        if (!p.tiled()) {
            data.fill(p.stored(y, xb0), xb1 - xb0, (byte) 0);
            return;
        }
        for (long xb = xb0; xb < xb1;) {
            long n = Math.min(xb1 - xb, PlaneLayout.TILE_WIDTH - xb % PlaneLayout.TILE_WIDTH);
            data.fill(p.stored(y, xb), n, (byte) 0);
            xb += n;
        }
    }

    /** Whether the rectangle covers tile {@code (tx, ty)} whole: every byte of its 128 bytes x 32 rows. */
    static boolean covers(PlaneLayout p, Region.Rect r, long tx, long ty) {
        long xb0 = (long) r.x() * p.bytesPerSample;
        long xb1 = xb0 + p.rowBytes(r);
        return xb0 <= tx * PlaneLayout.TILE_WIDTH && xb1 >= (tx + 1) * PlaneLayout.TILE_WIDTH
                && r.y() <= ty * PlaneLayout.TILE_ROWS && r.y() + r.height() >= (ty + 1) * PlaneLayout.TILE_ROWS;
    }

    /** The number of tiles covering the rectangle (for counters). */
    static long tiles(PlaneLayout p, Region.Rect r) {
        if (!p.tiled()) {
            return 0;
        }
        long xb0 = (long) r.x() * p.bytesPerSample;
        long xb1 = xb0 + p.rowBytes(r);
        long cols = (xb1 - 1) / PlaneLayout.TILE_WIDTH - xb0 / PlaneLayout.TILE_WIDTH + 1;
        long tileRows = (r.y() + r.height() - 1L) / PlaneLayout.TILE_ROWS - r.y() / PlaneLayout.TILE_ROWS + 1;
        return cols * tileRows;
    }
}
