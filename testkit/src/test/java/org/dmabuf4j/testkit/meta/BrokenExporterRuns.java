package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Arrays;
import java.util.stream.Stream;
import org.dmabuf4j.testkit.ConformanceError;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs the exporter suite through the EngineTestKit against the {@link Flaw}s of one family: a broken exporter must
 * fail on its own rule with useful messages; a correct variant must pass with only the skips its features explain.
 */
final class BrokenExporterRuns {
    private BrokenExporterRuns() {
    }

    static KitRun run(Flaw flaw) {
        BrokenConformance.flaw = flaw;
        try {
            return KitRun.of(BrokenConformance.class, "exporter that " + flaw.description);
        } finally {
            BrokenConformance.flaw = Flaw.NONE;
        }
    }

    static Stream<DynamicTest> of(Flaw.Family family) {
        return Arrays.stream(Flaw.values()).filter(f -> f.family == family)
                .map(f -> f.rule == null ? passes(f) : caught(f));
    }

    private static DynamicTest caught(Flaw f) {
        return dynamicTest(f.rule.id() + ": an exporter that " + f.description + " fails the kit on " + f.rule.id(),
                () -> {
                    KitRun r = run(f);
                    assertTrue(r.failedRules().contains(f.rule), () -> "[" + f.rule.id() + "] the kit did not"
                            + " report " + f.rule.id() + "; " + r.summary());
                    for (KitRun.Failure x : r.failures()) {
                        assertTrue(x.error() instanceof ConformanceError, () -> "a failure is not a ConformanceError: "
                                + x.test() + ": " + x.error());
                        String m = x.error().getMessage();
                        assertTrue(m.startsWith("[" + ((ConformanceError) x.error()).rule().id() + "] ")
                                && m.contains(" — if this fails, check "), () -> "a failure message lacks its rule or"
                                + " hint: " + m);
                        assertTrue(m.contains("buffer #") || m.contains("exporter") || m.contains("device '")
                                || m.contains("fixture") || m.contains("move"), () -> "a failure message names no"
                                + " buffer, exporter, device or fixture: " + m);
                    }
                });
    }

    private static DynamicTest passes(Flaw f) {
        return dynamicTest("BUF-7: " + f.description + " passes the kit", () -> {
            KitRun r = run(f);
            assertTrue(r.failures().isEmpty(), r::summary);
            var expected = KitRun.expectedSkips(new BrokenFixture(f).features());
            assertTrue(expected.containsAll(r.skippedMethods()), () -> "unexpected skips " + r.skippedMethods()
                    + ", expected only " + expected + "; " + r.summary());
        });
    }
}
