package org.dmabuf4j.benchmarks.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH result: a benchmark method with one set of parameter values.
 *
 * @param benchmark the fully qualified method, e.g. {@code org.dmabuf4j.benchmarks.MapBenchmark.cachedMapUnmap}
 * @param mode JMH's mode: {@code avgt}, {@code thrpt}, {@code ss} or {@code sample}
 * @param threads benchmark threads
 * @param params parameter values, in JMH's order
 * @param score the primary metric's score
 * @param error JMH's 99.9 % error half-width; NaN with a single iteration
 * @param error95 the 95 % confidence half-width from the raw iteration scores (Student's t); NaN with fewer than 2
 * @param unit the score's unit, e.g. {@code ns/op} or {@code ops/us}
 * @param settings fork and iteration settings, for the report's header
 * @param secondary JMH's secondary metrics by name (e.g. an {@code @AuxCounters} field, {@code gc.alloc.rate.norm})
 * @param forkLow the smallest fork's mean score (the score itself with one fork)
 * @param forkHigh the largest fork's mean score: forks that disagree (one ran while the machine was busy, or the JIT
 *     compiled the loop differently) make a result unreliable however narrow its pooled confidence interval, so the
 *     range a verdict is tested against includes every fork's mean
 */
record Result(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
              double error95, String unit, String settings, Map<String, Metric> secondary, double forkLow,
              double forkHigh) {

    /**
     * A secondary metric of a result.
     *
     * @param score its score
     * @param error95 the 95 % confidence half-width from its raw iteration scores; NaN with fewer than 2
     * @param unit its unit, e.g. {@code B/op}
     */
    record Metric(double score, double error95, String unit) {
        /**
         * The range the 95 % confidence interval allows.
         *
         * @return {low, high}
         */
        double[] range() {
            return Double.isNaN(error95) ? new double[] {score, score}
                    : new double[] {score - error95, score + error95};
        }
    }

    /**
     * A result without secondary metrics.
     *
     * @param benchmark the fully qualified method
     * @param mode JMH's mode
     * @param threads benchmark threads
     * @param params parameter values
     * @param score the primary score
     * @param error JMH's error
     * @param error95 the 95 % half-width
     * @param unit the score's unit
     * @param settings fork and iteration settings
     */
    Result(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
           double error95, String unit, String settings) {
        this(benchmark, mode, threads, params, score, error, error95, unit, settings, Map.of(), score, score);
    }

    /** Student's t, two-sided 95 %, for 1 to 30 degrees of freedom. */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
        2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
        2.048, 2.045, 2.042};

    Result {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        secondary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secondary));
    }

    /**
     * Reads one element of a JMH JSON result array.
     *
     * @param element the parsed element
     * @return the result
     * @throws IllegalArgumentException if a required field is missing or of the wrong type
     */
    static Result fromJmh(Object element) {
        Map<String, Object> m = asObject(element, "result");
        Map<String, Object> primary = asObject(m.get("primaryMetric"), "primaryMetric");
        Map<String, String> params = new LinkedHashMap<>();
        if (m.get("params") != null) {
            asObject(m.get("params"), "params").forEach((k, v) -> params.put(k, String.valueOf(v)));
        }
        String settings = (long) number(m.get("forks"), "forks", 0) + " fork(s), "
                + (long) number(m.get("warmupIterations"), "warmupIterations", 0) + "×" + m.get("warmupTime") + " warm-up, "
                + (long) number(m.get("measurementIterations"), "measurementIterations", 0) + "×" + m.get("measurementTime")
                + " measurement";
        Map<String, Metric> secondary = new LinkedHashMap<>();
        if (m.get("secondaryMetrics") instanceof Map<?, ?> sm) {
            sm.forEach((k, v) -> {
                Map<String, Object> metric = asObject(v, "secondaryMetrics." + k);
                secondary.put(String.valueOf(k), new Metric(
                        number(metric.get("score"), "secondaryMetrics." + k + ".score", Double.NaN),
                        halfWidth95(metric.get("rawData")), String.valueOf(metric.get("scoreUnit"))));
            });
        }
        double score = number(primary.get("score"), "primaryMetric.score", Double.NaN);
        double[] forks = forkMeans(primary.get("rawData"), score);
        return new Result(string(m.get("benchmark"), "benchmark"), string(m.get("mode"), "mode"),
                (int) number(m.get("threads"), "threads", 1), params, score,
                number(primary.get("scoreError"), "primaryMetric.scoreError", Double.NaN),
                halfWidth95(primary.get("rawData")),
                string(primary.get("scoreUnit"), "primaryMetric.scoreUnit"), settings, secondary, forks[0],
                forks[1]);
    }

    /** The smallest and the largest fork mean; the score twice with fewer than two forks. */
    private static double[] forkMeans(Object rawData, double score) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int forks = 0;
        if (rawData instanceof List<?> all) {
            for (Object fork : all) {
                if (fork instanceof List<?> iterations && !iterations.isEmpty()) {
                    double sum = 0;
                    int n = 0;
                    for (Object x : iterations) {
                        double v = number(x, "rawData", Double.NaN);
                        if (!Double.isNaN(v)) {
                            sum += v;
                            n++;
                        }
                    }
                    if (n > 0) {
                        double mean = sum / n;
                        lo = Math.min(lo, mean);
                        hi = Math.max(hi, mean);
                        forks++;
                    }
                }
            }
        }
        return forks < 2 ? new double[] {score, score} : new double[] {lo, hi};
    }

    /** The 95 % confidence half-width of the mean of JMH's raw data (one list of iteration scores per fork). */
    private static double halfWidth95(Object rawData) {
        java.util.List<Double> xs = new java.util.ArrayList<>();
        if (rawData instanceof List<?> forks) {
            for (Object fork : forks) {
                if (fork instanceof List<?> iterations) {
                    for (Object x : iterations) {
                        double v = number(x, "rawData", Double.NaN);
                        if (!Double.isNaN(v)) {
                            xs.add(v);
                        }
                    }
                }
            }
        }
        int n = xs.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (double x : xs) {
            mean += x;
        }
        mean /= n;
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        int df = n - 1;
        double t = df <= T95.length ? T95[df - 1] : df <= 60 ? 2.0 : df <= 120 ? 1.98 : 1.96;
        return t * Math.sqrt(ss / df) / Math.sqrt(n);
    }

    /**
     * The simple class name, e.g. {@code MapBenchmark}.
     *
     * @return the class part of {@link #benchmark()}
     */
    String className() {
        String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
        return owner.substring(owner.lastIndexOf('.') + 1);
    }

    /**
     * The method name.
     *
     * @return the last part of {@link #benchmark()}
     */
    String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * The short name used in goals and tables: {@code Class.method}.
     *
     * @return class and method
     */
    String shortName() {
        return className() + "." + method();
    }

    /**
     * The cost of one operation in nanoseconds: the score itself for time units, its inverse for throughput units.
     * For a multi-threaded throughput score this is wall time per operation of all threads together.
     *
     * @return nanoseconds per operation
     * @throws IllegalArgumentException if the unit is unknown
     */
    double nanosPerOp() {
        return Units.nanosPerOp(score, unit);
    }

    /**
     * The range of the cost per operation within the 95 % confidence interval of the score, widened to every fork's
     * own mean: {@code [low, high]} nanoseconds. Without an interval (a single iteration) and with one fork both ends
     * are the cost itself.
     *
     * @return {low, high}; high may be infinite for a throughput score whose error reaches zero
     */
    double[] nanosPerOpRange() {
        double[] r = confidenceRange();
        // every fork's own mean is possible too: a fork that ran on a busy machine, or was compiled differently,
        // drags the pooled mean without widening its interval much
        for (double forkScore : new double[] {forkLow, forkHigh}) {
            if (forkScore > 0 && !Double.isNaN(forkScore)) {
                double c = Units.nanosPerOp(forkScore, unit);
                r[0] = Math.min(r[0], c);
                r[1] = Math.max(r[1], c);
            }
        }
        return r;
    }

    private double[] confidenceRange() {
        if (Double.isNaN(error95)) {
            double c = nanosPerOp();
            return new double[] {c, c};
        }
        double atHigh = Units.nanosPerOp(score + error95, unit);
        if (score - error95 <= 0) {
            // a time score may then be as low as 0 ns; a throughput score's cost as high as infinity
            return unit.startsWith("ops/") ? new double[] {atHigh, Double.POSITIVE_INFINITY}
                    : new double[] {0, atHigh};
        }
        double atLow = Units.nanosPerOp(score - error95, unit);
        return new double[] {Math.min(atLow, atHigh), Math.max(atLow, atHigh)};
    }

    /**
     * The parameters as {@code k=v} pairs.
     *
     * @return e.g. {@code windowSize=4096}, or empty
     */
    String paramText() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object o, String what) {
        if (o instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("JMH result: " + what + " is not an object: " + o);
    }

    private static String string(Object o, String what) {
        if (o instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("JMH result: " + what + " is missing or not a string: " + o);
    }

    /** JMH writes NaN as the string "NaN"; accept numbers, numeric strings, or the default when absent. */
    private static double number(Object o, String what, double absent) {
        if (o == null) {
            return absent;
        }
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("JMH result: " + what + " is not a number: " + s, e);
            }
        }
        throw new IllegalArgumentException("JMH result: " + what + " is not a number: " + o);
    }

    /**
     * Reads every result of a JMH JSON array.
     *
     * @param elements the parsed elements
     * @return the results, in order
     */
    static List<Result> fromJmh(List<Json.Element> elements) {
        return elements.stream().map(e -> fromJmh(e.value())).toList();
    }
}
