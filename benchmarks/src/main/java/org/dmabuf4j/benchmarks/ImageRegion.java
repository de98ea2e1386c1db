package org.dmabuf4j.benchmarks;

/**
 * A centred rectangle of the benchmark image (1600×1200 pixels of 4 bytes, the 2-D sync case of seed 002), named as
 * in the {@code region} parameter: {@code "10x10"}, {@code "100x100"} or {@code "full"}.
 *
 * @param x left column
 * @param y top row
 * @param width columns
 * @param height rows
 */
public record ImageRegion(int x, int y, int width, int height) {
    /** Image width in pixels. */
    public static final int IMAGE_WIDTH = 1600;
    /** Image height in rows. */
    public static final int IMAGE_HEIGHT = 1200;
    /** Bytes per pixel. */
    public static final int BYTES_PER_PIXEL = 4;
    /** Bytes of the whole image (no row padding). */
    public static final long IMAGE_BYTES = (long) IMAGE_WIDTH * IMAGE_HEIGHT * BYTES_PER_PIXEL;

    /**
     * Parses a region parameter.
     *
     * @param name {@code "full"} or {@code "<width>x<height>"}
     * @return the rectangle, centred in the image
     * @throws IllegalArgumentException if the name is malformed or the rectangle does not fit
     */
    public static ImageRegion parse(String name) {
        if (name.equals("full")) {
            return new ImageRegion(0, 0, IMAGE_WIDTH, IMAGE_HEIGHT);
        }
        int sep = name.indexOf('x');
        if (sep <= 0) {
            throw new IllegalArgumentException("region must be \"full\" or WIDTHxHEIGHT, was \"" + name + "\"");
        }
        int w = Integer.parseInt(name.substring(0, sep));
        int h = Integer.parseInt(name.substring(sep + 1));
        if (w <= 0 || h <= 0 || w > IMAGE_WIDTH || h > IMAGE_HEIGHT) {
            throw new IllegalArgumentException("region " + name + " does not fit the " + IMAGE_WIDTH + "x"
                    + IMAGE_HEIGHT + " image");
        }
        return new ImageRegion((IMAGE_WIDTH - w) / 2, (IMAGE_HEIGHT - h) / 2, w, h);
    }

    /**
     * The bytes of one row of the rectangle.
     *
     * @return width × bytes per pixel
     */
    public long rowBytes() {
        return (long) width * BYTES_PER_PIXEL;
    }

    /**
     * The bytes the rectangle covers (what a region sync must copy).
     *
     * @return rowBytes × height
     */
    public long byteCount() {
        return rowBytes() * height;
    }

    /**
     * The offset of the rectangle's row {@code r} in the linear image.
     *
     * @param r 0 to height - 1
     * @return the byte offset
     */
    public long rowOffset(int r) {
        return ((long) (y + r) * IMAGE_WIDTH + x) * BYTES_PER_PIXEL;
    }
}
