package org.dmabuf4j.benchmarks.report;

import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.dmabuf4j.benchmarks.ImageRegion;

/**
 * The lines of the sync-cost chart: cost per begin+end (or per copy) against the bytes synced. Library paths are
 * solid, baselines dashed; a series without an x parameter (the syscall floor) is a horizontal line.
 */
enum ChartSeries {
    NON_COHERENT_READ("non-coherent sync, whole buffer (READ)", "CpuAccessBenchmark.nonCoherentSyncRead",
            ChartSeries::syncSize, false, "#d62728"),
    NON_COHERENT_READ_WRITE("non-coherent sync, whole buffer (READ_WRITE)",
            "CpuAccessBenchmark.nonCoherentSyncReadWrite", ChartSeries::syncSize, false, "#ff7f0e"),
    REGION_SYNC("2-D region sync on 1600×1200×4", "CpuAccessBenchmark.regionSync", ChartSeries::regionBytes, false,
            "#2ca02c"),
    RANGE_SYNC("1-D range sync, same bytes", "CpuAccessBenchmark.rangeSync", ChartSeries::regionBytes, false,
            "#9467bd"),
    COHERENT("coherent begin+end (zero copy)", "CpuAccessBenchmark.coherentBeginEnd", ChartSeries::windowSize,
            false, "#1f77b4"),
    COPY("floor: MemorySegment.copy", "CpuAccessBenchmark.baselineCopy", ChartSeries::syncSize, true, "#7f0000"),
    REGION_COPY("floor: copy of the region's rows", "CpuAccessBenchmark.baselineRegionCopy",
            ChartSeries::regionBytes, true, "#006400"),
    ARENA("floor: confined arena open+slice+close", "CpuAccessBenchmark.baselineConfinedArenaSlice",
            ChartSeries::windowSize, true, "#17becf"),
    SYSCALLS("floor: two ioctl syscalls (FFM)", "CpuAccessBenchmark.baselineTwoSyscalls", null, true, "#555555");

    private final String label;
    private final Selector selector;
    private final ToDoubleFunction<Map<String, String>> bytes;
    private final boolean baseline;
    private final String colour;

    ChartSeries(String label, String selector, ToDoubleFunction<Map<String, String>> bytes, boolean baseline,
                String colour) {
        this.label = label;
        this.selector = Selector.parse(selector);
        this.bytes = bytes;
        this.baseline = baseline;
        this.colour = colour;
    }

    String label() {
        return label;
    }

    Selector selector() {
        return selector;
    }

    /** The bytes a result syncs, or null for a size-independent floor drawn as a horizontal line. */
    ToDoubleFunction<Map<String, String>> bytes() {
        return bytes;
    }

    boolean isBaseline() {
        return baseline;
    }

    String colour() {
        return colour;
    }

    private static double syncSize(Map<String, String> p) {
        return Double.parseDouble(p.get("syncSize"));
    }

    private static double windowSize(Map<String, String> p) {
        return Double.parseDouble(p.get("windowSize"));
    }

    private static double regionBytes(Map<String, String> p) {
        return ImageRegion.parse(p.get("region")).byteCount();
    }
}
