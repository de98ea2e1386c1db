package org.dmabuf4j.benchmarks.report;

import java.util.Locale;

/** Unit conversion and number formatting for the report. */
final class Units {
    private Units() {
    }

    /**
     * Converts a JMH score to nanoseconds per operation.
     *
     * @param score the score
     * @param unit JMH's unit: {@code ns/op}, {@code us/op}, {@code ms/op}, {@code s/op}, or {@code ops/ns} ...
     *     {@code ops/s} (also {@code ops/min}); JMH writes µ as "u"
     * @return nanoseconds per operation
     * @throws IllegalArgumentException on an unknown unit
     */
    static double nanosPerOp(double score, String unit) {
        String u = unit.replace('µ', 'u');
        if (u.endsWith("/op")) {
            return score * nanosIn(u.substring(0, u.length() - 3), unit);
        }
        if (u.startsWith("ops/")) {
            return nanosIn(u.substring(4), unit) / score;
        }
        throw new IllegalArgumentException("unknown score unit " + unit);
    }

    private static double nanosIn(String timeUnit, String whole) {
        return switch (timeUnit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> throw new IllegalArgumentException("unknown time unit in score unit " + whole);
        };
    }

    /**
     * Formats a number with about four significant digits, in JMH's manner.
     *
     * @param v the number
     * @return the text; {@code n/a} for NaN
     */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.01 || a == 0) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /**
     * Formats a ratio with three significant digits.
     *
     * @param r the ratio
     * @return e.g. {@code 1.23×}, {@code 0.000412×}
     */
    static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "n/a";
        }
        if (r >= 100) {
            return String.format(Locale.ROOT, "%,.0f×", r);
        }
        return String.format(Locale.ROOT, "%.3g×", r);
    }

    /**
     * Formats a duration given in nanoseconds with a readable unit.
     *
     * @param ns nanoseconds
     * @return e.g. {@code 48.2 ns}, {@code 3.10 µs}
     */
    static String nanos(double ns) {
        if (ns >= 1e9) {
            return String.format(Locale.ROOT, "%.3g s", ns / 1e9);
        }
        if (ns >= 1e6) {
            return String.format(Locale.ROOT, "%.3g ms", ns / 1e6);
        }
        if (ns >= 1e3) {
            return String.format(Locale.ROOT, "%.3g µs", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.3g ns", ns);
    }

    /**
     * Formats a byte count with a binary unit.
     *
     * @param bytes the count
     * @return e.g. {@code 4 KiB}, {@code 7.3 MiB}, {@code 400 B}
     */
    static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int i = 0;
        double v = bytes;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v))
                + " " + units[i];
    }
}
