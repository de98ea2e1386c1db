package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** The meta-tests of one family of the movable reference exporter's {@link Flaw}s, through {@link MetaChecks}. */
final class BrokenExporterRuns {
    private BrokenExporterRuns() {
    }

    static Stream<DynamicTest> of(Flaw.Family family) {
        return MetaChecks.exporterTests(ExporterCatalogue.movable(family), ExporterCatalogue.twins());
    }
}
