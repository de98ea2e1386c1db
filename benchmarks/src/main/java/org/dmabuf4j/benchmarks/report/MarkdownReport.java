package org.dmabuf4j.benchmarks.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes an {@link Evaluation} as markdown: a header, the targets, then one table per benchmark class. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    /**
     * What the header says about the run.
     *
     * @param profile the profile name, e.g. {@code quick}
     * @param command the command that reproduces the run
     * @param generatedAt when the report was generated (ISO-8601)
     * @param environment JDK, JMH and host, as one line
     * @param notes further lines for the header
     */
    record Header(String profile, String command, String generatedAt, String environment, List<String> notes) {
    }

    /**
     * Renders the full report.
     *
     * @param e the evaluation
     * @param h the header
     * @return the markdown document
     */
    static String render(Evaluation e, Header h) {
        StringBuilder md = new StringBuilder();
        md.append("# dmabuf4j benchmarks: ").append(h.profile()).append(" profile\n\n");
        md.append(body(e, h, 2, ""));
        return md.toString();
    }

    /**
     * Renders everything but the title, with headings starting at {@code level}, for embedding (README).
     *
     * @param e the evaluation
     * @param h the header
     * @param level the heading level of the sections
     * @param chartDir where the charts are, relative to the document, e.g. {@code results/} or empty
     * @return the markdown
     */
    static String body(Evaluation e, Header h, int level, String chartDir) {
        String hx = "#".repeat(level) + " ";
        StringBuilder md = new StringBuilder();
        md.append("Reproduce with `").append(h.command())
                .append("` (picks a JDK ≥ 25, builds the shaded jar, runs JMH, ")
                .append("then writes `benchmarks/results/").append(h.profile()).append(".md`, `.json`, `")
                .append(h.profile()).append("-sync-cost.svg` and `").append(h.profile()).append("-scaling.svg`).\n\n");
        md.append("- Generated: ").append(h.generatedAt()).append('\n');
        md.append("- Environment: ").append(h.environment()).append('\n');
        md.append("- Settings: ").append(settings(e.results())).append('\n');
        for (String note : h.notes()) {
            md.append("- ").append(note).append('\n');
        }
        md.append("- Cost ratio = time per operation of the row ÷ time per operation of its baseline, both from this ")
                .append("run (throughput is inverted to time per operation first): below 1 is cheaper than the ")
                .append("baseline. *Measured* states the same figure in the target's own direction (a throughput ")
                .append("target as a percentage of the baseline's throughput, \"N× cheaper\" as N). Score ± error is ")
                .append("JMH's (99.9 % confidence). A verdict marked (noisy) could go either way within the 95 % ")
                .append("confidence intervals of the scores (Student's t over the iterations), widened to each ")
                .append("fork's own mean (a fork that ran while the machine was busy, or that the JIT compiled ")
                .append("differently, must not pass unnoticed): re-run on a quieter machine or with more iterations. ")
                .append("Targets that ask for a clear verdict count a noisy pass as not met.\n\n");

        int met = 0;
        int notMet = 0;
        int notMeasured = 0;
        int reported = 0;
        for (Evaluation.GoalOutcome o : e.outcomes()) {
            switch (o.verdict()) {
                case MET -> met++;
                case NOT_MET -> notMet++;
                case NOT_MEASURED -> notMeasured++;
                case REPORTED -> reported++;
            }
        }
        md.append(hx).append("Targets\n\n");
        md.append("**").append(met).append(" met, ").append(notMet).append(" not met, ").append(notMeasured)
                .append(" not measured**").append(reported == 0 ? "" : ", " + reported + " comparisons reported")
                .append(" (not measured: the benchmark, its parameter or its baseline was not in this run).\n\n");
        md.append("| issue | target | verdict | measured |\n|---|---|---|---|\n");
        for (Evaluation.GoalOutcome o : e.outcomes()) {
            md.append("| ").append(cell(o.goal().issue())).append(" | ").append(cell(o.goal().description()))
                    .append(" | ").append(verdictText(o.verdict())).append(Evaluation.isNoisy(o) ? " (noisy)" : "")
                    .append(" | ").append(cell(measured(o))).append(" |\n");
        }
        md.append('\n');
        md.append("Charts: [CPU access cost against window size, and each path against its floor](").append(chartDir)
                .append(h.profile()).append("-sync-cost.svg); [cost as the work grows](").append(chartDir)
                .append(h.profile()).append("-scaling.svg).\n\n");

        for (Map.Entry<String, List<Row>> c : e.rowsByClass().entrySet()) {
            md.append(hx).append(c.getKey()).append("\n\n");
            md.append("| benchmark | params | score ± error | unit | baseline | cost ratio | target | measured "
                    + "| met? |\n");
            md.append("|---|---|--:|---|---|--:|---|--:|---|\n");
            for (Row r : c.getValue()) {
                Result res = r.result();
                boolean metric = r.goal() != null && r.goal().check() instanceof Check.MetricAtMost;
                md.append("| ").append(cell(res.method())).append(" | ").append(cell(res.paramText()))
                        .append(" | ").append(Units.number(res.score())).append(" ± ").append(Units.number(res.error()))
                        .append(" | ").append(cell(res.unit())).append(" | ").append(cell(r.baseline()))
                        .append(" | ").append(Double.isNaN(r.ratio()) || metric ? "" : Units.ratio(r.ratio()))
                        .append(" | ").append(cell(r.target())).append(" | ").append(cell(r.measured()))
                        .append(" | ").append(r.statusText()).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String verdictText(Evaluation.Verdict v) {
        return switch (v) {
            case MET -> "met";
            case NOT_MET -> "**NOT MET**";
            case NOT_MEASURED -> "not measured";
            case REPORTED -> "reported";
        };
    }

    private static String measured(Evaluation.GoalOutcome o) {
        StringBuilder sb = new StringBuilder();
        for (Row r : o.rows()) {
            if (r.measured().isEmpty()) {
                continue;
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(r.result().paramText().isEmpty() ? ""
                    : r.result().paramText() + ": ");
            // a row that misses is bold, so a goal over several sizes shows which one misses
            sb.append(r.status() == Row.Status.NOT_MET ? "**" + r.measured() + "**" : r.measured());
            if (r.noisy()) {
                sb.append(" (noisy)");
            }
        }
        return sb.toString();
    }

    private static String settings(List<Result> results) {
        Set<String> all = new LinkedHashSet<>();
        for (Result r : results) {
            all.add(r.settings());
        }
        return all.size() == 1 ? all.iterator().next() : String.join("; ", all) + " (varies per class)";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
