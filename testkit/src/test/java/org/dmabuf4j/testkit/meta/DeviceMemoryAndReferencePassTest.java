package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Core's device memory and the kit's reference exporters pass the exporter suite. */
class DeviceMemoryAndReferencePassTest {
    /**
     * One run of the suite per exporter.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> deviceMemoryAndTheReferenceExportersPassTheKit() {
        return CorrectExporters.tests(3, 6);
    }
}
