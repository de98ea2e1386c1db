package org.dmabuf4j.benchmarks.report;

/**
 * One line of a results table: a result, judged by at most one goal.
 *
 * @param result the measured result
 * @param goal the goal that judges it, or null for a result no goal covers
 * @param baseline what it is compared with, as shown: a benchmark with parameters, or how a per-unit figure is
 *     derived; empty if none
 * @param ratio cost ratio to the baseline, NaN if none
 * @param status whether the goal's target is met
 * @param noisy whether the scores' error bars reach across the target: the verdict could go either way
 */
record Row(Result result, Goal goal, String baseline, double ratio, Status status, boolean noisy) {

    /**
     * A row whose verdict, if any, is clear of the error bars.
     *
     * @param result the measured result
     * @param goal the goal, or null
     * @param baseline the baseline text
     * @param ratio the ratio, or NaN
     * @param status the status
     */
    Row(Result result, Goal goal, String baseline, double ratio, Status status) {
        this(result, goal, baseline, ratio, status, false);
    }

    /**
     * The met? cell: the status, marked {@code (noisy)} when the error bars reach across the target.
     *
     * @return e.g. {@code yes}, {@code **NO** (noisy)}
     */
    String statusText() {
        return noisy ? status.text() + " (noisy)" : status.text();
    }

    /** Whether a row meets its goal's target. */
    enum Status {
        /** The target is met. */
        MET("yes"),
        /** The target is missed. */
        NOT_MET("**NO**"),
        /** The goal has a target but its baseline was not measured in this run. */
        NO_BASELINE("n/a (baseline not run)"),
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
