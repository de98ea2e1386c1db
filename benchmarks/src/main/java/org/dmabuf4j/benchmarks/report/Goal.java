package org.dmabuf4j.benchmarks.report;

import java.util.Map;
import org.dmabuf4j.benchmarks.HeapChunks;

/**
 * The one place that says which benchmark is judged against which baseline, and by what target (issues 7, 12, 13,
 * 14, 15).
 * <b>Adding a target is adding one constant</b>: the issue, the target in the issue's words, the subject, the baseline
 * (or null) and the check. A benchmark class that is not in the run (another branch's, before it is merged) only
 * makes its targets "not measured".
 *
 * <p>A goal covers the results its subject {@link Selector} picks. Its baseline is another benchmark, found with the
 * same parameter values as the subject's (for the parameters the baseline has) unless the baseline spec pins them:
 * {@code CpuAccessBenchmark.regionSync[region=full]} compares every subject with the full-image sync. A result may be
 * covered by several goals (one table row each); a result no goal covers gets a row without baseline. Goals whose
 * subject is not in a run (a parameter the quick profile skips) are listed as not measured. A <em>decisive</em> goal
 * also requires a clear verdict: a row whose error bars reach across the target counts as not met.
 */
enum Goal {
    // ---- issue 15: close to the physical limit -----------------------------------------------------------------
    REGION_SYNC_SMALL("#15", "10×10 and 100×100 region sync (non-coherent 1600×1200×4) ≤ 2× MemorySegment.copy of "
            + "exactly the region's rows", "CpuAccessBenchmark.regionSync[region=10x10|100x100]",
            "CpuAccessBenchmark.baselineRegionCopy", new Check.CostAtMost(2, "copy of the region's rows")),
    REGION_SYNC_FULL("#15", "full-buffer region sync ≤ 1.1× the copy of the buffer",
            "CpuAccessBenchmark.regionSync[region=full]", "CpuAccessBenchmark.baselineRegionCopy",
            new Check.CostAtMost(1.1, "copy of the image's rows")),
    COHERENT_VS_ARENA("#15", "coherent begin+end (4 KiB, confined) ≤ 2× a bare confined arena open+slice+close",
            "CpuAccessBenchmark.coherentBeginEnd[windowSize=4096]", "CpuAccessBenchmark.baselineConfinedArenaSlice",
            new Check.CostAtMost(2, "confined arena open+slice+close")),
    UNCACHED_MAP_VS_VIEWS("#15", "uncached map+unmap ≤ 2× creating the same number of scoped segment views",
            "MapBenchmark.uncachedMapUnmap", "MapBenchmark.baselineScopedViews",
            new Check.CostAtMost(2, "one scoped view per segment")),
    LOCK_ALL("#15", "lockAll 8-of-64, 2 threads ≥ 50 % of the throughput of taking the same locks in address order",
            "ReservationBenchmark.lockAll8of64", "ReservationBenchmark.baselineOrderedLocks",
            new Check.ThroughputAtLeast(0.5, "ordered ReentrantLocks' throughput")),
    MERGE("#15", "merge of 2, 16, 256 and 4096 fences ≤ 2× sorting and deduplicating the same (context, seqno) pairs",
            "FenceBenchmark.merge", "FenceBenchmark.baselineSortDedup", new Check.CostAtMost(2, "sort+dedup")),
    UNWRAP("#15", "unwrap of 2, 16, 256 and 4096 fences ≤ 2× sorting and deduplicating the same pairs",
            "FenceBenchmark.unwrap", "FenceBenchmark.baselineSortDedup", new Check.CostAtMost(2, "sort+dedup")),
    WINDOW_READ("#15", "read inside a window ≥ 97 % of the raw segment's throughput (4 KiB, 1 MiB), not noisy",
            "DataPathBenchmark.windowRead", "DataPathBenchmark.baselineSegmentRead",
            new Check.ThroughputAtLeast(0.97, "raw segment's throughput"), true),
    WINDOW_WRITE("#15", "write inside a window ≥ 97 % of the raw segment's throughput (4 KiB, 1 MiB), not noisy",
            "DataPathBenchmark.windowWrite", "DataPathBenchmark.baselineSegmentWrite",
            new Check.ThroughputAtLeast(0.97, "raw segment's throughput"), true),
    WINDOW_SUM("#15", "sum inside a window ≥ 97 % of the raw segment's throughput (4 KiB, 1 MiB), not noisy",
            "DataPathBenchmark.windowSum", "DataPathBenchmark.baselineSegmentSum",
            new Check.ThroughputAtLeast(0.97, "raw segment's throughput"), true),
    FENCE_CALLBACK_VS_FUTURE("#15", "fence signal → callback ≤ 1.2× CompletableFuture.complete → dependent action",
            "FenceBenchmark.signalToCallback", "FenceBenchmark.baselineFutureCallback",
            new Check.CostAtMost(1.2, "CompletableFuture complete → thenRun")),
    FENCE_WAKEUP("#15", "fence signal → wake-up ≤ 1.1× a park/unpark round trip", "FenceBenchmark.signalToWakeup",
            "FenceBenchmark.baselineParkPingPong", new Check.CostAtMost(1.1, "park/unpark round trip")),
    FOOTPRINT("#15", "retained heap per live buffer (exported, one attachment, one mapping, one fence) ≤ 512 B at "
            + "1 M live buffers", "FootprintBenchmark.exportAttachMapFence", null,
            new Check.MetricAtMost("retainedBytesPerBuffer", 512, "B per live buffer")),
    FOOTPRINT_GC("#15", "1 M buffers exported and released without a full-GC pause over 100 ms",
            "FootprintBenchmark.exportAttachMapFence", null,
            new Check.MetricAtMost("maxFullGcPauseMillis", 100, "ms longest full-GC pause")),
    // scaling: flat unless the kernel is linear too (then per-unit cost must stay flat)
    EXPORT_AT_LIVE("#15", "export+release at 1, 1 k and 1 M live buffers: flat",
            "ScalingBenchmark.exportAtLiveBuffers", null, flat("liveBuffers")),
    ATTACH_AT_LIVE("#15", "attach+detach at 1, 1 k and 1 M live buffers: flat",
            "ScalingBenchmark.attachAtLiveBuffers", null, flat("liveBuffers")),
    MAP_AT_LIVE("#15", "map+unmap at 1, 1 k and 1 M live buffers (all mapped on the same device): flat",
            "ScalingBenchmark.mapAtLiveBuffers", null, flat("liveBuffers")),
    CPU_AT_LIVE("#15", "CPU access begin+end at 1, 1 k and 1 M live buffers: flat",
            "ScalingBenchmark.cpuAccessAtLiveBuffers", null, flat("liveBuffers")),
    FENCE_AT_LIVE("#15", "fence add at 1, 1 k and 1 M live buffers: flat",
            "ScalingBenchmark.addFenceAtLiveBuffers", null, flat("liveBuffers")),
    ATTACH_AT_ATTACHMENTS("#15", "attach+detach with 1 to 1000 attachments per buffer: flat (the kernel's list_add)",
            "ScalingBenchmark.attachAtAttachments", null, flat("attachments")),
    MAP_AT_ATTACHMENTS("#15", "map+unmap with 1 to 1000 attachments per buffer: flat",
            "ScalingBenchmark.mapAtAttachments", null, flat("attachments")),
    CPU_AT_ATTACHMENTS("#15", "CPU access begin+end with 1 to 1000 attachments per buffer: flat",
            "ScalingBenchmark.cpuAccessAtAttachments", null, flat("attachments")),
    FENCE_AT_ATTACHMENTS("#15", "fence add with 1 to 1000 attachments per buffer: flat",
            "ScalingBenchmark.addFenceAtAttachments", null, flat("attachments")),
    FENCE_AT_FENCES("#15", "fence add with 1 to 1000 pending fences per reservation: linear, as the kernel's "
            + "dma_resv_add_fence, which scans the fences for one of the same context",
            "ScalingBenchmark.addFenceAtFences", null, linear("fence", "fences")),
    CPU_AT_FENCES("#15", "CPU access begin+end with 1 to 1000 signaled fences per reservation: flat",
            "ScalingBenchmark.cpuAccessAtFences", null, flat("fences")),

