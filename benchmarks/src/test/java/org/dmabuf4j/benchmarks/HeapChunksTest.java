package org.dmabuf4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The system-heap chunking the map benchmark's segment counts come from, and the image regions. */
class HeapChunksTest {

    @Test
    void buffersSplitGreedilyIntoOneMiBThenSixtyFourKiBThenPageChunks() {
        assertEquals(1, HeapChunks.count(1));
        assertEquals(1, HeapChunks.count(4096));
        assertEquals(1, HeapChunks.count(65536));
        assertEquals(1, HeapChunks.count(1 << 20));
        assertEquals(64, HeapChunks.count(64L << 20));
        assertArrayEquals(new long[] {1 << 20, 65536, 65536, 4096, 4096},
                HeapChunks.sizes((1 << 20) + 2 * 65536 + 4096 + 1));
        assertThrows(IllegalArgumentException.class, () -> HeapChunks.count(0));
    }

    @Test
    void imageRegionsAreCentredAndCountTheirBytes() {
        ImageRegion r = ImageRegion.parse("10x10");
        assertEquals(new ImageRegion(795, 595, 10, 10), r);
        assertEquals(400, r.byteCount());
        assertEquals((595L * 1600 + 795) * 4, r.rowOffset(0));
        assertEquals(ImageRegion.IMAGE_BYTES, ImageRegion.parse("full").byteCount());
        assertThrows(IllegalArgumentException.class, () -> ImageRegion.parse("2000x10"));
        assertThrows(IllegalArgumentException.class, () -> ImageRegion.parse("big"));
    }
}
