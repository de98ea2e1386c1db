package org.dmabuf4j.benchmarks.report;

import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.dmabuf4j.benchmarks.ImageRegion;

/**
 * The lines of the sync-cost chart: time per begin+end (or per copy) against the bytes the window covers. Library
 * paths are solid with filled circles, floors dashed with open squares; a floor without an x parameter (the syscall
 * pair) is a reference level. A library path that names its floor also gets a line in the chart's second panel: its
 * cost ÷ its floor's at the same size, where a path lying on its floor (ratio 1.01) is still told apart.
 */
enum ChartSeries {
    NON_COHERENT_READ("non-coherent sync, whole buffer (READ): copies every byte",
            "CpuAccessBenchmark.nonCoherentSyncRead", ChartSeries::syncSize, "COPY", "#d62728"),
    NON_COHERENT_READ_WRITE("non-coherent sync, whole buffer (READ_WRITE): two copies",
            "CpuAccessBenchmark.nonCoherentSyncReadWrite", ChartSeries::syncSize, "COPY", "#ff7f0e"),
    REGION_SYNC("2-D region sync on 1600×1200×4: copies the region's rows", "CpuAccessBenchmark.regionSync",
            ChartSeries::regionBytes, "REGION_COPY", "#2ca02c"),
    RANGE_SYNC("1-D range sync of as many bytes: one copy", "CpuAccessBenchmark.rangeSync", ChartSeries::regionBytes,
            "RANGE_COPY", "#9467bd"),
    COHERENT("coherent begin+end (zero copy: syncs nothing)", "CpuAccessBenchmark.coherentBeginEnd",
            ChartSeries::windowSize, "ARENA", "#1f77b4"),
    COPY("floor: MemorySegment.copy of the buffer", "CpuAccessBenchmark.baselineCopy", ChartSeries::syncSize, null,
            "#7f0000"),
    REGION_COPY("floor: copy of the region's rows", "CpuAccessBenchmark.baselineRegionCopy",
            ChartSeries::regionBytes, null, "#006400"),
    RANGE_COPY("floor: one copy of the range", "CpuAccessBenchmark.baselineRangeCopy", ChartSeries::regionBytes, null,
            "#4b0082"),
    ARENA("floor: confined arena open+slice+close", "CpuAccessBenchmark.baselineConfinedArenaSlice",
            ChartSeries::windowSize, null, "#17becf"),
    SYSCALLS("floor: two ioctl syscalls (FFM)", "CpuAccessBenchmark.baselineTwoSyscalls", null, null, "#555555");

    private final String label;
    private final Selector selector;
    private final ToDoubleFunction<Map<String, String>> bytes;
    private final String floor;
    private final String colour;

    ChartSeries(String label, String selector, ToDoubleFunction<Map<String, String>> bytes, String floor,
                String colour) {
        this.label = label;
        this.selector = Selector.parse(selector);
        this.bytes = bytes;
        this.floor = floor;
        this.colour = colour;
    }

    String label() {
        return label;
    }

    Selector selector() {
        return selector;
    }

    /** The bytes the window of a result covers, or null for a size-independent floor drawn as a level. */
    ToDoubleFunction<Map<String, String>> bytes() {
        return bytes;
    }

    /** Whether this is a floor (a baseline), drawn dashed. */
    boolean isBaseline() {
        return selector.name().contains(".baseline");
    }

    /** The floor this library path is judged against in the ratio panel, or null. */
    ChartSeries floor() {
        return floor == null ? null : valueOf(floor);
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
