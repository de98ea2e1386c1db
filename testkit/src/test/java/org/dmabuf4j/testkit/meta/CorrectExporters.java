package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixtures;
import org.dmabuf4j.testkit.internal.AdversarialFixture;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The correct exporters the kit must pass: every correct exporter passes the whole exporter suite: the four core exporters (system, contiguous and tiled heaps,
 * device memory) and the kit's own reference exporter, with no failure and no skip that a missing feature does not
 * explain.
 */
final class CorrectExporters {
    private record Subject(String name, Class<? extends ExporterConformance> suite, Set<ExporterFeature> features) {
    }

    private static final List<Subject> SUBJECTS = List.of(
            new Subject("core system heap", SystemHeapConformance.class,
                    ExporterFixtures.systemHeap().features()),
            new Subject("core contiguous heap", ContiguousHeapConformance.class,
                    ExporterFixtures.contiguousHeap().features()),
            new Subject("core tiled heap", TiledHeapConformance.class, ExporterFixtures.tiledHeap().features()),
            new Subject("core device memory (VRAM)", DeviceMemoryConformance.class,
                    ExporterFixtures.deviceMemory().features()),
            new Subject("the kit's reference exporter", ReferenceConformance.class,
                    new AdversarialFixture(false).features()),
            new Subject("the kit's reference exporter refusing pins", PinRefusingReferenceConformance.class,
                    new AdversarialFixture(true).features()));

    private CorrectExporters() {
    }

    static Stream<DynamicTest> tests(int from, int to) {
        List<Subject> subjects = SUBJECTS.subList(from, to);
        return subjects.stream().map(s -> dynamicTest("BUF-7: " + s.name() + " passes the exporter suite", () -> {
            KitRun r = KitRun.of(s.suite(), s.name());
            SubjectTable.add("exporter", s.name(), "correct", null, r);
            assertTrue(r.failures().isEmpty(), r::summary);
            Set<String> expected = KitRun.expectedSkips(s.features());
            assertTrue(expected.containsAll(r.skippedMethods()), () -> "unexpected skips " + r.skippedMethods()
                    + ", expected only " + expected + "; " + r.summary());
            assertTrue(r.succeeded() > 0, r::summary);
        }));
    }
}
