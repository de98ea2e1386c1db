package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Arrays;
import java.util.stream.Stream;
import org.dmabuf4j.testkit.ConformanceError;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The importer kit tests itself: run through the EngineTestKit against importers broken in exactly one way, it must
 * fail on that way's rule with a useful message; a correct hand-written importer and core's RemappingImporter pass.
 */
class BrokenImportersAreCaughtTest {
    private static KitRun run(ImporterFlaw flaw) {
        FlawedImporterConformance.flaw = flaw;
        try {
            return KitRun.of(FlawedImporterConformance.class, "importer that " + flaw.description);
        } finally {
            FlawedImporterConformance.flaw = ImporterFlaw.NONE;
        }
    }

    /**
     * Every broken importer is caught on its own rule.
     *
     * @return one test per flaw
     */
    @TestFactory
    Stream<DynamicTest> everyBrokenImporterFailsTheKitOnItsOwnRule() {
        return Arrays.stream(ImporterFlaw.values()).filter(f -> f.rule != null).map(f -> dynamicTest(f.rule.id()
                + ": an importer that " + f.description + " fails the importer kit on " + f.rule.id(), () -> {
                    KitRun r = run(f);
                    SubjectTable.add("importer", f.description, f.rule, r);
                    assertTrue(r.failedRules().contains(f.rule), () -> "[" + f.rule.id() + "] the kit did not"
                            + " report " + f.rule.id() + "; " + r.summary());
                    for (KitRun.Failure x : r.failures()) {
                        assertTrue(x.error() instanceof ConformanceError, () -> "a failure is not a ConformanceError: "
                                + x.test() + ": " + x.error());
                        String m = x.error().getMessage();
                        assertTrue(m.startsWith("[" + ((ConformanceError) x.error()).rule().id() + "] ")
                                && m.contains(" — if this fails, check "), () -> "a failure lacks its rule or hint: "
                                + m);
                    }
                }));
    }

    /**
     * The correct importers pass every test, with no skip.
     *
     * @return two tests
     */
    @TestFactory
    Stream<DynamicTest> theCorrectImportersPass() {
        Stream<DynamicTest> handWritten = Arrays.stream(ImporterFlaw.values()).filter(f -> f.rule == null)
                .map(f -> dynamicTest("MOVE-7: " + f.description + " passes the importer kit", () -> {
                    KitRun r = run(f);
                    SubjectTable.add("importer", f.description, null, r);
                    assertTrue(r.failures().isEmpty() && r.skips().isEmpty() && r.succeeded() > 0, r::summary);
                }));
        return Stream.concat(handWritten, Stream.of(dynamicTest("MOVE-7: core's RemappingImporter passes the importer"
                + " kit", () -> {
                    KitRun r = KitRun.of(RemappingImporterConformance.class, "core RemappingImporter");
                    SubjectTable.add("importer", "core's RemappingImporter", null, r);
                    assertTrue(r.failures().isEmpty() && r.skips().isEmpty() && r.succeeded() > 0, r::summary);
                })));
    }
}
