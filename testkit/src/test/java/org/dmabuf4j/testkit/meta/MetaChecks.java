package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.ConformanceError;
import org.junit.jupiter.api.DynamicTest;

/**
 * What the meta-tests assert about one run of a kit suite against a subject: a broken subject is caught on its rule,
 * only with failures its correct twin does not have and on rules its bug explains, with messages that carry the rule,
 * the objects, the observed fact and the diagnosis of this bug; a correct subject passes with only the skips its
 * missing features explain.
 */
final class MetaChecks {
    /** The runs of correct twins, by design: each twin runs once per JVM, whichever test needs it first. */
    private static final Map<String, KitRun> TWINS = new ConcurrentHashMap<>();
    /** Object.toString's "Type@1a2b3c4d", in a message meant for people. */
    private static final java.util.regex.Pattern RAW_OBJECT = java.util.regex.Pattern.compile(
            "\\b[A-Z][A-Za-z0-9$.]*@[0-9a-f]{5,}\\b");

    private MetaChecks() {
    }

    static KitRun run(ExporterSubject s) {
        return KitRun.of(SubjectConformance.class, s, "exporter " + s.id() + " (" + s.description() + ")");
    }

    static KitRun run(ImporterSubject s) {
        return KitRun.of(SubjectImporterConformance.class, s, "importer " + s.id() + " (" + s.description() + ")");
    }

    /**
     * One dynamic test per subject: the correct ones first, so that the twins' runs are at hand.
     *
     * @param subjects the subjects, of one or more designs
     * @param twins the correct subject of every design among them
     * @return the tests
     */
    static Stream<DynamicTest> exporterTests(List<ExporterSubject> subjects, Map<String, ExporterSubject> twins) {
        return Stream.concat(subjects.stream().filter(ExporterSubject::isCorrect),
                subjects.stream().filter(s -> !s.isCorrect())).map(s -> s.isCorrect()
                        ? dynamicTest("BUF-7: " + s.id() + ", " + s.description() + ", passes the exporter suite",
                                () -> passes(s))
                        : dynamicTest(s.rule().id() + ": " + s.id() + ", an exporter that " + s.description()
                                + ", fails the kit on " + s.rule().id(), () -> caught(s, twins.get(s.design()))));
    }

    static Stream<DynamicTest> importerTests(List<ImporterSubject> subjects) {
        Map<String, ImporterSubject> twins = new java.util.HashMap<>();
        subjects.stream().filter(ImporterSubject::isCorrect).forEach(s -> twins.put(s.design(), s));
        return Stream.concat(subjects.stream().filter(ImporterSubject::isCorrect),
                subjects.stream().filter(s -> !s.isCorrect())).map(s -> s.isCorrect()
                        ? dynamicTest("MOVE-7: " + s.id() + ", " + s.description() + ", passes the importer kit",
                                () -> passes(s))
                        : dynamicTest(s.rule().id() + ": " + s.id() + ", an importer that " + s.description()
                                + ", fails the importer kit on " + s.rule().id(), () -> caught(s,
                                twins.get(s.design()))));
    }

    private static KitRun twin(ExporterSubject twin) {
        return TWINS.computeIfAbsent(twin.design(), d -> run(twin));
    }

    static void passes(ExporterSubject s) {
        KitRun r = TWINS.computeIfAbsent(s.design(), d -> run(s));
        SubjectTable.add("exporter", s.id(), s.description(), null, r);
        assertTrue(r.failures().isEmpty(), r::summary);
        Set<String> expected = KitRun.expectedSkips(s.fixture().get().features());
        assertTrue(expected.containsAll(r.skippedMethods()), () -> "unexpected skips " + r.skippedMethods()
                + ", expected only " + expected + "; " + r.summary());
        assertTrue(r.succeeded() > 0, r::summary);
    }

