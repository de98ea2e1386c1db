package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kit against a GPU-like dynamic exporter with VRAM, evictions and asynchronous copies: the correct design passes; each of its broken variants fails on its own rule, with
 * failures its correct twin does not have and the diagnosis of its bug.
 */
class GpuExportersAreCaughtTest {
    /**
     * One run of the exporter suite per subject of the design.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> runs() {
        return MetaChecks.exporterTests(ExporterCatalogue.gpu(), ExporterCatalogue.twins());
    }
}
