package org.dmabuf4j.api;


/**
 * The 2-D shape of an image-like buffer: width and height in pixels, stride in bytes, bytes per pixel, tiling.
 *
 * <pre>
 *   offset of pixel (x, y) in linear space = y * stride + x * bytesPerPixel
 *
 *   |&lt;------------- stride ------------&gt;|
 *   |&lt;----- width * bytesPerPixel -----&gt;|pad|
 *   +-----------------------------------+---+  row 0
 *   +-----------------------------------+---+  row 1
 *   ...                                        row height - 1
 * </pre>
 *
 * <p>A layout makes 2-D {@linkplain Region.Rect regions} possible ({@link Rule#CPU_7 CPU-7}). The buffer must hold at
 * least {@link #minimumSize()} bytes.
 *
 * @param width pixels per row; positive
 * @param height rows; positive
 * @param stride bytes from one row to the next; at least {@code width * bytesPerPixel}
 * @param bytesPerPixel bytes per pixel; 1 to 16
 * @param tiling linear or tiled; not null. A tiled layout's stride is a multiple of the tile width
 */
public record BufferLayout(int width, int height, long stride, int bytesPerPixel, Tiling tiling) {
    /**
     * Validates the layout.
     *
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) if a dimension is not positive, the stride too small,
     *     the pixel size out of range, the tiling null or the stride not a multiple of the tile width
     */
    public BufferLayout {
        Check.positive(width, Rule.CPU_7, "layout width");
        Check.positive(height, Rule.CPU_7, "layout height");
        if (bytesPerPixel < 1 || bytesPerPixel > 16) {
            throw new RuleViolationException(Rule.CPU_7, "bytes per pixel must be 1..16, was " + bytesPerPixel);
        }
        if (stride < (long) width * bytesPerPixel) {
            throw new RuleViolationException(Rule.CPU_7, "stride " + stride + " is less than width " + width
                    + " x " + bytesPerPixel + " bytes per pixel");
        }
        Check.notNull(tiling, Rule.CPU_7, "tiling");
        if (tiling instanceof Tiling.Tiled t && stride % t.widthBytes() != 0) {
            throw new RuleViolationException(Rule.CPU_7, "stride " + stride + " is not a multiple of the tile width "
                    + t.widthBytes());
        }
        if (Math.multiplyHigh(stride, paddedRows(height, tiling)) != 0 || stride * paddedRows(height, tiling) < 0) {
            throw new RuleViolationException(Rule.CPU_7, "layout " + width + "x" + height + " stride " + stride
                    + " overflows a long");
        }
    }

    /**
     * A linear layout without row padding.
     *
     * @param width pixels per row; positive
     * @param height rows; positive
     * @param bytesPerPixel bytes per pixel; 1 to 16
     * @return the layout, stride {@code width * bytesPerPixel}
     */
    public static BufferLayout linear(int width, int height, int bytesPerPixel) {
        return new BufferLayout(width, height, (long) width * bytesPerPixel, bytesPerPixel, Tiling.LINEAR);
    }

    /**
     * A tiled layout whose stride is the row size rounded up to whole tiles.
     *
     * @param width pixels per row; positive
     * @param height rows; positive
     * @param bytesPerPixel bytes per pixel; 1 to 16
     * @param tiles the tile shape; not null
     * @return the layout
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) if {@code tiles} is null
     */
    public static BufferLayout tiled(int width, int height, int bytesPerPixel, Tiling.Tiled tiles) {
        Check.notNull(tiles, Rule.CPU_7, "tiling of a tiled layout " + width + "x" + height
                + " (pass a Tiling.Tiled, or use a linear layout)");
        long row = (long) width * bytesPerPixel;
        long stride = (row + tiles.widthBytes() - 1) / tiles.widthBytes() * tiles.widthBytes();
        return new BufferLayout(width, height, stride, bytesPerPixel, tiles);
    }

    private static long paddedRows(int height, Tiling tiling) {
        if (tiling instanceof Tiling.Tiled t) {
            return ((long) height + t.heightRows() - 1) / t.heightRows() * t.heightRows();
        }
        return height;
    }

    /**
     * The bytes of one row of pixels, without padding.
     *
     * @return {@code width * bytesPerPixel}
     */
    public long rowBytes() {
        return (long) width * bytesPerPixel;
    }

    /**
     * The fewest bytes a buffer with this layout holds: {@code stride * height}, with the height rounded up to whole
     * tiles for a tiled layout.
     *
     * @return the minimum size in bytes
     */
    public long minimumSize() {
        return stride * paddedRows(height, tiling);
    }

    /**
     * Whether the layout is tiled.
     *
     * @return true if {@link #tiling()} is a {@link Tiling.Tiled}
     */
    public boolean isTiled() {
        return tiling instanceof Tiling.Tiled;
    }
}
