package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.EnumSet;
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
        Set<Rule> covered = Arrays.stream(Flaw.values()).map(f -> f.rule).filter(Objects::nonNull)
                .filter(r -> r.binds() == Rule.Party.EXPORTER).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
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
        Set<Rule> covered = Arrays.stream(ImporterFlaw.values()).map(f -> f.rule).filter(Objects::nonNull)
                .filter(r -> r.binds() == Rule.Party.IMPORTER)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        Set<Rule> missing = must(Rule.Party.IMPORTER);
        missing.removeAll(covered);
        assertEquals(IMPORTER_EXCEPTIONS.keySet(), missing);
        System.out.println("importer-facing MUST rules: " + must(Rule.Party.IMPORTER).size() + ", with a broken"
                + " importer: " + covered.size() + ", not breakable through the puppet: " + IMPORTER_EXCEPTIONS);
    }
}
