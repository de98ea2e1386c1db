package org.dmabuf4j.benchmarks.report;

import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What a {@link Goal} checks about each result it covers, and how the target and the measured figure are worded.
 *
 * <p>Every check is decided on the <em>cost ratio</em> (time per operation of the row ÷ time per operation of its
 * baseline, both from the same run), but states the target and the measured figure in the target's own direction
 * (issue 16 item 9): a throughput target reads "≥ 97 % of raw segment's throughput … 98.6 %", never "0.986×", and
 * "≥ 1000× cheaper" reads "1,008× cheaper", never "0.000992×".
 */
sealed interface Check {
    /**
     * The target as the table shows it.
     *
     * @return e.g. {@code ≤ 2× copy of the region's rows}; empty for {@link Compare}
     */
    String targetText();

    /**
     * The measured figure in the target's direction, from the cost ratio (or growth) of a row.
     *
     * @param ratio the row's cost ratio (or per-unit growth, or the metric's value for {@link MetricAtMost})
     * @return e.g. {@code 1.62×}, {@code 98.6 %}, {@code 1,008× cheaper}
     */
    default String measuredText(double ratio) {
        return Units.ratio(ratio);
    }

    /** No target: the ratio to the baseline is shown for information in the class tables. */
    record Compare() implements Check {
        @Override
        public String targetText() {
            return "";
        }
    }

    /**
     * No bound, but an issue asks for the comparison: listed in the targets table as "reported".
     *
     * @param text what is compared, e.g. {@code vs a park/unpark round trip}
     */
    record Reported(String text) implements Check {
        @Override
        public String targetText() {
            return "reported " + text;
        }
    }

    /**
     * The cost is at most {@code max} times the baseline's.
     *
     * @param max the largest allowed cost ratio
     * @param baseline the baseline in words, e.g. {@code copy of the region's rows}
     */
    record CostAtMost(double max, String baseline) implements Check {
        @Override
        public String targetText() {
            return "≤ " + factor(max) + " " + baseline;
        }
    }

    /**
     * The throughput (or bandwidth) is at least {@code fraction} of the baseline's: the cost ratio is at most
     * {@code 1 / fraction}.
     *
     * @param fraction e.g. {@code 0.97}
     * @param baseline the baseline in words, e.g. {@code raw segment's throughput}
     */
    record ThroughputAtLeast(double fraction, String baseline) implements Check {
        @Override
        public String targetText() {
            return "≥ " + percent(fraction) + " of " + baseline;
        }

        @Override
        public String measuredText(double ratio) {
            return percent(1 / ratio);
        }

        /**
         * The largest cost ratio that meets the target.
         *
         * @return {@code 1 / fraction}
         */
        double maxRatio() {
            return 1 / fraction;
        }
    }

    /**
     * The row is at least {@code factor} times cheaper than the baseline: the cost ratio is at most
     * {@code 1 / factor}.
     *
     * @param factor e.g. {@code 1000}
     * @param baseline the baseline in words, e.g. {@code a full-buffer sync}
     */
    record CheaperAtLeast(double factor, String baseline) implements Check {
        @Override
        public String targetText() {
            return "≥ " + Check.factor(factor) + " cheaper than " + baseline;
        }

        @Override
        public String measuredText(double ratio) {
            return Check.factor(1 / ratio) + " cheaper";
        }

        /**
         * The largest cost ratio that meets the target.
         *
         * @return {@code 1 / factor}
         */
        double maxRatio() {
            return 1 / factor;
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

        @Override
        public String measuredText(double nanos) {
            return Units.nanos(nanos);
        }
    }

    /**
     * Linear scaling: the cost per unit (segment, importer, fence) is at most {@code max} times the cost per unit at
     * the smallest unit count measured. A fixed overhead makes it fall below 1; super-linear work makes it grow.
     *
     * @param unitName what is counted, e.g. {@code segment}
     * @param units the unit count of a result's parameters
     * @param max the largest allowed growth of the per-unit cost
     */
    record PerUnitGrowthAtMost(String unitName, ToLongFunction<Map<String, String>> units, double max)
            implements Check {
        @Override
        public String targetText() {
            return "linear: per-" + unitName + " cost ≤ " + factor(max) + " the smallest count's";
        }
    }

    /**
     * Flat scaling: the cost at each size is at most {@code max} times the cost at the smallest size measured.
     *
     * @param param the parameter that sets the size, e.g. {@code liveBuffers}
     * @param max the largest allowed growth, e.g. 1.5
     */
    record FlatAtMost(String param, double max) implements Check {
        @Override
        public String targetText() {
            return "flat: ≤ " + factor(max) + " the cost at the smallest " + param;
        }

        /**
         * The size a result was measured at.
         *
         * @param params the result's parameters
         * @return the value of {@link #param()}
         */
        long size(Map<String, String> params) {
            return Long.parseLong(params.get(param));
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

        @Override
        public String measuredText(double nanos) {
            return Units.nanos(nanos) + " per " + unitName;
        }
    }

    /**
     * A secondary metric of the result (an {@code @AuxCounters} field) is at most {@code max}.
     *
     * @param metric the secondary metric's name, e.g. {@code retainedBytesPerBuffer}
     * @param max the largest allowed value
     * @param unit the value's unit in words, e.g. {@code B per live buffer}
     */
    record MetricAtMost(String metric, double max, String unit) implements Check {
        @Override
        public String targetText() {
            return "≤ " + Units.number(max) + " " + unit;
        }

        @Override
        public String measuredText(double value) {
            return Units.number(value) + " " + unit;
        }
    }

    /**
     * A factor for text: {@code 2×}, {@code 1.1×}, {@code 1,000×}.
     *
     * @param f the factor
     * @return the text
     */
    static String factor(double f) {
        if (f >= 100) {
            return String.format(Locale.ROOT, "%,.0f×", f);
        }
        String s = String.format(Locale.ROOT, "%.3g", f);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s + "×";
    }

    /**
     * A fraction as a percentage for text: {@code 97 %}, {@code 98.6 %}.
     *
     * @param fraction the fraction
     * @return the text
     */
    static String percent(double fraction) {
        double p = fraction * 100;
        String s = p >= 1000 ? String.format(Locale.ROOT, "%,.0f", p) : String.format(Locale.ROOT, "%.3g", p);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s + " %";
    }
}
