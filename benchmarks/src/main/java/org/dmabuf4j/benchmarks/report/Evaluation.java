package org.dmabuf4j.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Judges results against the {@link Goal}s: which baseline each is compared with, the cost ratio, and whether the
 * target is met.
 */
final class Evaluation {
    /**
     * A goal's outcome over the whole run.
     *
     * @param goal the goal
     * @param verdict met, not met, or not measured
     * @param rows the rows it judged
     */
    record GoalOutcome(Goal goal, Verdict verdict, List<Row> rows) {
    }

    /**
     * Whether some judged row's error bars reach across the target.
     *
     * @param o the outcome
     * @return true if the verdict could change within the measurement error
     */
    static boolean isNoisy(GoalOutcome o) {
        for (Row r : o.rows()) {
            if (r.noisy()) {
                return true;
            }
        }
        return false;
    }

    /** A goal's verdict. */
    enum Verdict {
        /** Every row meets the target. */
        MET,
        /** At least one row misses it. */
        NOT_MET,
        /** No row could be judged: the subject or the baseline was not run. */
        NOT_MEASURED,
        /** An issue asks for the comparison without a bound: the rows are measured, nothing is judged. */
        REPORTED
    }

    /** The class order of issue 7; classes not listed follow, by name. */
    private static final List<String> CLASS_ORDER = List.of("CpuAccessBenchmark", "MapBenchmark",
            "LifecycleBenchmark", "ReservationBenchmark", "FenceBenchmark", "MoveNotifyBenchmark", "DataPathBenchmark",
            "FootprintBenchmark", "ScalingBenchmark", "SyncObjectBenchmark");

    private final List<Result> results;
    private final Map<String, List<Row>> rowsByClass = new LinkedHashMap<>();
    private final List<GoalOutcome> outcomes = new ArrayList<>();

    /**
     * Evaluates a run.
     *
     * @param results every result of the run
     */
    Evaluation(List<Result> results) {
        this.results = List.copyOf(results);
        Map<Goal, List<Row>> byGoal = new LinkedHashMap<>();
        for (Goal g : Goal.values()) {
            byGoal.put(g, new ArrayList<>());
        }
        List<Result> ordered = new ArrayList<>(results);
        ordered.sort(Comparator.comparingInt((Result r) -> classRank(r.className())).thenComparing(Result::className));
        for (Result r : ordered) {
            List<Row> rows = rowsByClass.computeIfAbsent(r.className(), k -> new ArrayList<>());
            boolean covered = false;
            for (Goal g : Goal.values()) {
                if (g.subject().matches(r)) {
                    Row row = judge(r, g);
                    rows.add(row);
                    byGoal.get(g).add(row);
                    covered = true;
                }
            }
            if (!covered) {
                rows.add(new Row(r, null, "", Double.NaN, "", Row.Status.NONE));
            }
        }
        byGoal.forEach((g, rows) -> {
            if (g.hasTarget()) {
                Verdict v = verdict(rows);
                outcomes.add(new GoalOutcome(g, !g.hasBound() && !rows.isEmpty() ? Verdict.REPORTED : v,
                        List.copyOf(rows)));
            }
        });
    }

    private static int classRank(String className) {
        int i = CLASS_ORDER.indexOf(className);
        return i < 0 ? CLASS_ORDER.size() : i;
    }

    private static Verdict verdict(List<Row> rows) {
        boolean judged = false;
        for (Row r : rows) {
            if (r.status() == Row.Status.NOT_MET) {
                return Verdict.NOT_MET;
            }
            judged |= r.status() == Row.Status.MET;
        }
        return judged ? Verdict.MET : Verdict.NOT_MEASURED;
    }

    private Row judge(Result r, Goal g) {
        Row row = judgeAgainstTarget(r, g);
        if (g.decisive() && row.noisy() && row.status() == Row.Status.MET) {
            // the target asks for a clear verdict: one the error bars could flip is not a pass
            return new Row(row.result(), g, row.baseline(), row.ratio(), row.measured(), Row.Status.NOT_MET, true);
        }
        return row;
    }