    // ---- issue 14: sync objects (comparisons without a bound) ---------------------------------------------------
    TIMELINE_WAKEUP("#14", "timeline point signal → waiter wake-up vs a park/unpark round trip",
            "SyncObjectBenchmark.timelineSignalToWakeup", "SyncObjectBenchmark.baselineParkPingPong",
            new Check.Reported("vs park/unpark round trip")),
    WAIT_FOR_SUBMIT("#14", "WAIT_FOR_SUBMIT: point submitted → waiter wake-up vs a park/unpark round trip",
            "SyncObjectBenchmark.submitToWakeup", "SyncObjectBenchmark.baselineParkPingPong",
            new Check.Reported("vs park/unpark round trip")),
    POINT_LOOKUP("#14", "point lookup in a 4096-point timeline vs a ConcurrentSkipListMap lookup",
            "SyncObjectBenchmark.pointLookup", "SyncObjectBenchmark.baselineSkipListLookup",
            new Check.Reported("vs ConcurrentSkipListMap.ceilingEntry")),

    // ---- issue 13: ipc (IpcHandOffBenchmark: a child JVM per trial) -----------------------------------------------
    IPC_POOL_HANDOFF("#13", "pool-mode hand-off of an 8 MiB frame ≥ 100× cheaper than copying it through the socket",
            "IpcHandOffBenchmark.poolHandOff", "IpcHandOffBenchmark.baselineSocketCopy",
            new Check.CheaperAtLeast(100, "copying the frame through a Unix-domain socket")),
    IPC_FENCE_WAKEUP("#13", "cross-process fence wake-up ≤ 2× a same-process park/unpark round trip",
            "IpcHandOffBenchmark.timelineRoundTrip", "IpcHandOffBenchmark.baselineParkPingPong",
            new Check.CostAtMost(2, "same-process park/unpark round trip")),
    IPC_FD_PER_FRAME("#13", "fd-per-frame hand-off of an 8 MiB frame vs copying it through the socket",
            "IpcHandOffBenchmark.fdPerFrame", "IpcHandOffBenchmark.baselineSocketCopy",
            new Check.Reported("vs socket copy")),
    IPC_POOL_VS_RING("#13", "pool-mode hand-off vs the same bytes through an Agrona ring buffer over a mapped file",
            "IpcHandOffBenchmark.poolHandOff", "IpcHandOffBenchmark.baselineAgronaRing",
            new Check.Reported("vs Agrona ring buffer")),
    // ---- issue 12: formats (comparisons without a bound: the issue asks for them next to MemorySegment.copy) -------
    IMAGE_REGION_SYNC_LINEAR("#12", "per-plane region sync (READ_WRITE begin+close, NV12 1920×1080 LINEAR on a "
            + "non-coherent device; 16×16, 256×256, full) vs MemorySegment.copy of the region's Y and UV rows there and "
            + "back", "ImageBenchmark.planeRegionSync[layout=LINEAR]", "ImageBenchmark.baselineRegionCopy",
            new Check.Reported("vs copy of the region's rows there and back")),
    IMAGE_REGION_SYNC_TILED("#12", "per-plane region sync of a tiled NV12 frame (SIM_TILED, SIM_TILED_CCS: the tiles "
            + "detiled and retiled, CCS resolved) vs MemorySegment.copy of the region's rows there and back",
            "ImageBenchmark.planeRegionSync[layout=SIM_TILED|SIM_TILED_CCS]", "ImageBenchmark.baselineRegionCopy",
            new Check.Reported("vs copy of the region's rows there and back")),
    IMAGE_CONVERT_COPY("#12", "layout-converting copy of an NV12 1920×1080 frame into LINEAR on a device engine "
            + "(LINEAR, SIM_TILED, SIM_TILED_CCS source) vs one MemorySegment.copy of its 3 110 400 bytes",
            "ImageBenchmark.convertCopy", "ImageBenchmark.baselineFrameCopy",
            new Check.Reported("vs MemorySegment.copy of the frame")),

