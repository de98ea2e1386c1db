package org.dmabuf4j.core;

/**
 * What the {@link TiledHeap} did to open and close CPU windows: each begin untiles, each close of a writable window
 * retiles, exactly the bytes of the window's region, out of (into) the tiles that cover it.
 *
 * @param untiles begins that untiled something
 * @param tilesUntiled tiles read by them, each counted once per begin
 * @param bytesUntiled bytes copied from tiles to the linear staging copy
 * @param retiles closes that retiled something
 * @param tilesRetiled tiles written by them, each counted once per close
 * @param bytesRetiled bytes copied from the staging copy back into tiles
 */
public record TilingCounters(long untiles, long tilesUntiled, long bytesUntiled, long retiles, long tilesRetiled,
        long bytesRetiled) {
}
