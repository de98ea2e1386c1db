package org.dmabuf4j.benchmarks.report;

/**
 * One line of a results table: a result, judged by at most one goal.
 *
 * @param result the measured result
 * @param goal the goal that judges it, or null for a result no goal covers
 * @param baseline what it is compared with, as shown: a benchmark with parameters, or how a per-unit or scaling
 *     figure is derived; empty if none
 * @param ratio cost ratio to the baseline (or growth over the smallest size, or the metric's value for a metric
 *     check); NaN if none
 * @param measured the figure in the target's direction (e.g. {@code 98.6 %}, {@code 1,008× cheaper}); empty if none
 * @param status whether the goal's target is met
 * @param noisy whether the scores' error bars reach across the target: the verdict could go either way
 */
record Row(Result result, Goal goal, String baseline, double ratio, String measured, Status status, boolean noisy) {

    /**
     * A row whose verdict, if any, is clear of the error bars.
     *
     * @param result the measured result
     * @param goal the goal, or null
     * @param baseline the baseline text
     * @param ratio the ratio, or NaN
     * @param measured the measured figure, or empty
     * @param status the status
     */
    Row(Result result, Goal goal, String baseline, double ratio, String measured, Status status) {
        this(result, goal, baseline, ratio, measured, status, false);
    }

    /**
     * The met? cell: the status, marked {@code (noisy)} when the error bars reach across the target.
     *
     * @return e.g. {@code yes}, {@code **NO** (noisy)}
     */
    String statusText() {
        return noisy && !status.text().isEmpty() ? status.text() + " (noisy)" : status.text();
    }

    /** Whether a row meets its goal's target. */
    enum Status {
        /** The target is met. */
        MET("yes"),
        /** The target is missed (or, for a decisive goal, not clearly met). */
        NOT_MET("**NO**"),
        /** The goal has a target but its baseline (or metric) was not measured in this run. */
        NO_BASELINE("n/a (baseline not run)"),
        /** An issue asks for the comparison but sets no bound. */
        REPORTED("reported"),
        /** No target: a plain result or an informational comparison. */
        NONE("");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        /**
         * The status as the table shows it.
         *
         * @return e.g. {@code yes}
         */
        String text() {
            return text;
        }
    }

    /**
     * The target as the table shows it.
     *
     * @return the goal's target text, or empty
     */
    String target() {
        return goal == null ? "" : goal.check().targetText();
    }
}
