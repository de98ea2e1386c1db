package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kit against a pooled static heap with a staging CPU path: the correct design passes; each of its broken variants fails on its own rule, with
 * failures its correct twin does not have and the diagnosis of its bug.
 */
class PoolExportersAreCaughtTest {
    /**
     * One run of the exporter suite per subject of the design.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> runs() {
        return MetaChecks.exporterTests(ExporterCatalogue.pool(), ExporterCatalogue.twins());
    }
}