    // ---- issue 7: the first targets, where issue 15 did not tighten them ---------------------------------------
    COHERENT_VS_SYSCALLS("#7", "coherent begin+end (4 KiB, confined) ≤ 1/10 of two FFM system calls",
            "CpuAccessBenchmark.coherentBeginEnd[windowSize=4096]", "CpuAccessBenchmark.baselineTwoSyscalls",
            new Check.CheaperAtLeast(10, "two FFM ioctl calls")),
    NON_COHERENT_BANDWIDTH("#7", "non-coherent full-buffer sync ≥ 80 % of MemorySegment.copy bandwidth at 1 MiB and "
            + "at 64 MiB", "CpuAccessBenchmark.nonCoherentSyncRead[syncSize=1048576|67108864]",
            "CpuAccessBenchmark.baselineCopy", new Check.ThroughputAtLeast(0.8, "copy bandwidth")),
    REGION_VS_FULL("#7", "a 10×10 region sync on 1600×1200×4 ≥ 1000× cheaper than a full-buffer sync",
            "CpuAccessBenchmark.regionSync[region=10x10]", "CpuAccessBenchmark.regionSync[region=full]",
            new Check.CheaperAtLeast(1000, "the full-image sync")),
    CACHED_MAP("#7", "cached map+unmap ≤ 50 ns", "MapBenchmark.cachedMapUnmap", null, new Check.NanosAtMost(50)),
    UNCACHED_MAP_LINEAR("#7", "uncached map+unmap linear in the segment count", "MapBenchmark.uncachedMapUnmap",
            null, new Check.PerUnitGrowthAtMost("segment", Goal::segments, 1.5)),
    RESERVATION_LOCK("#7", "reservation lock+unlock (uncontended) ≤ 2× ReentrantLock",
            "ReservationBenchmark.lockUnlock", "ReservationBenchmark.baselineReentrantLock", new Check.CostAtMost(2, "ReentrantLock")),
    FENCE_CALLBACK("#7", "signal → callback ≤ 50 ns", "FenceBenchmark.signalToCallback", null,
            new Check.NanosAtMost(50)),
    MOVE_NOTIFY_LINEAR("#7", "move-notify fan-out linear in the importer count", "MoveNotifyBenchmark.moveNotifyFanOut",
            null, linear("importer", "importers")),
    MOVE_NOTIFY_PER_IMPORTER("#7", "move-notify fan-out ≤ 1 µs per importer", "MoveNotifyBenchmark.moveNotifyFanOut",
            null, new Check.PerUnitNanosAtMost("importer", p -> Long.parseLong(p.get("importers")), 1000)),

