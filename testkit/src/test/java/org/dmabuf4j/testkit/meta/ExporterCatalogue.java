package org.dmabuf4j.testkit.meta;

import static org.dmabuf4j.api.Rule.BUF_10;
import static org.dmabuf4j.api.Rule.CPU_12;
import static org.dmabuf4j.api.Rule.CPU_14;
import static org.dmabuf4j.api.Rule.CPU_3;
import static org.dmabuf4j.api.Rule.CPU_9;
import static org.dmabuf4j.api.Rule.DEV_9;
import static org.dmabuf4j.api.Rule.FENCE_7;
import static org.dmabuf4j.api.Rule.HEAP_1;
import static org.dmabuf4j.api.Rule.HEAP_5;
import static org.dmabuf4j.api.Rule.MAP_2;
import static org.dmabuf4j.api.Rule.MAP_4;
import static org.dmabuf4j.api.Rule.MAP_9;
import static org.dmabuf4j.api.Rule.MOVE_2;
import static org.dmabuf4j.api.Rule.MOVE_3;
import static org.dmabuf4j.api.Rule.MOVE_6;
import static org.dmabuf4j.api.Rule.MOVE_8;
import static org.dmabuf4j.api.Rule.P2P_1;
import static org.dmabuf4j.api.Rule.P2P_2;
import static org.dmabuf4j.api.Rule.REV_1;
import static org.dmabuf4j.api.Rule.RESV_1;
import static org.dmabuf4j.api.Rule.SAFE_1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dmabuf4j.api.Rule;

/**
 * Every exporter the kit's meta-tests run the kit against: five designs written as third parties would (a pooled
 * static heap with a staging CPU path, a lazily allocating exporter, an exporter over memory-mapped files with a
 * write-back cache, a GPU-like dynamic exporter with device memory and asynchronous copies, and a movable reference
 * exporter whose steps a fixture performs one by one), each correct once (the twin) and broken in one realistic way
 * per subject, with the rule the kit must report, the consequences it may also report, and words its diagnosis must
 * use.
 */
final class ExporterCatalogue {
    private ExporterCatalogue() {
    }

