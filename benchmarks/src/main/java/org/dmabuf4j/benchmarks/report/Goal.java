package org.dmabuf4j.benchmarks.report;

import java.util.Map;
import org.dmabuf4j.benchmarks.HeapChunks;

/**
 * The one place that says which benchmark is judged against which baseline, and by what target (issue 7).
 *
 * <p>A goal covers the results its subject {@link Selector} picks. Its baseline is another benchmark, found with the
 * same parameter values as the subject's (for the parameters the baseline has) unless the baseline spec pins them:
 * {@code CpuAccessBenchmark.regionSync[region=full]} compares every subject with the full-image sync. A result may be
 * covered by several goals (one table row each); a result no goal covers gets a row without baseline. Goals whose
 * subject is not in a run (a library method before core existed, a parameter the quick profile skips) are listed as
 * not measured.
 */
enum Goal {
    // ---- 1. CPU access ------------------------------------------------------------------------------------------
    COHERENT_VS_ARENA("CpuAccessBenchmark.coherentBeginEnd[windowSize=4096]",
            "CpuAccessBenchmark.baselineConfinedArenaSlice",
            new Check.CostRatioAtMost(4, "≤ 4× confined arena open+slice+close"),
            "coherent begin+end (4 KiB, confined) ≤ 4× a bare confined arena open+slice+close"),
    COHERENT_VS_SYSCALLS("CpuAccessBenchmark.coherentBeginEnd[windowSize=4096]",
            "CpuAccessBenchmark.baselineTwoSyscalls",
            new Check.CostRatioAtMost(0.1, "≤ 1/10 of two FFM syscalls"),
            "coherent begin+end (4 KiB, confined) ≤ 1/10 of two FFM system calls"),
    COHERENT_OTHER_SIZES("CpuAccessBenchmark.coherentBeginEnd[windowSize!=4096]",
            "CpuAccessBenchmark.baselineConfinedArenaSlice", new Check.Compare(),
            "coherent begin+end at other sizes (zero copy: should not grow with size)"),
    COHERENT_SHARED("CpuAccessBenchmark.coherentBeginEndShared",
            "CpuAccessBenchmark.baselineSharedArenaSlice", new Check.Compare(),
            "coherent begin+end of a SHARED window vs a shared arena open+slice+close"),
    NON_COHERENT_BANDWIDTH("CpuAccessBenchmark.nonCoherentSyncRead[syncSize=1048576|67108864]",
            "CpuAccessBenchmark.baselineCopy",
            new Check.CostRatioAtMost(1.25, "≥ 80 % of copy bandwidth (≤ 1.25×)"),
            "non-coherent full-buffer sync ≥ 80 % of MemorySegment.copy bandwidth at 1 MiB and at 64 MiB"),
    NON_COHERENT_OTHER_SIZES("CpuAccessBenchmark.nonCoherentSyncRead[syncSize!=1048576|67108864]",
            "CpuAccessBenchmark.baselineCopy", new Check.Compare(),
            "non-coherent full-buffer sync (begin READ + end) at other sizes vs one copy"),
    NON_COHERENT_READ_WRITE("CpuAccessBenchmark.nonCoherentSyncReadWrite",
            "CpuAccessBenchmark.baselineCopy", new Check.Compare(),
            "non-coherent READ_WRITE begin+end (invalidate and clean: two copies) vs one copy"),
    REGION_VS_FULL("CpuAccessBenchmark.regionSync[region=10x10]",
            "CpuAccessBenchmark.regionSync[region=full]",
            new Check.CostRatioAtMost(0.001, "≥ 1000× cheaper than full (≤ 0.001×)"),
            "a 10×10 region sync on 1600×1200×4 ≥ 1000× cheaper than a full-buffer sync"),
    REGION_VS_COPY("CpuAccessBenchmark.regionSync",
            "CpuAccessBenchmark.baselineRegionCopy", new Check.Compare(),
            "2-D region sync vs copying exactly the region's rows"),
    RANGE_VS_COPY("CpuAccessBenchmark.rangeSync",
            "CpuAccessBenchmark.baselineRangeCopy", new Check.Compare(),
            "1-D range sync of the region's byte count vs one copy of those bytes"),