    // ---- comparisons without a target (class tables only) -----------------------------------------------------
    COHERENT_OTHER_SIZES("", "coherent begin+end at other sizes (zero copy: should not grow with size)",
            "CpuAccessBenchmark.coherentBeginEnd[windowSize!=4096]", "CpuAccessBenchmark.baselineConfinedArenaSlice"),
    COHERENT_SHARED("", "coherent begin+end of a SHARED window vs a shared arena open+slice+close",
            "CpuAccessBenchmark.coherentBeginEndShared", "CpuAccessBenchmark.baselineSharedArenaSlice"),
    NON_COHERENT_OTHER_SIZES("", "non-coherent full-buffer sync (begin READ + end) at other sizes vs one copy",
            "CpuAccessBenchmark.nonCoherentSyncRead[syncSize!=1048576|67108864]", "CpuAccessBenchmark.baselineCopy"),
    NON_COHERENT_READ_WRITE("", "non-coherent READ_WRITE begin+end (invalidate and clean: two copies) vs one copy",
            "CpuAccessBenchmark.nonCoherentSyncReadWrite", "CpuAccessBenchmark.baselineCopy"),
    RANGE_VS_COPY("", "1-D range sync of the region's byte count vs one copy of those bytes",
            "CpuAccessBenchmark.rangeSync", "CpuAccessBenchmark.baselineRangeCopy"),
    CONTIGUOUS_MAP_VS_VIEWS("", "contiguous map+unmap (one segment) vs one scoped view",
            "MapBenchmark.contiguousMapUnmap", "MapBenchmark.baselineScopedViews[mapSize=4096]"),
    SYSTEM_HEAP_ALLOC("", "system-heap allocate+close vs Arena.allocate of the same size",
            "LifecycleBenchmark.systemHeapAllocate", "LifecycleBenchmark.baselineConfinedArenaAllocate"),
    CONTIGUOUS_HEAP_ALLOC("", "contiguous-heap allocate+close vs Arena.allocate of the same size",
            "LifecycleBenchmark.contiguousHeapAllocate", "LifecycleBenchmark.baselineConfinedArenaAllocate"),
    SHARED_ARENA_ALLOC("", "what a shared arena per buffer would cost over a confined one",
            "LifecycleBenchmark.baselineSharedArenaAllocate", "LifecycleBenchmark.baselineConfinedArenaAllocate"),
    FENCE_CALLBACK_VS_TIMESTAMPED("", "fence signal → callback vs a CompletableFuture completion that also reads the "
            + "clock once, as a fence's signal does for its timestamp", "FenceBenchmark.signalToCallback",
            "FenceBenchmark.baselineFutureCallbackTimestamped"),
    FENCE_WAKEUP_VS_FUTURE("", "fence signal → wake-up vs a CompletableFuture ping-pong",
            "FenceBenchmark.signalToWakeup", "FenceBenchmark.baselineFuturePingPong"),
    FUTURE_PING_PONG("", "peer: CompletableFuture ping-pong vs park/unpark", "FenceBenchmark.baselineFuturePingPong",
            "FenceBenchmark.baselineParkPingPong"),
    MOVE_NOTIFY_VS_CALLS("", "move-notify fan-out vs calling every importer in a loop",
            "MoveNotifyBenchmark.moveNotifyFanOut", "MoveNotifyBenchmark.baselineCallImporters"),
    BYTE_BUFFER_READ("", "peer: direct ByteBuffer read vs raw segment", "DataPathBenchmark.peerByteBufferRead",
            "DataPathBenchmark.baselineSegmentRead"),
    BYTE_BUFFER_WRITE("", "peer: direct ByteBuffer write vs raw segment", "DataPathBenchmark.peerByteBufferWrite",
            "DataPathBenchmark.baselineSegmentWrite"),
    BYTE_BUFFER_SUM("", "peer: direct ByteBuffer sum vs raw segment", "DataPathBenchmark.peerByteBufferSum",
            "DataPathBenchmark.baselineSegmentSum"),
    CHRONICLE_READ("", "peer: Chronicle Bytes read vs raw segment", "DataPathBenchmark.peerChronicleRead",
            "DataPathBenchmark.baselineSegmentRead"),
    CHRONICLE_WRITE("", "peer: Chronicle Bytes write vs raw segment", "DataPathBenchmark.peerChronicleWrite",
            "DataPathBenchmark.baselineSegmentWrite"),
    CHRONICLE_SUM("", "peer: Chronicle Bytes sum vs raw segment", "DataPathBenchmark.peerChronicleSum",
            "DataPathBenchmark.baselineSegmentSum");

