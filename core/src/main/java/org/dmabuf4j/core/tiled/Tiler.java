package org.dmabuf4j.core.tiled;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Tiling;

/**
 * The geometry of a tiled layout: where a byte of the linear image lives in tiled memory.
 *
 * <pre>
 *   linear offset L = y * stride + xb          (xb = byte within the row)
 *   tile (tx, ty)   = (xb / tw, y / th)        stored at ((ty * stride / tw) + tx) * tw * th
 *   byte in tile    = (y % th) * tw + xb % tw
 * </pre>
 *
 * Bytes past the image (the size's rounding to pages) are stored as they are. Used by the tiled heap (one image
 * from offset 0) and by images' tiled planes ({@code core.image}: one plane, offsets relative to the plane).
 */
public final class Tiler {
    private final long stride;
    private final int tileWidth;
    private final int tileHeight;
    private final long tileBytes;
    private final long tilesPerRow;
    private final long imageBytes;

    Tiler(BufferLayout layout) {
        this(layout.stride(), (Tiling.Tiled) layout.tiling(), layout.minimumSize());
    }

    /**
     * The geometry of one tiled surface.
     *
     * @param stride bytes of one as-if-linear row; a multiple of the tile width
     * @param tiles the tile shape
     * @param imageBytes the surface's bytes: stride times rows rounded up to whole tiles
     */
    public Tiler(long stride, Tiling.Tiled tiles, long imageBytes) {
        this.stride = stride;
        this.tileWidth = tiles.widthBytes();
        this.tileHeight = tiles.heightRows();
        this.tileBytes = tiles.tileBytes();
        this.tilesPerRow = stride / tileWidth;
        this.imageBytes = imageBytes;
    }

    /**
     * The number of tiles of the surface.
     *
     * @return the count
     */
    public int tileCount() {
        return (int) (imageBytes / tileBytes);
    }

    /**
     * Where linear byte {@code offset} (inside the surface) is stored.
     *
     * @param offset the as-if-linear offset, {@code y * stride + xb}
     * @return the offset in the tiled memory
     */
    public long storedOffset(long offset) {
        long y = offset / stride;
        long xb = offset % stride;
        long tile = (y / tileHeight) * tilesPerRow + xb / tileWidth;
        return tile * tileBytes + (y % tileHeight) * tileWidth + xb % tileWidth;
    }

    /**
     * Copies the linear bytes {@code [offset, offset + length)} between tiled memory and a linear copy, one tile row
     * piece at a time, and marks the tiles touched.
     *
     * @param tiled the memory as stored
     * @param linear the linear copy, same size
     * @param offset first linear byte
     * @param length bytes
     * @param untile true to copy tiled to linear, false linear to tiled
     * @param touched gets the index of every tile touched
     */
    void copy(MemorySegment tiled, MemorySegment linear, long offset, long length, boolean untile, BitSet touched) {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long n;
            long at;
            if (pos >= imageBytes) {
                n = end - pos;
                at = pos;
            } else {
                long y = pos / stride;
                long xb = pos % stride;
                long c = xb % tileWidth;
                long tile = (y / tileHeight) * tilesPerRow + xb / tileWidth;
                n = Math.min(end - pos, tileWidth - c);
                at = tile * tileBytes + (y % tileHeight) * tileWidth + c;
                touched.set((int) tile);
            }
            if (untile) {
                MemorySegment.copy(tiled, at, linear, pos, n);
            } else {
                MemorySegment.copy(linear, pos, tiled, at, n);
            }
            pos += n;
        }
    }
}