    // ---- 2. Map/unmap -------------------------------------------------------------------------------------------
    CACHED_MAP("MapBenchmark.cachedMapUnmap", null, new Check.NanosAtMost(50),
            "cached map+unmap ≤ 50 ns"),
    UNCACHED_MAP_LINEAR("MapBenchmark.uncachedMapUnmap", null,
            new Check.PerUnitGrowthAtMost("segment", Goal::segments, 1.5),
            "uncached map+unmap linear in the segment count"),
    UNCACHED_MAP_VS_VIEWS("MapBenchmark.uncachedMapUnmap", "MapBenchmark.baselineScopedViews", new Check.Compare(),
            "uncached map+unmap vs handing out one scoped view per segment"),
    CONTIGUOUS_MAP_VS_VIEWS("MapBenchmark.contiguousMapUnmap", "MapBenchmark.baselineScopedViews[mapSize=4096]",
            new Check.Compare(), "contiguous map+unmap (one segment) vs one scoped view"),

    // ---- 3. Lifecycle -------------------------------------------------------------------------------------------
    SYSTEM_HEAP_ALLOC("LifecycleBenchmark.systemHeapAllocate",
            "LifecycleBenchmark.baselineConfinedArenaAllocate", new Check.Compare(),
            "system-heap allocate+close vs Arena.allocate of the same size"),
    CONTIGUOUS_HEAP_ALLOC("LifecycleBenchmark.contiguousHeapAllocate",
            "LifecycleBenchmark.baselineConfinedArenaAllocate", new Check.Compare(),
            "contiguous-heap allocate+close vs Arena.allocate of the same size"),
    SHARED_ARENA_ALLOC("LifecycleBenchmark.baselineSharedArenaAllocate",
            "LifecycleBenchmark.baselineConfinedArenaAllocate", new Check.Compare(),
            "what a shared arena per buffer would cost over a confined one"),

    // ---- 4. Reservation -----------------------------------------------------------------------------------------
    RESERVATION_LOCK("ReservationBenchmark.lockUnlock", "ReservationBenchmark.baselineReentrantLock",
            new Check.CostRatioAtMost(2, "≤ 2× ReentrantLock"),
            "reservation lock+unlock (uncontended) ≤ 2× ReentrantLock"),
    LOCK_ALL("ReservationBenchmark.lockAll8of64", "ReservationBenchmark.baselineOrderedLocks", new Check.Compare(),
            "lockAll of 8-of-64 random buffers, 2 threads (throughput) vs ordered ReentrantLocks"),

    // ---- 5. Fences ----------------------------------------------------------------------------------------------
    FENCE_CALLBACK("FenceBenchmark.signalToCallback", null, new Check.NanosAtMost(50),
            "signal → callback ≤ 50 ns"),
    FENCE_CALLBACK_VS_FUTURE("FenceBenchmark.signalToCallback", "FenceBenchmark.baselineFutureCallback",
            new Check.Compare(), "signal → callback vs CompletableFuture thenRun + complete"),
    FENCE_WAKEUP("FenceBenchmark.signalToWakeup", "FenceBenchmark.baselineParkPingPong",
            new Check.CostRatioAtMost(1.1, "≤ 1.1× park/unpark round trip"),
            "fence signal → wake-up ≤ 1.1× a park/unpark round trip"),
    FENCE_WAKEUP_VS_FUTURE("FenceBenchmark.signalToWakeup", "FenceBenchmark.baselineFuturePingPong",
            new Check.Compare(), "fence signal → wake-up vs a CompletableFuture ping-pong"),
    FUTURE_PING_PONG("FenceBenchmark.baselineFuturePingPong", "FenceBenchmark.baselineParkPingPong",
            new Check.Compare(), "peer: CompletableFuture ping-pong vs park/unpark"),

