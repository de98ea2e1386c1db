package org.dmabuf4j.testkit.meta;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The kit tests itself against exporters broken in their moves, pins or revocation. */
class BrokenMovesAreCaughtTest {
    /**
     * One run of the exporter suite per flaw of the family.
     *
     * @return the tests
     */
    @TestFactory
    Stream<DynamicTest> runs() {
        return BrokenExporterRuns.of(Flaw.Family.MOVES);
    }
}
