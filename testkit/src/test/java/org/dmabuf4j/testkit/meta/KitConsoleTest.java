package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kit's console lines (issue #16 item 9): failed tests by their display names with the first line of their
 * message, skipped tests with their reasons, and the suite's own count of every test of its nested groups.
 */
class KitConsoleTest {
    private static final Pattern SUMMARY = Pattern.compile("\\[dmabuf4j kit] SubjectConformance, fixture (\\S+): (\\d+)"
            + " tests, (\\d+) passed, (\\d+) failed \\(([A-Z0-9, -]+)\\), (\\d+) skipped");

    @Test
    @DisplayName("CPU-3: the console names failed tests by display name and rule, skipped tests with their reason,"
            + " and counts every test of the suite")
    void theConsoleShowsDisplayNamesReasonsAndCounts() {
        ExporterSubject s = ExporterCatalogue.pool().stream().filter(x -> x.bug().equals("staging-in-whole-chunks"))
                .findFirst().orElseThrow();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        KitRun run;
        synchronized (System.class) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                run = KitRun.withConsole(SubjectConformance.class, s, s.id());
            } finally {
                System.setOut(previous);
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("[dmabuf4j kit]")).toList();
        String all = String.join("\n", lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[dmabuf4j kit] FAIL CPU-3: ")
                && l.contains(" — [CPU-3] ")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[dmabuf4j kit] SKIP MOVE-2: a pinned buffer is not moved")
                && l.contains("declares no DYNAMIC_MOVE")), all);
        Matcher m = lines.stream().map(SUMMARY::matcher).filter(Matcher::find).findFirst()
                .orElseThrow(() -> new AssertionError("no summary line: " + all));
        int tests = Integer.parseInt(m.group(2));
        assertEquals(tests, Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4))
                + Integer.parseInt(m.group(6)), all);
        assertEquals(run.succeeded() + run.failures().size() + run.skips().size(), tests, all);
        assertEquals(run.failures().size(), Integer.parseInt(m.group(4)), all);
        assertTrue(m.group(5).contains("CPU-3"), all);
        assertEquals("pool-staging-in-whole-chunks", m.group(1), all);
    }
}