    // ---- 6. Move-notify -----------------------------------------------------------------------------------------
    MOVE_NOTIFY_LINEAR("MoveNotifyBenchmark.moveNotifyFanOut", null,
            new Check.PerUnitGrowthAtMost("importer", p -> Long.parseLong(p.get("importers")), 1.5),
            "move-notify fan-out linear in the importer count"),
    MOVE_NOTIFY_PER_IMPORTER("MoveNotifyBenchmark.moveNotifyFanOut", null,
            new Check.PerUnitNanosAtMost("importer", p -> Long.parseLong(p.get("importers")), 1000),
            "move-notify fan-out ≤ 1 µs per importer"),
    MOVE_NOTIFY_VS_CALLS("MoveNotifyBenchmark.moveNotifyFanOut", "MoveNotifyBenchmark.baselineCallImporters",
            new Check.Compare(), "move-notify fan-out vs calling every importer in a loop"),

    // ---- 7. Data path -------------------------------------------------------------------------------------------
    WINDOW_READ("DataPathBenchmark.windowRead", "DataPathBenchmark.baselineSegmentRead",
            new Check.CostRatioAtMost(1 / 0.95, "≥ 95 % of raw segment (≤ 1.053×)"),
            "read throughput inside a window ≥ 95 % of raw MemorySegment"),
    WINDOW_WRITE("DataPathBenchmark.windowWrite", "DataPathBenchmark.baselineSegmentWrite",
            new Check.CostRatioAtMost(1 / 0.95, "≥ 95 % of raw segment (≤ 1.053×)"),
            "write throughput inside a window ≥ 95 % of raw MemorySegment"),
    WINDOW_SUM("DataPathBenchmark.windowSum", "DataPathBenchmark.baselineSegmentSum",
            new Check.CostRatioAtMost(1 / 0.95, "≥ 95 % of raw segment (≤ 1.053×)"),
            "sum throughput inside a window ≥ 95 % of raw MemorySegment"),
    BYTE_BUFFER_READ("DataPathBenchmark.peerByteBufferRead", "DataPathBenchmark.baselineSegmentRead",
            new Check.Compare(), "peer: direct ByteBuffer read vs raw segment"),
    BYTE_BUFFER_WRITE("DataPathBenchmark.peerByteBufferWrite", "DataPathBenchmark.baselineSegmentWrite",
            new Check.Compare(), "peer: direct ByteBuffer write vs raw segment"),
    BYTE_BUFFER_SUM("DataPathBenchmark.peerByteBufferSum", "DataPathBenchmark.baselineSegmentSum",
            new Check.Compare(), "peer: direct ByteBuffer sum vs raw segment"),
    CHRONICLE_READ("DataPathBenchmark.peerChronicleRead", "DataPathBenchmark.baselineSegmentRead",
            new Check.Compare(), "peer: Chronicle Bytes read vs raw segment"),
    CHRONICLE_WRITE("DataPathBenchmark.peerChronicleWrite", "DataPathBenchmark.baselineSegmentWrite",
            new Check.Compare(), "peer: Chronicle Bytes write vs raw segment"),
    CHRONICLE_SUM("DataPathBenchmark.peerChronicleSum", "DataPathBenchmark.baselineSegmentSum",
            new Check.Compare(), "peer: Chronicle Bytes sum vs raw segment");

    private final Selector subject;
    private final Selector baseline;
    private final Check check;
    private final String description;

    Goal(String subject, String baseline, Check check, String description) {
        this.subject = Selector.parse(subject);
        this.baseline = baseline == null ? null : Selector.parse(baseline);
        this.check = check;
        this.description = description;
    }

    Selector subject() {
        return subject;
    }

    /** The baseline, or null for checks that need none (absolute and per-unit targets). */
    Selector baseline() {
        return baseline;
    }

    Check check() {
        return check;
    }

    /** The target in the words. */
    String description() {
        return description;
    }

    /** Whether the goal has a target to meet (not only a comparison). */
    boolean hasTarget() {
        return !(check instanceof Check.Compare);
    }

    private static long segments(Map<String, String> params) {
        return HeapChunks.count(Long.parseLong(params.get("mapSize")));
    }
}
