package org.dmabuf4j.core;

import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Rule;

/**
 * The "tiled" heap: images stored in tiles, as GPUs and codecs store surfaces. It allocates only tiled
 * layouts ({@link org.dmabuf4j.api.BufferLayout#tiled}); a plain size or a linear layout is refused.
 *
 * <p>Devices see the memory as stored, tile after tile. A CPU window of a region sees linear pixels: begin untiles
 * exactly the bytes of the region out of the tiles that cover it into a staging copy, and closing a writable window
 * retiles them; bytes of those tiles outside the region are neither copied nor written back, so device
 * writes to them meanwhile are kept. The counters show which tiles each sync touched. The staging copy is the CPU's
 * view, so non-coherent importers add no simulated CPU cache to these buffers.
 *
 * <p>With 128-byte x 32-row tiles a buffer is laid out exactly as the image modifier
 * {@link org.dmabuf4j.api.image.FormatModifier#SIM_TILED}: import it as a one-plane SIM_TILED image (offset 0, pitch
 * the stride) with {@link SimulatedImages#importImage} to hand it to image APIs ({@link Rule#FMT_8 FMT-8}).
 *
 * <pre>
 *   DmaBuf img = sys.tiledHeap().allocate(BufferLayout.tiled(1600, 1200, 4, new Tiling.Tiled(128, 32)));
 *   try (CpuAccess w = img.beginCpuAccess(Access.WRITE, Region.rect(10, 10, 10, 10))) { ... }   // 1 to 4 tiles
 * </pre>
 */
public interface TiledHeap extends DmaHeap {
    /**
     * A snapshot of the tiling counters, over every buffer of this heap.
     *
     * @return the counters
     */
    TilingCounters tilingCounters();
}
