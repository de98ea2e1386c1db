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
 */
record Row(Result result, Goal goal, String baseline, double ratio, Status status) {

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
