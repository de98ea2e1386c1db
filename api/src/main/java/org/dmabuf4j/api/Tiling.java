package org.dmabuf4j.api;

/**
 * How pixels are arranged in a buffer's memory: linearly, row after row, or in rectangular tiles.
 *
 * <pre>
 *  LINEAR (stride S)                 TILED (tile = tw bytes x th rows, stored tile after tile)
 *  +---------------------------+     +--------+--------+--------+
 *  | row 0 ................... |     | tile 0 | tile 1 | tile 2 |   memory: [tile 0][tile 1][tile 2][tile 3]...
 *  | row 1 ................... |     +--------+--------+--------+   each tile holds th rows of tw bytes, contiguous
 *  | ...                       |     | tile 3 | tile 4 | tile 5 |
 *  +---------------------------+     +--------+--------+--------+
 * </pre>
 *
 * <p>Devices see the memory as stored; CPU windows always see linear pixels: an exporter of tiled memory untiles the
 * tiles covering a region at begin and retiles them at close.
 */
public sealed interface Tiling {
    /** Row after row, {@code stride} bytes apart. */
    Tiling LINEAR = new Linear();

    /**
     * Linear layout.
     */
    record Linear() implements Tiling {
    }

    /**
     * Tiles of {@code widthBytes} bytes by {@code heightRows} rows, stored contiguously tile after tile, tiles in
     * row-major order.
     *
     * @param widthBytes the width of a tile in bytes; a positive power of two
     * @param heightRows the height of a tile in rows; a positive power of two
     */
    record Tiled(int widthBytes, int heightRows) implements Tiling {
        /**
         * Validates the tile shape.
         *
         * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}) unless both are positive powers of two
         */
        public Tiled {
            if (widthBytes <= 0 || Integer.bitCount(widthBytes) != 1 || heightRows <= 0
                    || Integer.bitCount(heightRows) != 1) {
                throw new RuleViolationException(Rule.CPU_7, "tile " + widthBytes + " bytes x " + heightRows
                        + " rows: both must be positive powers of two, e.g. 128 x 32");
            }
        }

        /**
         * The bytes in one tile.
         *
         * @return {@code widthBytes * heightRows}
         */
        public int tileBytes() {
            return widthBytes * heightRows;
        }
    }
}
