package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kit against an exporter over memory-mapped files with a write-back CPU cache: the correct design passes; each of its broken variants fails on its own rule, with
 * failures its correct twin does not have and the diagnosis of its bug.
 */
class FileExportersAreCaughtTest {
    /**
     * One run of the exporter suite per subject of the design.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> runs() {
        return MetaChecks.exporterTests(ExporterCatalogue.file(), ExporterCatalogue.twins());
    }
}
