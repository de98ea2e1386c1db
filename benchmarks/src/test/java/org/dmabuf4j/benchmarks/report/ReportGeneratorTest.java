package org.dmabuf4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The report generator on three small JMH result files (src/test/resources): run-a holds CPU-access and map results,
 * run-b reservation (throughput), a fence wake-up without its baseline, a copy baseline, and a window sum whose error
 * bars reach across its target; run-c a noisy region sync, a clear window read, a scaling series and a footprint
 * result with secondary metrics. The scores are chosen so that every kind of check is met once and missed once.
 */
class ReportGeneratorTest {
    private static final String STAMP = "2026-01-01T00:00:00Z";

    @TempDir
    Path dir;

    private Path runA;
    private Path runB;
    private Path runC;

    @BeforeEach
    void copyFixtures() throws IOException {
        runA = copy("run-a.json");
        runB = copy("run-b.json");
        runC = copy("run-c.json");
    }

    private Path copy(String name) throws IOException {
        try (InputStream in = ReportGeneratorTest.class.getResourceAsStream(name)) {
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private Evaluation generate() {
        return ReportGenerator.generate(options("--profile", "quick", "--out", dir.resolve("out").toString(),
                "--note", "load average before: 0.10", runA.toString(), runB.toString(), runC.toString()), STAMP);
    }

    private static ReportGenerator.Options options(String... args) {
        return ReportGenerator.Options.parse(args);
    }

    private static Evaluation.GoalOutcome outcome(Evaluation e, Goal g) {
        return e.outcomes().stream().filter(o -> o.goal() == g).findFirst().orElseThrow();
    }

    private static List<Row> rowsOf(Evaluation e, Goal g) {
        return e.rowsByClass().values().stream().flatMap(List::stream).filter(r -> r.goal() == g).toList();
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve("out").resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void aCostRatioWithinItsTargetIsMet() {
        // coherentBeginEnd 70 ns against the arena's 40 ns: 1.75x, target <= 2x
        Evaluation.GoalOutcome o = outcome(generate(), Goal.COHERENT_VS_ARENA);
        assertEquals(Evaluation.Verdict.MET, o.verdict());
        assertEquals(1, o.rows().size());
        assertEquals(70.0 / 40.0, o.rows().getFirst().ratio(), 1e-12);
        assertEquals("baselineConfinedArenaSlice windowSize=4096", o.rows().getFirst().baseline());
        assertEquals("1.75×", o.rows().getFirst().measured());
    }

    @Test
    void aVerdictWithinTheErrorBarsIsMarkedNoisy() throws IOException {
        // regionSync 10x10 100 ns (iterations 60, 100, 140) against 60 ns (59, 60, 61): 1.67x meets <= 2x, but the
        // 95 % intervals (100 ± 99 and 60 ± 2.5) allow anything from about 0.01x to 3.5x
        Evaluation e = generate();
        Row region = outcome(e, Goal.REGION_SYNC_SMALL).rows().getFirst();
        assertEquals(Row.Status.MET, region.status());
        assertTrue(region.noisy());
        assertTrue(Evaluation.isNoisy(outcome(e, Goal.REGION_SYNC_SMALL)));
        assertFalse(outcome(e, Goal.COHERENT_VS_ARENA).rows().getFirst().noisy(), "1.75x exactly is clear of 2x");
        String md = read("quick.md");
        assertTrue(md.contains("| met (noisy) | region=10x10: 1.67× (noisy) |"), md);
    }

    @Test
    void aDecisiveTargetCountsANoisyPassAsNotMet() throws IOException {
        // windowSum 100 ns (60, 100, 140) against 98 ns: 98 % of the baseline's throughput meets >= 97 %, but the
        // error bars reach across it, and the data-path targets ask for a clear verdict
        Evaluation e = generate();
        Row sum = outcome(e, Goal.WINDOW_SUM).rows().getFirst();
        assertEquals(Row.Status.NOT_MET, sum.status());
        assertTrue(sum.noisy());
        assertEquals(Evaluation.Verdict.NOT_MET, outcome(e, Goal.WINDOW_SUM).verdict());
        assertTrue(read("quick.md").contains("| windowSum | dataSize=4096 | 100.0 ± 50.00 | ns/op | baselineSegmentSum "
                + "dataSize=4096 | 1.02× | ≥ 97 % of raw segment's throughput | 98 % | **NO** (noisy) |"),
                read("quick.md"));
    }

    @Test
    void aScoreWhoseForksDisagreeMakesItsVerdictNoisy() {
        // windowWrite 120 ns against a baseline whose two forks of 10 iterations measured 100 and 250 ns: the pooled
        // score (175 ns, 95 % interval 139-211 ns) says the window writes at 146 % of the raw segment's throughput,
        // clear of 97 %; but against the fork that measured 100 ns it writes at 83 %: one fork ran on a busy machine
        // (or was compiled differently), the verdict cannot be trusted, and the target is decisive
        Row write = outcome(generate(), Goal.WINDOW_WRITE).rows().getFirst();
        assertEquals("146 %", write.measured());
        assertTrue(write.noisy());
        assertEquals(Row.Status.NOT_MET, write.status());
    }

    @Test
    void aThroughputTargetIsStatedAsAPercentageOfTheBaselinesThroughput() throws IOException {
        // windowRead 100 ns against 102 ns: the window reads at 102 % of the raw segment's throughput (cost 0.98x)
        Evaluation e = generate();
        Row read = outcome(e, Goal.WINDOW_READ).rows().getFirst();
        assertEquals(Row.Status.MET, read.status());
        assertFalse(read.noisy());
        assertEquals("102 %", read.measured());
        String md = read("quick.md");
        assertTrue(md.contains("| #15 | read inside a window ≥ 97 % of the raw segment's throughput (4 KiB, 1 MiB), "
                + "not noisy | met | dataSize=4096: 102 % |"), md);
        assertFalse(md.contains("met | dataSize=4096: 0.98"), "a throughput target never shows a cost ratio: " + md);
    }

    @Test
    void aCheaperByTargetIsStatedAsHowManyTimesCheaper() {
        // coherentBeginEnd 70 ns against two syscalls of 0.5 us/op = 500 ns: 7.14x cheaper, target >= 10x cheaper
        Evaluation.GoalOutcome o = outcome(generate(), Goal.COHERENT_VS_SYSCALLS);
        assertEquals(Evaluation.Verdict.NOT_MET, o.verdict());
        assertEquals(0.14, o.rows().getFirst().ratio(), 1e-12);
        assertEquals(Row.Status.NOT_MET, o.rows().getFirst().status());
        assertEquals("7.14× cheaper", o.rows().getFirst().measured());
        assertEquals("≥ 10× cheaper than two FFM ioctl calls", o.rows().getFirst().target());
    }

    @Test
    void anAbsoluteTargetComparesNanosecondsPerOperation() {
        Evaluation.GoalOutcome o = outcome(generate(), Goal.CACHED_MAP);
        assertEquals(Evaluation.Verdict.MET, o.verdict());
        assertEquals(Row.Status.MET, o.rows().getFirst().status());
        assertEquals("30.0 ns", o.rows().getFirst().measured());
    }

    @Test
    void linearityIsJudgedPerSegmentAgainstTheSmallestSegmentCount() {
        // 1 segment 200 ns; 16 segments 1600 ns (100 ns each: 0.5x); 64 segments 25600 ns (400 ns each: 2x > 1.5x)
        Evaluation e = generate();
        List<Row> rows = rowsOf(e, Goal.UNCACHED_MAP_LINEAR);
        assertEquals(List.of(1.0, 0.5, 2.0), rows.stream().map(Row::ratio).toList());
        assertEquals(List.of(Row.Status.MET, Row.Status.MET, Row.Status.NOT_MET),
                rows.stream().map(Row::status).toList());
        assertEquals(Evaluation.Verdict.NOT_MET, outcome(e, Goal.UNCACHED_MAP_LINEAR).verdict());
    }

    @Test
    void flatnessIsJudgedAgainstTheCostAtTheSmallestSize() {
        // export at 1, 1000 and 1000000 live buffers: 100, 120, 200 ns: 1x, 1.2x (flat), 2x (not flat)
        Evaluation e = generate();
        List<Row> rows = rowsOf(e, Goal.EXPORT_AT_LIVE);
        assertEquals(List.of(1.0, 1.2, 2.0), rows.stream().map(Row::ratio).toList());
        assertEquals(List.of(Row.Status.MET, Row.Status.MET, Row.Status.NOT_MET),
                rows.stream().map(Row::status).toList());
        assertEquals("vs liveBuffers=1 (1 → 1000000)", rows.get(2).baseline());
        assertEquals(Evaluation.Verdict.NOT_MET, outcome(e, Goal.EXPORT_AT_LIVE).verdict());
    }

    @Test
    void aMetricTargetReadsTheSecondaryMetricOfTheResult() {
        // footprint: 430 B per live buffer (<= 512 met), longest full-GC pause 150 ms (<= 100 missed)
        Evaluation e = generate();
        Row bytes = outcome(e, Goal.FOOTPRINT).rows().getFirst();
        assertEquals(Row.Status.MET, bytes.status());
        assertEquals(430.0, bytes.ratio(), 1e-12);
        assertEquals("430.0 B per live buffer", bytes.measured());
        assertEquals(Row.Status.NOT_MET, outcome(e, Goal.FOOTPRINT_GC).rows().getFirst().status());
    }

    @Test
    void throughputIsInvertedToCostBeforeTheRatio() {
        // lockAll 2 ops/us against ordered locks 4 ops/us: twice the cost per operation, 50 % of the throughput
        List<Row> rows = rowsOf(generate(), Goal.LOCK_ALL);
        assertEquals(1, rows.size());
        assertEquals(2.0, rows.getFirst().ratio(), 1e-12);
        assertEquals(Row.Status.MET, rows.getFirst().status());
        assertEquals("50 %", rows.getFirst().measured());
    }

    @Test
    void aTargetWhoseBaselineWasNotRunIsNotMeasured() {
        Evaluation e = generate();
        assertEquals(Evaluation.Verdict.NOT_MEASURED, outcome(e, Goal.FENCE_WAKEUP).verdict());
        Row row = rowsOf(e, Goal.FENCE_WAKEUP).getFirst();
        assertEquals(Row.Status.NO_BASELINE, row.status());
        assertTrue(row.baseline().contains("FenceBenchmark.baselineParkPingPong"), row.baseline());
    }

    @Test
    void aGoalWhoseSubjectWasNotRunIsNotMeasuredAndHasNoRows() {
        Evaluation.GoalOutcome o = outcome(generate(), Goal.MERGE);
        assertEquals(Evaluation.Verdict.NOT_MEASURED, o.verdict());
        assertTrue(o.rows().isEmpty());
    }

    @Test
    void aResultNoGoalCoversGetsAPlainRow() {
        Row copy = generate().rowsByClass().get("CpuAccessBenchmark").stream()
                .filter(r -> r.result().method().equals("baselineCopy")).findFirst().orElseThrow();
        assertEquals(null, copy.goal());
        assertEquals("", copy.baseline());
        assertTrue(Double.isNaN(copy.ratio()));
    }

    @Test
    void theMarkdownShowsTargetsAndOneTableRowPerJudgement() throws IOException {
        generate();
        String md = read("quick.md");
        assertTrue(md.startsWith("# dmabuf4j benchmarks: quick profile\n"), md);
        assertTrue(md.contains("Reproduce with `benchmarks/run-quick.sh`"), md);
        assertTrue(md.contains("- Generated: " + STAMP), md);
        assertTrue(md.contains("- Settings: 1 fork(s), 2×200 ms warm-up, 3×200 ms measurement\n"
                + "- load average before: 0.10\n"), md);
        // met: region 10x10, coherent vs arena, lock-all, window read, footprint, cached map; not met: window sum,
        // window write, coherent vs syscalls, uncached linear, export flatness, full-GC pause
        assertTrue(md.contains("**6 met, 6 not met, "), md);
        assertTrue(md.contains("| #15 | coherent begin+end (4 KiB, confined) ≤ 2× a bare confined arena "
                + "open+slice+close | met | windowSize=4096: 1.75× |"), md);
        assertTrue(md.contains("| coherentBeginEnd | windowSize=4096 | 70.00 ± 2.000 | ns/op "
                + "| baselineConfinedArenaSlice windowSize=4096 | 1.75× | ≤ 2× confined arena open+slice+close "
                + "| 1.75× | yes |"), md);
        assertTrue(md.contains("| coherentBeginEnd | windowSize=4096 | 70.00 ± 2.000 | ns/op | baselineTwoSyscalls "
                + "| 0.140× | ≥ 10× cheaper than two FFM ioctl calls | 7.14× cheaper | **NO** |"), md);
        assertTrue(md.contains("| baselineTwoSyscalls |  | 0.500 ± n/a | us/op |  |  |  |  |  |"), md);
        assertTrue(md.contains("linear: per-segment cost ≤ 1.5× the smallest count's"), md);
        assertTrue(md.contains("mapSize=67108864: **2.00×**"), "a missing row is bold in the targets table: " + md);
        assertTrue(md.indexOf("## CpuAccessBenchmark") < md.indexOf("## MapBenchmark")
                && md.indexOf("## MapBenchmark") < md.indexOf("## ReservationBenchmark")
                && md.indexOf("## ReservationBenchmark") < md.indexOf("## FenceBenchmark"), md);
    }

    @Test
    void theJsonOutputHoldsEveryInputResultUnchanged() throws IOException {
        generate();
        List<Json.Element> merged = Json.topLevelElements(read("quick.json"));
        List<Json.Element> a = Json.topLevelElements(Files.readString(runA));
        List<Json.Element> b = Json.topLevelElements(Files.readString(runB));
        List<Json.Element> c = Json.topLevelElements(Files.readString(runC));
        assertEquals(a.size() + b.size() + c.size(), merged.size());
        for (int i = 0; i < merged.size(); i++) {
            Json.Element in = i < a.size() ? a.get(i) : i < a.size() + b.size() ? b.get(i - a.size())
                    : c.get(i - a.size() - b.size());
            assertEquals(in.source(), merged.get(i).source());
        }
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSyncChartIsWellFormedSvgWithPathsFloorsAndTheirRatios() throws Exception {
        generate();
        String svg = read("quick-sync-cost.svg");
        assertEquals("svg", parse(svg).getDocumentElement().getNodeName());
        assertTrue(svg.contains("floor: two ioctl syscalls (FFM)"), svg);
        assertTrue(svg.contains("coherent begin+end (zero copy: syncs nothing)"), "the coherent path syncs no bytes");
        assertTrue(svg.contains("bytes the window covers"), svg);
        assertTrue(!svg.contains("bytes synced (log scale)"), "the axis is not 'bytes synced': " + svg);
        // the region sync and its floor: a solid line with circles, a dashed one with open squares, and a ratio line
        assertTrue(svg.contains("2-D region sync on 1600×1200×4: copies the region's rows ÷ copy of the region's rows"),
                svg);
        assertTrue(svg.contains("stroke-dasharray=\"7 4\""), svg);
        assertTrue(svg.contains("<rect x=") && svg.contains("fill=\"white\" stroke=\"#006400\""), svg);
        assertTrue(svg.contains("1× = the floor"), svg);
    }

    @Test
    void theScalingChartDrawsEveryScalingGoalAgainstItsLimit() throws Exception {
        generate();
        String svg = read("quick-scaling.svg");
        assertEquals("svg", parse(svg).getDocumentElement().getNodeName());
        assertTrue(svg.contains("exportAtLiveBuffers"), svg);
        assertTrue(svg.contains("uncachedMapUnmap (per segment)"), svg);
        assertTrue(svg.contains("1.5× = the issue's limit"), svg);
        assertTrue(svg.contains("<polyline"), svg);
    }

    @Test
    void theChartsOfARunWithoutTheirResultsSaySo() {
        assertTrue(SyncCostChart.render(List.of(), "empty").contains("no sync results in this run"));
        assertTrue(ScalingChart.render(new Evaluation(List.of()), "empty").contains("no scaling results in this run"));
    }

    @Test
    void theReadmeSectionBetweenTheMarkersIsReplaced() throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "intro\n<!-- BEGIN quick results -->\nold table\n<!-- END quick results -->\nrest\n");
        ReportGenerator.generate(options("--profile", "quick", "--out", dir.resolve("out").toString(), "--readme",
                readme.toString(), runA.toString()), STAMP);
        String text = Files.readString(readme);
        assertTrue(text.startsWith("intro\n<!-- BEGIN quick results -->\nReproduce with"), text);
        assertTrue(text.endsWith("<!-- END quick results -->\nrest\n"), text);
        assertTrue(!text.contains("old table"), text);
        assertTrue(text.contains("#### CpuAccessBenchmark"), text);
        assertTrue(text.contains("](results/quick-sync-cost.svg)"), "the README links the charts: " + text);
    }

    @Test
    void aReadmeWithoutTheMarkersIsRefusedAndLeftAlone() throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "no markers\n");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ReportGenerator.generate(
                options("--profile", "quick", "--out", dir.resolve("out").toString(), "--readme", readme.toString(),
                        runA.toString()), STAMP));
        assertTrue(ex.getMessage().contains("<!-- BEGIN quick results -->"), ex.getMessage());
        assertEquals("no markers\n", Files.readString(readme));
    }

    @Test
    void aMalformedInputIsReportedWithItsFileName() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"benchmark\": ]");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ReportGenerator.generate(
                options("--profile", "quick", "--out", dir.resolve("out").toString(), bad.toString()), STAMP));
        assertTrue(ex.getMessage().startsWith(bad.toString()), ex.getMessage());
    }

    @Test
    void optionsWithoutInputsOrProfileAreRefusedWithTheUsage() {
        assertThrows(IllegalArgumentException.class, () -> options("--profile", "quick", "--out", "x"));
        assertThrows(IllegalArgumentException.class, () -> options("--out", "x", "a.json"));
        assertThrows(IllegalArgumentException.class, () -> options("--profile", "../evil", "--out", "x", "a.json"));
        assertThrows(IllegalArgumentException.class, () -> options("--profile", "quick", "--bogus", "a.json"));
        assertEquals("benchmarks/run-full.sh",
                options("--profile", "full", "--out", "x", "a.json").command());
    }
}
