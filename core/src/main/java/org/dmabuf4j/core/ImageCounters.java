package org.dmabuf4j.core;

import org.dmabuf4j.api.Rule;

/**
 * A snapshot of what a system's images did ({@link SimulatedImages#counters()}).
 *
 * @param allocations images allocated
 * @param imports images imported with an explicit layout
 * @param refusedImports image attachments refused ({@link Rule#NEG_2 NEG-2}, {@link Rule#NEG_3 NEG-3}) and imports
 *     refused ({@link Rule#FMT_8 FMT-8})
 * @param planeWindows per-plane CPU windows opened ({@link Rule#FMT_9 FMT-9})
 * @param bytesDetiled bytes copied out of tiled or compressed planes into linear views
 * @param bytesRetiled bytes copied from linear views back into tiled or compressed planes
 * @param tilesResolved fast-cleared tiles resolved (zeroed) because a write covered them only in part
 * @param copyJobs image copy jobs run by engines ({@link Rule#FMT_10 FMT-10})
 * @param fillJobs image fill jobs run by engines
 * @param bytesConverted sample bytes image jobs wrote
 * @param tilesFastCleared tiles fast-cleared by fills (metadata only)
 * @param negotiations negotiations done ({@link Rule#NEG_5 NEG-5})
 * @param fallbacks candidates given up by negotiations
 * @param cpuCopies frames the CPU copied between two images on a CPU-copy route ({@link Rule#NEG_6 NEG-6})
 * @param blits frames an engine converted on a device-blit route ({@link Rule#NEG_6 NEG-6})
 */
public record ImageCounters(long allocations, long imports, long refusedImports, long planeWindows,
        long bytesDetiled, long bytesRetiled, long tilesResolved, long copyJobs, long fillJobs, long bytesConverted,
        long tilesFastCleared, long negotiations, long fallbacks, long cpuCopies, long blits) {
}
