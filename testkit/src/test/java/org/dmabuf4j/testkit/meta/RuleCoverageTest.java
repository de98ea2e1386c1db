package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.dmabuf4j.api.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The catalogues of broken exporters and importers cover every MUST rule that binds exporters, respectively importers,
 * except those listed here with the reason the kit cannot break them through its fixtures.
 */
class RuleCoverageTest {
    /** Exporter rules no broken exporter can exercise, and why. */
    static final Map<Rule, String> EXPORTER_EXCEPTIONS = Map.of(
            Rule.HEAP_6, "the chunk sizes of the core system heap: a property of one core heap, not observable through"
                    + " per-device IOMMU addresses; checked by core's heap tests",
            Rule.HEAP_7, "the physical contiguity of the core contiguous heap: not observable through per-device IOMMU"
                    + " addresses; checked by core's heap tests");

    /** Importer rules no broken importer can exercise through the puppet, and why. */
    static final Map<Rule, String> IMPORTER_EXCEPTIONS = Map.of(
            Rule.ATT_3, "the framework refuses a null importer at attach before the kit sees anything; an importer whose"
                    + " moveNotify ignores invalidation is caught as MOVE-7",
            Rule.RESV_6, "needs an AcquireContext, which the puppet (given a buffer and a device) cannot create;"
                    + " checked by core's reservation tests",
            Rule.RESV_8, "needs container fences from the system's Fences, which the puppet cannot reach; checked by"
                    + " core's reservation tests",
            Rule.RESV_13, "needs an AcquireContext; checked by core's reservation tests");

    private static Set<Rule> must(Rule.Party party) {
        return Arrays.stream(Rule.values()).filter(r -> r.level() == Rule.Level.MUST && r.binds() == party)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
    }

    /** Every exporter-facing MUST rule has a broken exporter, or a stated reason. */
    @Test
    @DisplayName("BUF-7: every exporter-facing MUST rule has a broken exporter in the meta-tests, or a stated reason")
    void everyExporterRuleHasABrokenExporter() {
        Set<Rule> covered = ExporterCatalogue.all().stream().map(ExporterSubject::rule).filter(Objects::nonNull)
                .filter(r -> r.binds() == Rule.Party.EXPORTER)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        Set<Rule> missing = must(Rule.Party.EXPORTER);
        missing.removeAll(covered);
        assertEquals(EXPORTER_EXCEPTIONS.keySet(), missing);
        System.out.println("exporter-facing MUST rules: " + must(Rule.Party.EXPORTER).size() + ", with a broken"
                + " exporter: " + covered.size() + ", not breakable through a fixture: " + EXPORTER_EXCEPTIONS);
    }

    /** Every importer-facing MUST rule has a broken importer, or a stated reason. */
    @Test
    @DisplayName("MOVE-7: every importer-facing MUST rule has a broken importer in the meta-tests, or a stated reason")
    void everyImporterRuleHasABrokenImporter() {
        Set<Rule> covered = ImporterCatalogue.all().stream().map(ImporterSubject::rule).filter(Objects::nonNull)
                .filter(r -> r.binds() == Rule.Party.IMPORTER)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        Set<Rule> missing = must(Rule.Party.IMPORTER);
        missing.removeAll(covered);
        assertEquals(IMPORTER_EXCEPTIONS.keySet(), missing);
        System.out.println("importer-facing MUST rules: " + must(Rule.Party.IMPORTER).size() + ", with a broken"
                + " importer: " + covered.size() + ", not breakable through the puppet: " + IMPORTER_EXCEPTIONS);
    }

    /**
     * The population the issue asks for: at least 40 broken exporters and 25 broken importers, each a different bug
     * (no two subjects of a design share one), every broken exporter with a correct twin of its design, at least four
     * stand-alone exporter designs besides the reference one, and at least six correct implementations of different
     * designs among them a lazily allocating exporter, a lifelong-pinning importer and a static importer.
     */
    @Test
    @DisplayName("BUF-7: the meta-tests hold 40+ broken exporters and 25+ broken importers, each with a correct twin,"
            + " and 6+ correct designs")
    void thePopulationIsLargeAndVaried() {
        List<ExporterSubject> exporters = ExporterCatalogue.all();
        List<ImporterSubject> importers = ImporterCatalogue.all();
        long brokenExporters = exporters.stream().filter(s -> !s.isCorrect()).count();
        long brokenImporters = importers.stream().filter(s -> !s.isCorrect()).count();
        assertTrue(brokenExporters >= 40, () -> brokenExporters + " broken exporters");
        assertTrue(brokenImporters >= 25, () -> brokenImporters + " broken importers");
        assertEquals(exporters.size(), exporters.stream().map(ExporterSubject::id).distinct().count(),
                "two exporter subjects share a design and a bug");
        assertEquals(importers.size(), importers.stream().map(ImporterSubject::id).distinct().count(),
                "two importer subjects share a design and a bug");
        Map<String, ExporterSubject> twins = ExporterCatalogue.twins();
        for (ExporterSubject s : exporters) {
            assertTrue(twins.containsKey(s.design()), () -> s.id() + " has no correct twin");
        }
        Set<String> designs = exporters.stream().map(ExporterSubject::design).collect(Collectors.toSet());
        assertTrue(designs.containsAll(List.of("pool", "lazy", "mmapfile", "gpu")), designs::toString);
        Set<String> correctDesigns = new java.util.TreeSet<>(twins.keySet());
        importers.stream().filter(ImporterSubject::isCorrect).map(i -> "importer " + i.design())
                .forEach(correctDesigns::add);
        assertTrue(correctDesigns.size() >= 6 && correctDesigns.contains("lazy")
                && correctDesigns.contains("importer pinning") && correctDesigns.contains("importer static"),
                correctDesigns::toString);
        System.out.println("meta-test population: " + brokenExporters + " broken exporters in " + designs.size()
                + " designs, " + brokenImporters + " broken importers, correct designs " + correctDesigns);
    }
}
