package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The importer kit tests itself: run through the EngineTestKit against importers broken in exactly one way, it must
 * fail on that way's rule (or its consequences) with a message that diagnoses it; the correct importers (dynamic,
 * static, pinned for life, and core's RemappingImporter) pass every test without a skip.
 */
class BrokenImportersAreCaughtTest {
    /**
     * One run of the importer suite per subject.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> everyImporterSubjectIsJudgedRight() {
        return MetaChecks.importerTests(ImporterCatalogue.all());
    }
}
