package org.dmabuf4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The report generator on two small JMH result files (src/test/resources): run-a holds CPU-access and map results,
 * run-b reservation (throughput), a fence wake-up without its baseline, a copy baseline, and a window sum whose error
 * bars reach across its target. The scores are chosen so that every kind of check is met once and missed once.
 */
class ReportGeneratorTest {
    private static final String STAMP = "2026-01-01T00:00:00Z";

    @TempDir
    Path dir;

    private Path runA;
    private Path runB;

    @BeforeEach
    void copyFixtures() throws IOException {
        runA = copy("run-a.json");
        runB = copy("run-b.json");
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
                "--note", "load average before: 0.10", runA.toString(), runB.toString()), STAMP);
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
        Evaluation e = generate();
        Evaluation.GoalOutcome o = outcome(e, Goal.COHERENT_VS_ARENA);
        assertEquals(Evaluation.Verdict.MET, o.verdict());
        assertEquals(1, o.rows().size());
        assertEquals(100.0 / 40.0, o.rows().getFirst().ratio(), 1e-12);
        assertEquals("baselineConfinedArenaSlice windowSize=4096", o.rows().getFirst().baseline());
    }

    @Test
    void aVerdictWithinTheErrorBarsIsMarkedNoisy() throws IOException {
        // windowSum 100 ns (iterations 60, 100, 140) against 98 ns (97, 98, 99): 1.02x meets <= 1.053x, but the 95 %
        // intervals (100 ± 99 and 98 ± 2.5) allow anything from about 0.01x to 2x
        Evaluation e = generate();
        Row sum = outcome(e, Goal.WINDOW_SUM).rows().getFirst();
        assertEquals(Row.Status.MET, sum.status());
        assertTrue(sum.noisy());
        assertTrue(Evaluation.isNoisy(outcome(e, Goal.WINDOW_SUM)));
        assertTrue(!outcome(e, Goal.COHERENT_VS_ARENA).rows().getFirst().noisy(), "2.5x ± a little is clear of 4x");
        String md = read("quick.md");
        assertTrue(md.contains("| sum throughput inside a window ≥ 95 % of raw MemorySegment | met (noisy) |"), md);
        assertTrue(md.contains("| windowSum | dataSize=4096 | 100.0 ± 50.00 | ns/op | baselineSegmentSum dataSize=4096 "
                + "| 1.02× | ≥ 95 % of raw segment (≤ 1.053×) | yes (noisy) |"), md);
    }

    @Test
    void aCostRatioIsTakenAfterConvertingUnitsAndMissesItsTarget() {
        // coherentBeginEnd 100 ns/op against two syscalls of 0.5 us/op = 500 ns: 0.2, target <= 0.1
        Evaluation.GoalOutcome o = outcome(generate(), Goal.COHERENT_VS_SYSCALLS);
        assertEquals(Evaluation.Verdict.NOT_MET, o.verdict());
        assertEquals(0.2, o.rows().getFirst().ratio(), 1e-12);
        assertEquals(Row.Status.NOT_MET, o.rows().getFirst().status());
    }

    @Test
    void anAbsoluteTargetComparesNanosecondsPerOperation() {
        Evaluation.GoalOutcome o = outcome(generate(), Goal.CACHED_MAP);
        assertEquals(Evaluation.Verdict.MET, o.verdict());
        assertEquals(Row.Status.MET, o.rows().getFirst().status());
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
    void throughputIsInvertedToCostBeforeTheRatio() {
        // lockAll 2 ops/us against ordered locks 4 ops/us: twice the cost per operation
        List<Row> rows = rowsOf(generate(), Goal.LOCK_ALL);
        assertEquals(1, rows.size());
        assertEquals(2.0, rows.getFirst().ratio(), 1e-12);
        assertEquals(Row.Status.NONE, rows.getFirst().status());
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
        Evaluation.GoalOutcome o = outcome(generate(), Goal.WINDOW_READ);
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
        assertTrue(md.contains("**3 met, 2 not met, 9 not measured**"), md);
        assertTrue(md.contains("| coherent begin+end (4 KiB, confined) ≤ 4× a bare confined arena open+slice+close "
                + "| met | windowSize=4096: 2.50× |"), md);
        assertTrue(md.contains("| coherentBeginEnd | windowSize=4096 | 100.0 ± 2.000 | ns/op "
                + "| baselineConfinedArenaSlice windowSize=4096 | 2.50× | ≤ 4× confined arena open+slice+close "
                + "| yes |"), md);
        assertTrue(md.contains("| coherentBeginEnd | windowSize=4096 | 100.0 ± 2.000 | ns/op | baselineTwoSyscalls "
                + "| 0.200× | ≤ 1/10 of two FFM syscalls | **NO** |"), md);
        assertTrue(md.contains("| baselineTwoSyscalls |  | 0.500 ± n/a | us/op |  |  |  |  |"), md);
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
        assertEquals(a.size() + b.size(), merged.size());
        for (int i = 0; i < merged.size(); i++) {
            Json.Element in = i < a.size() ? a.get(i) : b.get(i - a.size());
            assertEquals(in.source(), merged.get(i).source());
        }
    }

    @Test
    void theChartIsWellFormedSvgWithTheSyncSeries() throws Exception {
        generate();
        String svg = read("quick-sync-cost.svg");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertTrue(svg.contains("floor: MemorySegment.copy"), svg);
        assertTrue(svg.contains("floor: two ioctl syscalls (FFM)"), svg);
        assertTrue(svg.contains("coherent begin+end (zero copy)"), svg);
        assertTrue(svg.contains("<polyline"), svg);
    }

    @Test
    void theChartOfARunWithoutSyncResultsSaysSo() {
        String svg = SvgChart.render(List.of(), "empty");
        assertTrue(svg.contains("no sync results in this run"), svg);
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