    private Row judgeAgainstTarget(Result r, Goal g) {
        double cost = r.nanosPerOp();
        return switch (g.check()) {
            case Check.NanosAtMost c -> {
                double[] range = r.nanosPerOpRange();
                yield new Row(r, g, "", Double.NaN, c.measuredText(cost), status(cost <= c.max()),
                        straddles(range[0], range[1], c.max()));
            }
            case Check.PerUnitNanosAtMost c -> {
                long n = c.units().applyAsLong(r.params());
                double perUnit = cost / n;
                double[] range = r.nanosPerOpRange();
                yield new Row(r, g, "per " + c.unitName() + " (" + n + ")", Double.NaN, c.measuredText(perUnit),
                        status(perUnit <= c.max()),
                        straddles(range[0] / n, range[1] / n, c.max()));
            }
            case Check.PerUnitGrowthAtMost c -> {
                long n = c.units().applyAsLong(r.params());
                Optional<Result> smallest = results.stream()
                        .filter(o -> o.benchmark().equals(r.benchmark()) && differInAtMostOneParam(o, r))
                        .min(Comparator.comparingLong(o -> c.units().applyAsLong(o.params())));
                if (smallest.isEmpty()) {
                    yield new Row(r, g, "", Double.NaN, "", Row.Status.NO_BASELINE);
                }
                Result s = smallest.get();
                long n0 = c.units().applyAsLong(s.params());
                double growth = (cost / n) / (s.nanosPerOp() / n0);
                double[] range = ratioRange(r, s);
                yield new Row(r, g, "per " + c.unitName() + " vs " + s.paramText() + " (" + n0 + " → " + n + ")",
                        growth, c.measuredText(growth), status(growth <= c.max()),
                        s != r && straddles(range[0] * n0 / n, range[1] * n0 / n, c.max()));
            }
            case Check.FlatAtMost c -> {
                long n = c.size(r.params());
                Optional<Result> smallest = results.stream()
                        .filter(o -> o.benchmark().equals(r.benchmark()) && differInAtMostOneParam(o, r))
                        .min(Comparator.comparingLong(o -> c.size(o.params())));
                if (smallest.isEmpty()) {
                    yield new Row(r, g, "", Double.NaN, "", Row.Status.NO_BASELINE);
                }
                Result s = smallest.get();
                double growth = cost / s.nanosPerOp();
                double[] range = ratioRange(r, s);
                yield new Row(r, g, "vs " + s.paramText() + " (" + c.size(s.params()) + " → " + n + ")", growth,
                        c.measuredText(growth), status(growth <= c.max()),
                        s != r && straddles(range[0], range[1], c.max()));
            }
            case Check.MetricAtMost c -> {
                Result.Metric m = r.secondary().get(c.metric());
                if (m == null || Double.isNaN(m.score())) {
                    yield new Row(r, g, c.metric() + " (not reported)", Double.NaN, "", Row.Status.NO_BASELINE);
                }
                double[] range = m.range();
                yield new Row(r, g, c.metric(), m.score(), c.measuredText(m.score()), status(m.score() <= c.max()),
                        straddles(range[0], range[1], c.max()));
            }
            case Check.CostAtMost c -> compare(r, g, c.max());
            case Check.ThroughputAtLeast c -> compare(r, g, c.maxRatio());
            case Check.CheaperAtLeast c -> compare(r, g, c.maxRatio());
            case Check.Reported c -> compare(r, g, Double.NaN);
            case Check.Compare c -> compare(r, g, Double.NaN);
        };
    }

    /** A row against the goal's baseline; {@code maxRatio} NaN for a comparison without target. */
    private Row compare(Result r, Goal g, double maxRatio) {
        Selector b = g.baseline();
        Optional<Result> base = baselineOf(r, b);
        if (base.isEmpty()) {
            String expected = b.name() + expectedParams(r, b);
            return new Row(r, g, expected + " (not run)", Double.NaN, "",
                    g.hasBound() ? Row.Status.NO_BASELINE : Row.Status.NONE);
        }
        Result br = base.get();
        double ratio = r.nanosPerOp() / br.nanosPerOp();
        String text = br.shortName().equals(r.shortName()) ? br.paramText() : br.method()
                + (br.params().isEmpty() ? "" : " " + br.paramText());
        String measured = g.check().measuredText(ratio);
        if (Double.isNaN(maxRatio)) {
            return new Row(r, g, text, ratio, g.hasTarget() ? measured : "",
                    g.hasTarget() ? Row.Status.REPORTED : Row.Status.NONE);
        }
        double[] range = ratioRange(r, br);
        return new Row(r, g, text, ratio, measured, status(ratio <= maxRatio),
                straddles(range[0], range[1], maxRatio));
    }

    /** The range of cost(a) / cost(b) that both scores' error bars allow. */
    private static double[] ratioRange(Result a, Result b) {
        double[] ra = a.nanosPerOpRange();
        double[] rb = b.nanosPerOpRange();
        return new double[] {ra[0] / rb[1], rb[0] == 0 ? Double.POSITIVE_INFINITY : ra[1] / rb[0]};
    }

    /** Whether a value known to lie in [lo, hi] could fall on either side of {@code limit}. */
    private static boolean straddles(double lo, double hi, double limit) {
        return lo <= limit && hi > limit;
    }

    /** The baseline result: same method as {@code b}, parameters pinned by {@code b} or else equal to the subject's. */
    private Optional<Result> baselineOf(Result subject, Selector b) {
        Map<String, String> pinned = b.overrides();
        return results.stream().filter(o -> o.shortName().equals(b.name())).filter(o -> {
            for (var e : o.params().entrySet()) {
                String want = pinned.getOrDefault(e.getKey(), subject.params().get(e.getKey()));
                if (!e.getValue().equals(want)) {
                    return false;
                }
            }
            return true;
        }).findFirst();
    }

    private static String expectedParams(Result subject, Selector b) {
        Map<String, String> p = new LinkedHashMap<>(subject.params());
        p.putAll(b.overrides());
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(sb.isEmpty() ? " " : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Results of one series: the parameter that sets the unit count may differ, nothing else. */
    private static boolean differInAtMostOneParam(Result a, Result b) {
        if (!a.params().keySet().equals(b.params().keySet())) {
            return false;
        }
        int differing = 0;
        for (String k : a.params().keySet()) {
            if (!Objects.equals(a.params().get(k), b.params().get(k))) {
                differing++;
            }
        }
        return differing <= 1;
    }

    private static Row.Status status(boolean met) {
        return met ? Row.Status.MET : Row.Status.NOT_MET;
    }

    /**
     * The rows, grouped by benchmark class in issue order.
     *
     * @return class name → rows
     */
    Map<String, List<Row>> rowsByClass() {
        return rowsByClass;
    }

    /**
     * Every goal with a target and its verdict, in goal order.
     *
     * @return the outcomes
     */
    List<GoalOutcome> outcomes() {
        return outcomes;
    }

    /**
     * The results evaluated.
     *
     * @return the results
     */
    List<Result> results() {
        return results;
    }
}
