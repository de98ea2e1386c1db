package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tiled heap: devices see tiles, CPU windows see linear pixels, syncs touch only the covering tiles (seed 002). */
@ExtendWith(SystemExtension.class)
class TiledHeapTest {
    private static final Tiling.Tiled TILE = new Tiling.Tiled(128, 32);
    private static final BufferLayout HD = BufferLayout.tiled(1600, 1200, 4, TILE);

    /** Where pixel byte (xb, y) is stored: the test's own statement of the tiling, independent of the heap's code. */
    private static long stored(BufferLayout l, long xb, long y) {
        Tiling.Tiled t = (Tiling.Tiled) l.tiling();
        long tile = (y / t.heightRows()) * (l.stride() / t.widthBytes()) + xb / t.widthBytes();
        return tile * t.tileBytes() + (y % t.heightRows()) * t.widthBytes() + xb % t.widthBytes();
    }

    private static int coveringTiles(BufferLayout l, int x, int y, int w, int h) {
        Tiling.Tiled t = (Tiling.Tiled) l.tiling();
        Set<Long> tiles = new HashSet<>();
        for (int r = y; r < y + h; r++) {
            for (long xb = (long) x * l.bytesPerPixel(); xb < (long) (x + w) * l.bytesPerPixel(); xb++) {
                tiles.add((r / t.heightRows()) * (l.stride() / t.widthBytes()) + xb / t.widthBytes());
            }
        }
        return tiles.size();
    }

