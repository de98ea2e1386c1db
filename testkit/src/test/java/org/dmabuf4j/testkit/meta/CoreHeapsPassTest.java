package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The core system, contiguous and tiled heaps pass the exporter suite. */
class CoreHeapsPassTest {
    /**
     * One run of the suite per heap.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> everyCoreHeapPassesTheKit() {
        return CorrectExporters.tests(0, 3);
    }
}
