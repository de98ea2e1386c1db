package org.dmabuf4j.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns JMH JSON result files ({@code -rf json}) into the benchmark report of one profile:
 * {@code <out>/<profile>.md} (targets and one table per class, with ratio-to-baseline columns),
 * {@code <out>/<profile>.json} (every input's raw results, merged into one array) and
 * {@code <out>/<profile>-sync-cost.svg} (sync cost against region size, and each path against its floor) and
 * {@code <out>/<profile>-scaling.svg} (growth of each scaling target over its smallest size). With
 * {@code --readme}, the markdown between
 * {@code <!-- BEGIN <profile> results -->} and {@code <!-- END <profile> results -->} in that file is replaced by the
 * report's body.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.dmabuf4j.benchmarks.report.ReportGenerator \
 *     --profile quick --out benchmarks/results [--readme benchmarks/README.md] [--command "benchmarks/run-quick.sh"] \
 *     [--note "load average ..."] benchmarks/results/tmp/*.json
 * </pre>
 */
public final class ReportGenerator {
    private ReportGenerator() {
    }

    /**
     * The parsed command line.
     *
     * @param profile profile name
     * @param out output directory
     * @param readme README to update, or null
     * @param command the reproducing command shown in the report
     * @param notes lines added to the report's header (e.g. the machine's load during the run)
     * @param inputs JMH JSON files
     */
    record Options(String profile, Path out, Path readme, String command, List<String> notes, List<Path> inputs) {
        static Options parse(String[] args) {
            String profile = null;
            Path out = null;
            Path readme = null;
            String command = null;
            List<String> notes = new ArrayList<>();
            List<Path> inputs = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--profile" -> profile = value(args, ++i, "--profile");
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--readme" -> readme = Path.of(value(args, ++i, "--readme"));
                    case "--command" -> command = value(args, ++i, "--command");
                    case "--note" -> notes.add(value(args, ++i, "--note"));
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                        }
                        inputs.add(Path.of(args[i]));
                    }
                }
            }
            if (profile == null || out == null || inputs.isEmpty()) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!profile.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("profile must be a plain name, was " + profile);
            }
            return new Options(profile, out, readme,
                    command == null ? "benchmarks/run-" + profile + ".sh" : command, List.copyOf(notes),
                    List.copyOf(inputs));
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            return args[i];
        }
    }

    private static final String USAGE = "usage: ReportGenerator --profile NAME --out DIR [--readme README.md] "
            + "[--command CMD] [--note TEXT]... JMH-RESULT.json...";

    /**
     * Runs the generator.
     *
     * @param args see the class description
     */
    public static void main(String[] args) {
        try {
            Options o = Options.parse(args);
            Evaluation e = generate(o, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            System.out.println("Wrote " + o.out().resolve(o.profile() + ".md") + ", .json, -sync-cost.svg and "
                    + "-scaling.svg: "
                    + e.results().size() + " results, " + e.outcomes().stream()
                    .filter(g -> g.verdict() == Evaluation.Verdict.MET).count() + " of " + e.outcomes().size()
                    + " targets met");
        } catch (IllegalArgumentException | UncheckedIOException ex) {
            System.err.println("ReportGenerator: " + ex.getMessage());
            System.exit(2);
        }
    }

    /**
     * Reads the inputs and writes the four outputs (and the README section).
     *
     * @param o the options
     * @param generatedAt the time stamp written into the report
     * @return the evaluation
     * @throws UncheckedIOException if a file cannot be read or written
     * @throws IllegalArgumentException if an input is not a JMH JSON array
     */
    static Evaluation generate(Options o, String generatedAt) {
        List<Json.Element> elements = new ArrayList<>();
        for (Path in : o.inputs()) {
            String text = read(in);
            if (text.isBlank()) {
                System.err.println("ReportGenerator: skipping empty " + in + " (the JMH run wrote nothing)");
                continue;
            }
            try {
                elements.addAll(Json.topLevelElements(text));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(in + ": " + ex.getMessage(), ex);
            }
        }
        List<Result> results = Result.fromJmh(elements);
        Evaluation e = new Evaluation(results);
        MarkdownReport.Header header = new MarkdownReport.Header(o.profile(), o.command(), generatedAt,
                environment(elements), o.notes());
        write(o.out().resolve(o.profile() + ".md"), MarkdownReport.render(e, header));
        write(o.out().resolve(o.profile() + ".json"), mergedJson(elements));
        write(o.out().resolve(o.profile() + "-sync-cost.svg"),
                SyncCostChart.render(results, "dmabuf4j " + o.profile()
                        + " profile: CPU access cost against window size"));
        write(o.out().resolve(o.profile() + "-scaling.svg"),
                ScalingChart.render(e, "dmabuf4j " + o.profile() + " profile: cost as the work grows"));
        if (o.readme() != null) {
            updateReadme(o.readme(), o.profile(), MarkdownReport.body(e, header, 4, "results/"));
        }
        return e;
    }

    private static String environment(List<Json.Element> elements) {
        String jdk = "unknown JDK";
        String jmh = "unknown";
        if (!elements.isEmpty() && elements.getFirst().value() instanceof java.util.Map<?, ?> m) {
            jdk = "JDK " + m.get("jdkVersion") + " (" + m.get("vmName") + " " + m.get("vmVersion") + ")";
            jmh = String.valueOf(m.get("jmhVersion"));
        }
        return jdk + ", JMH " + jmh + "; host: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** The raw results of every input, as one JSON array, each element exactly as JMH wrote it. */
    static String mergedJson(List<Json.Element> elements) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < elements.size(); i++) {
            sb.append("    ").append(elements.get(i).source()).append(i + 1 < elements.size() ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    static void updateReadme(Path readme, String profile, String body) {
        String begin = "<!-- BEGIN " + profile + " results -->";
        String end = "<!-- END " + profile + " results -->";
        String text = read(readme);
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException(readme + " has no '" + begin + "' ... '" + end + "' section to update");
        }
        write(readme, text.substring(0, b + begin.length()) + "\n" + body + text.substring(e));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + p + ": " + ex.getMessage(), ex);
        }
    }

    private static void write(Path p, String text) {
        try {
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + p + ": " + ex.getMessage(), ex);
        }
    }
}