    private static byte[] rowPattern(int n, int row) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (row * 13 + i * 3 + 1);
        }
        return b;
    }

    private void roundTrip(SimulatedSystem sys, DmaBuf img, int x, int y) {
        TiledHeap heap = sys.tiledHeap();
        BufferLayout l = img.layout().orElseThrow();
        int tiles = coveringTiles(l, x, y, 10, 10);
        TilingCounters before = heap.tilingCounters();
        try (CpuAccess w = img.beginCpuAccess(Access.WRITE, Region.rect(x, y, 10, 10))) {
            for (int r = 0; r < 10; r++) {
                MemorySegment.copy(MemorySegment.ofArray(rowPattern(40, r)), 0, w.row(r), 0, 40);
            }
        }
        TilingCounters written = heap.tilingCounters();
        assertEquals(tiles, written.tilesUntiled() - before.tilesUntiled(), "tiles untiled by begin");
        assertEquals(400, written.bytesUntiled() - before.bytesUntiled());
        assertEquals(tiles, written.tilesRetiled() - before.tilesRetiled(), "tiles retiled by close");
        assertEquals(400, written.bytesRetiled() - before.bytesRetiled());
        try (CpuAccess r = img.beginCpuAccess(Access.READ, Region.rect(x, y, 10, 10))) {
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(rowPattern(40, i), r.row(i).toArray(ValueLayout.JAVA_BYTE), "row " + i);
            }
        }
        TilingCounters read = heap.tilingCounters();
        assertEquals(tiles, read.tilesUntiled() - written.tilesUntiled());
        assertEquals(written.retiles(), read.retiles(), "a READ window retiles nothing");
    }

    @Test
    @DisplayName("CPU-9: a 10x10 region of a tiled 1600x1200 image touches only its covering tiles and round-trips")
    void aSmallRegionTouchesOnlyItsCoveringTiles(SimulatedSystem sys) {
        try (DmaBuf img = sys.tiledHeap().allocate(HD)) {
            assertTrue(img.layout().orElseThrow().isTiled(), "the layout metadata says tiled");
            assertEquals(TILE, img.layout().orElseThrow().tiling());
            assertEquals(1, coveringTiles(HD, 100, 200, 10, 10));
            roundTrip(sys, img, 100, 200);
            assertEquals(4, coveringTiles(HD, 30, 28, 10, 10));
            roundTrip(sys, img, 30, 28);
            assertEquals(2 * 3 * 400, sys.counters().heap("tiled").bytesSynced(),
                    "syncs count exactly the untiled and retiled bytes: 3 x 400 per round trip");
        }
    }

    @Test
    @DisplayName("CPU-3: devices see tiles: what the CPU writes as linear pixels lies in tiles, and the reverse")
    void devicesSeeTiles(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        try (DmaBuf img = sys.tiledHeap().allocate(HD); Attachment att = img.attach(dev)) {
            try (CpuAccess w = img.beginCpuAccess(Access.WRITE, Region.rect(37, 45, 1, 1))) {
                w.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x11223344);
            }
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment px = MemorySegment.ofArray(new byte[4]);
            dev.dmaRead(m.dmaAddress(stored(HD, 37 * 4, 45)), px);
            assertEquals(0x11223344, px.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            // the device fills tile (2, 1): pixels x 64..95, rows 32..63
            byte[] tile = new byte[TILE.tileBytes()];
            java.util.Arrays.fill(tile, (byte) 0x5a);
            long tileIndex = 1 * (HD.stride() / TILE.widthBytes()) + 2;
            dev.dmaWrite(m.dmaAddress(tileIndex * TILE.tileBytes()), MemorySegment.ofArray(tile));
            att.unmapUnlocked(m);
            try (CpuAccess r = img.beginCpuAccess(Access.READ, Region.rect(63, 31, 34, 34))) {
                for (int row = 0; row < 34; row++) {
                    byte[] line = r.row(row).toArray(ValueLayout.JAVA_BYTE);
                    for (int col = 0; col < 34; col++) {
                        boolean inTile = row >= 1 && row <= 32 && col >= 1 && col <= 32;
                        assertEquals(inTile ? (byte) 0x5a : 0, line[col * 4], "pixel (" + (63 + col) + ", "
                                + (31 + row) + ")");
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("CPU-9: 4x4-pixel tiles round-trip a whole small image through the CPU exactly")
    void fourByFourPixelTilesRoundTrip(SimulatedSystem sys) {
        BufferLayout small = BufferLayout.tiled(20, 10, 4, new Tiling.Tiled(16, 4));
        try (DmaBuf img = sys.tiledHeap().allocate(small)) {
            TilingCounters before = sys.tiledHeap().tilingCounters();
            byte[] all = new byte[(int) img.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) (i * 7 + 3);
            }
            try (CpuAccess w = img.beginCpuAccess(Access.WRITE)) {
                MemorySegment.copy(MemorySegment.ofArray(all), 0, w.segment(), 0, all.length);
            }
            try (CpuAccess r = img.beginCpuAccess(Access.READ)) {
                assertArrayEquals(all, r.segment().toArray(ValueLayout.JAVA_BYTE));
            }
            // 80-byte rows are 5 tiles wide; 10 rows pad to 3 tile rows: the whole image is 15 tiles
            assertEquals(2 * 15, sys.tiledHeap().tilingCounters().tilesUntiled() - before.tilesUntiled());
            assertEquals(15, sys.tiledHeap().tilingCounters().tilesRetiled() - before.tilesRetiled());
        }
    }

    @Test
    @DisplayName("CPU-7: the tiled heap refuses plain sizes and linear layouts with a clear message")
    void linearAllocationsAreRefused(SimulatedSystem sys) {
        TiledHeap heap = sys.tiledHeap();
        assertEquals("tiled", heap.name());
        RuleViolationException e = assertFails(RuleViolationException.class, Rule.CPU_7, () -> heap.allocate(4096));
        assertTrue(e.getMessage().contains("BufferLayout.tiled"), e::getMessage);
        assertFails(RuleViolationException.class, Rule.CPU_7,
                () -> heap.allocate(BufferLayout.linear(64, 64, 4)));
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> heap.allocate(0));
        assertFails(RuleViolationException.class, Rule.HEAP_4, () -> heap.allocate(4096, 1));
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> heap.allocate((BufferLayout) null));
        assertEquals(0, heap.liveBytes());
    }
}
