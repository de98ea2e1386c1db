package org.dmabuf4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.junit.jupiter.api.Test;

/**
 * The goal and chart tables name benchmark methods by string: a typo would silently leave a target "not measured"
 * forever. Every name must be a {@code @Benchmark} method, except those of a class another branch is still writing,
 * listed in {@link #NOT_YET_WRITTEN} until that branch is merged.
 */
class GoalTableTest {
    /**
     * Benchmarks named in the tables whose class another branch adds. Empty: issue 13's ({@code IpcHandOffBenchmark})
     * and issue 12's ({@code ImageBenchmark}) are merged. A branch that names a benchmark before its class exists
     * lists it here; once the class is merged, {@link #nothingStillToBeWrittenExistsAlready()} fails until it is
     * removed again.
     */
    private static final Set<String> NOT_YET_WRITTEN = Set.of();

    private static boolean isBenchmark(String shortName) {
        String cls = shortName.substring(0, shortName.indexOf('.'));
        String method = shortName.substring(shortName.indexOf('.') + 1);
        try {
            return Arrays.stream(Class.forName("org.dmabuf4j.benchmarks." + cls).getMethods())
                    .filter(m -> m.isAnnotationPresent(Benchmark.class)).map(Method::getName)
                    .anyMatch(method::equals);
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void everyBaselineIsABenchmarkMethod() {
        List<String> missing = new ArrayList<>();
        for (Goal g : Goal.values()) {
            if (g.baseline() != null && !isBenchmark(g.baseline().name())
                    && !NOT_YET_WRITTEN.contains(g.baseline().name())) {
                missing.add(g + " -> " + g.baseline().name());
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everySubjectAndChartSeriesIsABenchmarkMethodOrStillToBeWritten() {
        List<String> missing = new ArrayList<>();
        for (Goal g : Goal.values()) {
            String n = g.subject().name();
            if (!isBenchmark(n) && !NOT_YET_WRITTEN.contains(n)) {
                missing.add(g + " -> " + n);
            }
        }
        for (ChartSeries s : ChartSeries.values()) {
            String n = s.selector().name();
            if (!isBenchmark(n) && !NOT_YET_WRITTEN.contains(n)) {
                missing.add(s + " -> " + n);
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void nothingStillToBeWrittenExistsAlready() {
        List<String> stale = NOT_YET_WRITTEN.stream().filter(GoalTableTest::isBenchmark).sorted().toList();
        assertEquals(List.of(), stale, "remove these from NOT_YET_WRITTEN");
    }

    private static long targetsOf(String issue) {
        return Arrays.stream(Goal.values()).filter(g -> g.hasTarget() && g.issue().equals(issue)).count();
    }

    @Test
    void everyTargetOfTheIssuesHasAGoal() {
        // issue 15: region 2x (10x10, 100x100) and full 1.1x, coherent 2x, uncached map 2x, lockAll 50 %, merge and
        // unwrap 2x, read/write/sum 97 %, callback 1.2x, wake-up 1.1x, footprint bytes and GC pause, and 11 scaling
        // series (5 operations at live buffers, 4 at attachments, 2 at fences)
        assertEquals(25, targetsOf("#15"));
        // issue 14: timeline wake-up, WAIT_FOR_SUBMIT wake-up, point lookup (comparisons without a bound)
        assertEquals(3, targetsOf("#14"));
        assertTrue(Arrays.stream(Goal.values()).filter(g -> g.issue().equals("#14")).noneMatch(Goal::hasBound));
        // issue 13's: pool hand-off 100x cheaper than the socket, cross-process wake-up 2x, and two comparisons
        assertEquals(4, targetsOf("#13"));
        // issue 12's: per-plane region sync (linear, tiled) and the layout-converting copy, each against
        // MemorySegment.copy of the same bytes (comparisons: the issue gives no bound)
        assertEquals(3, targetsOf("#12"));
        assertTrue(Arrays.stream(Goal.values()).filter(g -> g.issue().equals("#12")).noneMatch(Goal::hasBound));
        // issue 7's targets that issue 15 did not tighten
        assertEquals(9, targetsOf("#7"));
        assertTrue(Arrays.stream(Goal.values()).allMatch(g -> !g.description().isBlank()));
        assertTrue(Arrays.stream(Goal.values()).allMatch(g -> g.hasTarget() == !g.issue().isEmpty()),
                "a goal with a target names its issue, a plain comparison none");
    }
}