    private static String words(Enum<?> bug) {
        return bug.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<String> expect(String... fragments) {
        return Arrays.asList(fragments);
    }

    // ---- pool -----------------------------------------------------------------------------------------------------

    static List<ExporterSubject> pool() {
        List<ExporterSubject> s = new ArrayList<>();
        s.add(ExporterSubject.correct("pool", "a pooled static heap of 64 KiB chunks with a staging CPU path",
                () -> new PoolExporter.Fixture(PoolExporter.Bug.NONE)));
        s.add(pool(PoolExporter.Bug.ZEROES_ON_FIRST_CPU_ACCESS, "zeroes a reused chunk only when the CPU first"
                + " opens a window", HEAP_1, Set.of(MAP_2, CPU_9, CPU_3, CPU_12, CPU_14, MAP_4),
                expect("read by device", "lazily")));
        s.add(pool(PoolExporter.Bug.GIVES_BACK_AT_LAST_DETACH, "gives its chunks back to the pool when the last"
                + " attachment detaches, though a handle is still open", HEAP_5, Set.of(), expect("detach")));
        s.add(pool(PoolExporter.Bug.MAPS_IN_ADDRESS_ORDER, "lists reused chunks in address order in map(), not in"
                + " buffer order", MAP_2, Set.of(CPU_9, CPU_3, CPU_14, MAP_4, HEAP_1), expect("order")));
        s.add(pool(PoolExporter.Bug.COALESCES_ACROSS_BOUNDARIES, "coalesces neighbouring entries up to the maximum"
                + " segment size, ignoring the segment boundary", Rule.MAP_4, Set.of(), expect("crosses a segment boundary")));
        s.add(pool(PoolExporter.Bug.UNMAPS_FIRST_ENTRY_ONLY, "unmaps only the first entry of a mapping", DEV_9,
                Set.of(Rule.MAP_11, Rule.MAP_5), expect("unmap")));
        s.add(pool(PoolExporter.Bug.STAGING_IN_WHOLE_CHUNKS, "returns a staging copy rounded up to whole chunks"
                + " from beginCpuAccess", CPU_3, Set.of(), expect("bytes")));
        return s;
    }

    private static ExporterSubject pool(PoolExporter.Bug bug, String description, Rule rule, Set<Rule> collateral,
            List<String> expect) {
        return ExporterSubject.broken("pool", words(bug), description, rule, collateral, expect,
                () -> new PoolExporter.Fixture(bug));
    }

    // ---- lazy -----------------------------------------------------------------------------------------------------

    static List<ExporterSubject> lazy() {
        List<ExporterSubject> s = new ArrayList<>();
        s.add(ExporterSubject.correct("lazy", "a static exporter that allocates on the first map or CPU window",
                () -> new LazyExporter.Fixture(LazyExporter.Bug.NONE)));
        s.add(lazy(LazyExporter.Bug.SCRATCH_WINDOW_BEFORE_FIRST_MAP, "hands a CPU window on a buffer never mapped a"
                + " scratch segment of zeros, dropped at close", CPU_12, Set.of(MAP_2, CPU_3, CPU_9, CPU_14),
                expect("window")));
        s.add(lazy(LazyExporter.Bug.FREES_WHEN_IDLE, "frees its memory when the last mapping is unmapped and"
                + " allocates it again on the next touch", HEAP_5, Set.of(SAFE_1, MAP_2, CPU_14, CPU_3, CPU_9),
                expect("returned")));
        s.add(lazy(LazyExporter.Bug.SEPARATE_FIRST_TOUCH_FLAGS, "allocates separately on the first CPU touch and on"
                + " the first device touch", MAP_2, Set.of(CPU_9, CPU_3, CPU_14, CPU_12, HEAP_5),
                expect("first CPU window", "first touch")));
        return s;
    }

    private static ExporterSubject lazy(LazyExporter.Bug bug, String description, Rule rule, Set<Rule> collateral,
            List<String> expect) {
        return ExporterSubject.broken("lazy", words(bug), description, rule, collateral, expect,
                () -> new LazyExporter.Fixture(bug));
    }

    // ---- mmapfile -------------------------------------------------------------------------------------------------

    static List<ExporterSubject> file() {
        List<ExporterSubject> s = new ArrayList<>();
        s.add(ExporterSubject.correct("mmapfile", "a static exporter over memory-mapped files with a write-back CPU"
                + " cache", () -> new FileExporter.Fixture(FileExporter.Bug.NONE)));
        s.add(file(FileExporter.Bug.WRITE_WINDOW_WRITES_STALE_RANGE, "refreshes its CPU cache only for windows that"
                + " read and writes back the bounding range of a window's rows", CPU_3, Set.of(),
                expect("2-D WRITE window", "outside", "refresh")));
        s.add(file(FileExporter.Bug.REFRESHES_FIRST_SPAN_ONLY, "refreshes only the first span (row) of a window",
                CPU_3, Set.of(), expect("2-D READ window", "first span")));
        s.add(file(FileExporter.Bug.VMAP_RETURNS_A_COPY, "returns a copy from vmap and drops it at vunmap", CPU_14,
                Set.of(), expect("vunmap", "copy")));
        s.add(file(FileExporter.Bug.WRITES_BACK_FROM_CACHE_START, "writes each span back from the start of its"
                + " cache instead of from the span's offset", CPU_3, Set.of(MAP_2, CPU_9, CPU_12, MOVE_6),
                expect("offset")));
        s.add(file(FileExporter.Bug.REFRESHES_CACHE_ONCE, "refreshes its CPU cache only for the first window of a"
                + " buffer", MAP_2, Set.of(CPU_9, CPU_3, CPU_14), expect("stale")));
        s.add(file(FileExporter.Bug.UNMAPS_FILE_AT_LAST_DETACH, "unmaps its file when the last attachment detaches,"
                + " though a handle is still open", HEAP_5, Set.of(SAFE_1), expect("detach")));
        s.add(file(FileExporter.Bug.WRITES_BACK_WHOLE_CACHE, "fills its CPU cache only for windows that read and"
                + " writes the whole cache back when a window closes", CPU_3, Set.of(MAP_2, CPU_9, CPU_14, MOVE_6),
                expect("outside the range", "whole staging copy", "held zeros")));
        s.add(file(FileExporter.Bug.MAPS_WHOLE_GRANULES, "maps its file in 64 KiB granules and hands devices the"
                + " whole mapping", MAP_2, Set.of(), expect("covering")));
        return s;
    }

    private static ExporterSubject file(FileExporter.Bug bug, String description, Rule rule, Set<Rule> collateral,
            List<String> expect) {
        return ExporterSubject.broken("mmapfile", words(bug), description, rule, collateral, expect,
                () -> new FileExporter.Fixture(bug));
    }

    // ---- gpu ------------------------------------------------------------------------------------------------------

    static List<ExporterSubject> gpu() {
        List<ExporterSubject> s = new ArrayList<>();
        s.add(ExporterSubject.correct("gpu", "a dynamic GPU exporter with VRAM, peer-to-peer, evictions and"
                + " asynchronous copies", () -> new GpuExporter.Fixture(GpuExporter.Bug.NONE)));
        s.add(gpu(GpuExporter.Bug.FREES_OLD_PLACEMENT_BEFORE_NOTIFYING, "copies and recycles the old memory of a"
                + " move before invalidating the mappings", MOVE_3, Set.of(), expect("before")));
        s.add(gpu(GpuExporter.Bug.COPIES_ONE_PAGE_SHORT, "copies one page less than the buffer when it moves",
                MOVE_6, Set.of(MAP_2, CPU_3, CPU_9, P2P_2, Rule.MOVE_1, Rule.PIN_3), expect("copy")));
        s.add(gpu(GpuExporter.Bug.MOVE_FENCE_OF_WRITE_USAGE, "publishes the copy of a move as a WRITE-usage fence",
                MOVE_8, Set.of(MAP_2, MOVE_6, CPU_3, CPU_9, Rule.MOVE_1, Rule.PIN_3, P2P_1, Rule.MAP_4, MAP_9,
                Rule.MAP_5, Rule.DEV_9), expect("kernel")));
        s.add(gpu(GpuExporter.Bug.NEVER_SIGNALS_COMPACTION, "never signals the fence of a move within system"
                + " memory", FENCE_7, Set.of(), expect("signal")));
        s.add(gpu(GpuExporter.Bug.PEER_MEMORY_FOR_EVERY_PEER_IMPORTER, "gives VRAM bus addresses to every importer"
                + " that allows peer-to-peer, whatever its device", P2P_1, Set.of(), expect("peer")));
        s.add(gpu(GpuExporter.Bug.SCRUBS_BEFORE_REVOKING, "scrubs the buffer's memory before revoking it", REV_1,
                Set.of(), expect("inside the revocation's invalidation", "revoke")));
        s.add(gpu(GpuExporter.Bug.DYNAMIC_WITHOUT_PIN, "declares itself dynamic but keeps Exporter.pin's default",
                BUF_10, Set.of(Rule.PIN_3, MOVE_2, Rule.PIN_2), expect("pin's default")));
        s.add(gpu(GpuExporter.Bug.ADDS_FENCE_WITHOUT_RESERVING, "adds the move's fence without reserving a slot",
                RESV_1, Set.of(), expect("reserveFences")));
        s.add(gpu(GpuExporter.Bug.WINDOW_WRITES_BACK_TO_OLD_PLACEMENT, "writes a CPU window back to the placement"
                + " the buffer had when the window began", MOVE_6, Set.of(), expect("window", "placement")));
        s.add(gpu(GpuExporter.Bug.MAPS_THROUGH_THE_GPU, "maps system memory through the GPU's IOMMU instead of"
                + " the importer's device", MAP_9, Set.of(Rule.DEV_1, MAP_2), expect("attachment.device()")));
        s.add(gpu(GpuExporter.Bug.HOME_MADE_FENCE_WITHOUT_CALLBACKS, "publishes its copies as a fence of its own"
                + " making that never runs the callbacks added to it", Rule.FENCE_2, Set.of(), expect("timeline",
                "callbacks")));
        s.add(gpu(GpuExporter.Bug.CHECKS_PIN_OF_FIRST_ATTACHMENT, "asks its first attachment, not the buffer,"
                + " whether it is pinned", MOVE_2, Set.of(Rule.PIN_3), expect("isPinned")));
        return s;
    }

    private static ExporterSubject gpu(GpuExporter.Bug bug, String description, Rule rule, Set<Rule> collateral,
            List<String> expect) {
        return ExporterSubject.broken("gpu", words(bug), description, rule, collateral, expect,
                () -> new GpuExporter.Fixture(bug));
    }

    // ---- movable (the reference exporter, each step of a move done by the fixture) --------------------------------

    static String designOf(Flaw f) {
        if (f.heap()) {
            return "movable-heap";
        }
        if (f.p2p()) {
            return "movable-p2p";
        }
        return f == Flaw.NONE_STATIC ? "movable-static" : "movable";
    }

    static ExporterSubject of(Flaw f) {
        if (f.rule == null) {
            return ExporterSubject.correct(designOf(f), f.description, () -> new BrokenFixture(f));
        }
        return ExporterSubject.broken(designOf(f), words(f), f.description, f.rule, f.collateral, f.expect,
                () -> new BrokenFixture(f));
    }

    static List<ExporterSubject> movable(Flaw.Family family) {
        return Arrays.stream(Flaw.values()).filter(f -> f.family == family).map(ExporterCatalogue::of).toList();
    }

    /** Every subject, of every design. */
    static List<ExporterSubject> all() {
        List<ExporterSubject> all = new ArrayList<>();
        all.addAll(pool());
        all.addAll(lazy());
        all.addAll(file());
        all.addAll(gpu());
        Arrays.stream(Flaw.values()).map(ExporterCatalogue::of).forEach(all::add);
        return all;
    }

    /** The correct subject of every design. */
    static Map<String, ExporterSubject> twins() {
        Map<String, ExporterSubject> m = new LinkedHashMap<>();
        for (ExporterSubject s : all()) {
            if (s.isCorrect()) {
                m.put(s.design(), s);
            }
        }
        return m;
    }
}
