package org.dmabuf4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A target is only judged if the {@code targets} profile of {@code run-profile.sh} runs its benchmark and its
 * baseline: a goal added to {@link Goal} without its profile line would read "not measured" in every targets run.
 * This reads the profile the way the script does (one quoted line per class, {@code "Class"} or
 * {@code "Class.(method regex)"}, then JMH options) and checks every goal with a target against it.
 */
class TargetsProfileTest {
    private static final Pattern QUOTED = Pattern.compile("^\\s*\"([^\"]+)\"\\s*$");

    /** The quoted lines of the {@code targets)} case of the script. */
    private static List<String> targetsLines() throws IOException {
        List<String> script = Files.readAllLines(Path.of("run-profile.sh"));
        int at = script.indexOf("  targets)");
        assertTrue(at >= 0, "run-profile.sh has no 'targets)' profile");
        List<String> out = new ArrayList<>();
        for (int i = at + 1; i < script.size() && !script.get(i).strip().equals(";;"); i++) {
            Matcher m = QUOTED.matcher(script.get(i));
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /**
     * Whether a profile line runs {@code Class.method} with at least one of the parameter values a selector keeps.
     *
     * @param line e.g. {@code CpuAccessBenchmark.(regionSync|baselineRegionCopy) -p region=10x10,full}
     * @param name {@code Class.method}
     * @param include the selector's parameter conditions
     * @return true if the line selects it
     */
    static boolean runs(String line, String name, Map<String, Set<String>> include) {
        String[] words = line.split("\\s+");
        String selector = words[0];
        int dot = selector.indexOf('.');
        String cls = dot < 0 ? selector : selector.substring(0, dot);
        String methods = dot < 0 ? ".*" : selector.substring(dot + 1);
        if (!name.startsWith(cls + ".") || !name.substring(cls.length() + 1).matches(methods)) {
            return false;
        }
        for (int i = 1; i + 1 < words.length; i++) {
            if (words[i].equals("-p")) {
                String[] kv = words[i + 1].split("=", 2);
                Set<String> wanted = include.get(kv[0]);
                if (wanted != null && Arrays.stream(kv[1].split(",")).noneMatch(wanted::contains)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void theProfileReaderSelectsByClassMethodAndParameter() {
        String line = "CpuAccessBenchmark.(regionSync|baselineRegionCopy) -p region=10x10,full";
        assertTrue(runs(line, "CpuAccessBenchmark.regionSync", Map.of()));
        assertTrue(runs(line, "CpuAccessBenchmark.regionSync", Map.of("region", Set.of("full"))));
        assertFalse(runs(line, "CpuAccessBenchmark.regionSync", Map.of("region", Set.of("100x100"))));
        assertFalse(runs(line, "CpuAccessBenchmark.rangeSync", Map.of()));
        assertFalse(runs(line, "MapBenchmark.regionSync", Map.of()));
        assertTrue(runs("ImageBenchmark", "ImageBenchmark.convertCopy", Map.of("layout", Set.of("LINEAR"))));
    }

    @Test
    void everyTargetAndItsBaselineIsInTheTargetsProfile() throws IOException {
        List<String> lines = targetsLines();
        List<String> missing = new ArrayList<>();
        for (Goal g : Goal.values()) {
            if (!g.hasTarget()) {
                continue;
            }
            for (Selector s : g.baseline() == null ? List.of(g.subject()) : List.of(g.subject(), g.baseline())) {
                if (lines.stream().noneMatch(l -> runs(l, s.name(), s.include()))) {
                    missing.add(g + " -> " + s.name() + (s.include().isEmpty() ? "" : " " + s.include()));
                }
            }
        }
        assertEquals(List.of(), missing, "add a line to the targets profile in run-profile.sh");
    }
}
