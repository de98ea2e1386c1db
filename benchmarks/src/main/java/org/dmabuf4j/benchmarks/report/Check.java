package org.dmabuf4j.benchmarks.report;

import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/** What a {@link Goal} checks about each result it covers. */
sealed interface Check {
    /**
     * The target as the table shows it.
     *
     * @return e.g. {@code ≤ 4×}; empty for {@link Compare}
     */
    String targetText();

    /** No target: the ratio to the baseline is shown for information. */
    record Compare() implements Check {
        @Override
        public String targetText() {
            return "";
        }
    }

    /**
     * The cost (time per operation) is at most {@code max} times the baseline's.
     *
     * @param max the largest allowed cost ratio
     * @param text how the issue states it, e.g. {@code ≥ 80 % of copy bandwidth}
     */
    record CostRatioAtMost(double max, String text) implements Check {
        @Override
        public String targetText() {
            return text;
        }
    }

    /**
     * The cost is at most {@code max} nanoseconds per operation.
     *
     * @param max nanoseconds
     */
    record NanosAtMost(double max) implements Check {
        @Override
        public String targetText() {
            return "≤ " + Units.nanos(max);
        }
    }

    /**
     * Linear scaling: the cost per unit (segment, importer) is at most {@code max} times the cost per unit at the
     * smallest unit count measured. A fixed overhead makes it fall below 1; super-linear work makes it grow.
     *
     * @param unitName what is counted, e.g. {@code segment}
     * @param units the unit count of a result's parameters
     * @param max the largest allowed growth of the per-unit cost
     */
    record PerUnitGrowthAtMost(String unitName, ToLongFunction<Map<String, String>> units, double max)
            implements Check {
        @Override
        public String targetText() {
            return String.format(Locale.ROOT, "linear: per-%s cost ≤ %.2g× the smallest count's", unitName, max);
        }
    }

    /**
     * The cost per unit is at most {@code max} nanoseconds.
     *
     * @param unitName what is counted, e.g. {@code importer}
     * @param units the unit count of a result's parameters
     * @param max nanoseconds per unit
     */
    record PerUnitNanosAtMost(String unitName, ToLongFunction<Map<String, String>> units, double max)
            implements Check {
        @Override
        public String targetText() {
            return "≤ " + Units.nanos(max) + " per " + unitName;
        }
    }
}