    private final String issue;
    private final String description;
    private final Selector subject;
    private final Selector baseline;
    private final Check check;
    private final boolean decisive;

    /** A comparison without target: shown in the class tables only. */
    Goal(String issue, String description, String subject, String baseline) {
        this(issue, description, subject, baseline, new Check.Compare(), false);
    }

    Goal(String issue, String description, String subject, String baseline, Check check) {
        this(issue, description, subject, baseline, check, false);
    }

    Goal(String issue, String description, String subject, String baseline, Check check, boolean decisive) {
        this.issue = issue;
        this.description = description;
        this.subject = Selector.parse(subject);
        this.baseline = baseline == null ? null : Selector.parse(baseline);
        this.check = check;
        this.decisive = decisive;
    }

    /** Flat within 1.5× from the smallest to the largest value of {@code param}. */
    private static Check flat(String param) {
        return new Check.FlatAtMost(param, 1.5);
    }

    /** Linear in {@code param}: the cost per {@code unit} within 1.5× of the smallest count's. */
    private static Check linear(String unit, String param) {
        return new Check.PerUnitGrowthAtMost(unit, p -> Long.parseLong(p.get(param)), 1.5);
    }

    /** The issue the target comes from, e.g. {@code #15}; empty for a comparison without target. */
    String issue() {
        return issue;
    }

    Selector subject() {
        return subject;
    }

    /** The baseline, or null for checks that need none (absolute, per-unit, scaling and metric targets). */
    Selector baseline() {
        return baseline;
    }

    Check check() {
        return check;
    }

    /** The target in the issue's words. */
    String description() {
        return description;
    }

    /** Whether the verdict must be clear of the error bars: a noisy row then counts as not met. */
    boolean decisive() {
        return decisive;
    }

    /** Whether the goal is listed in the targets table: it has a target, or an issue asks for the comparison. */
    boolean hasTarget() {
        return !(check instanceof Check.Compare);
    }

    /** Whether the goal has a bound to meet (not only a reported comparison). */
    boolean hasBound() {
        return hasTarget() && !(check instanceof Check.Reported);
    }

    private static long segments(Map<String, String> params) {
        return HeapChunks.count(Long.parseLong(params.get("mapSize")));
    }
}