    static void passes(ImporterSubject s) {
        KitRun r = TWINS.computeIfAbsent("importer " + s.design(), d -> run(s));
        SubjectTable.add("importer", s.id(), s.description(), null, r);
        assertTrue(r.failures().isEmpty() && r.skips().isEmpty() && r.succeeded() > 0, r::summary);
    }

    static void caught(ExporterSubject s, ExporterSubject twin) {
        KitRun r = run(s);
        SubjectTable.add("exporter", s.id(), s.description(), s.rule(), r);
        checkCaught(r, s.rule(), s.collateral(), s.expect());
        if (twin != null) {
            KitRun t = twin(twin);
            Set<String> twinFailed = t.failures().stream().map(KitRun.Failure::test).collect(Collectors.toSet());
            for (KitRun.Failure f : r.failures()) {
                assertTrue(!twinFailed.contains(f.test()), () -> "'" + f.test() + "' fails for the correct twin "
                        + twin.id() + " too, so it proves nothing about the bug; " + r.summary());
            }
        }
    }

    static void caught(ImporterSubject s, ImporterSubject twin) {
        KitRun r = run(s);
        SubjectTable.add("importer", s.id(), s.description(), s.rule(), r);
        checkCaught(r, s.rule(), s.collateral(), s.expect());
        if (twin != null) {
            KitRun t = TWINS.computeIfAbsent("importer " + twin.design(), d -> run(twin));
            Set<String> twinFailed = t.failures().stream().map(KitRun.Failure::test).collect(Collectors.toSet());
            for (KitRun.Failure f : r.failures()) {
                assertTrue(!twinFailed.contains(f.test()), () -> "'" + f.test() + "' fails for the correct twin "
                        + twin.id() + " too, so it proves nothing about the bug; " + r.summary());
            }
        }
    }

    private static void checkCaught(KitRun r, Rule rule, Set<Rule> collateral, List<String> expect) {
        assertTrue(r.failedRules().contains(rule), () -> "[" + rule.id() + "] the kit did not report " + rule.id()
                + "; " + r.summary());
        Set<Rule> allowed = EnumSet.of(rule);
        allowed.addAll(collateral);
        Set<Rule> unexpected = EnumSet.noneOf(Rule.class);
        unexpected.addAll(r.failedRules());
        unexpected.removeAll(allowed);
        assertTrue(unexpected.isEmpty(), () -> "the kit also reported " + unexpected + ", rules this bug does not"
                + " break (allowed: " + allowed + "): a failure filed under the wrong rule; " + r.summary());
        for (KitRun.Failure x : r.failures()) {
            assertTrue(x.error() instanceof ConformanceError, () -> "a failure is not a ConformanceError: "
                    + x.test() + ": " + x.error());
            String m = x.error().getMessage();
            assertTrue(m.startsWith("[" + ((ConformanceError) x.error()).rule().id() + "] ")
                    && m.contains(" — if this fails, check "), () -> "a failure message lacks its rule or hint: " + m);
            assertTrue(m.contains("buffer #") || m.contains("exporter") || m.contains("device '")
                    || m.contains("fixture") || m.contains("importer"), () -> "a failure message names no buffer,"
                    + " exporter, device, fixture or importer: " + m);
            assertTrue(!m.contains("Optional[") && !m.contains("OptionalLong[") && !RAW_OBJECT.matcher(m).find(),
                    () -> "a failure message prints a raw Java object: " + m);
        }
        if (!expect.isEmpty()) {
            List<String> onRule = r.failures().stream().filter(f -> f.rule() == rule)
                    .map(f -> f.error().getMessage().toLowerCase(Locale.ROOT)).toList();
            boolean diagnosed = onRule.stream().anyMatch(m -> expect.stream()
                    .allMatch(e -> m.contains(e.toLowerCase(Locale.ROOT))));
            assertTrue(diagnosed, () -> "no failure on " + rule.id() + " states the cause of this bug (a message"
                    + " containing " + expect + "); " + r.summary());
        }
    }
}
