package org.dmabuf4j.testkit.meta;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * One exporter the kit is run against in its own meta-tests: a design (a whole third-party-style exporter) with at
 * most one bug. A broken subject must fail the kit on {@link #rule}, and only on that rule or on the consequences
 * listed in {@link #collateral} (a mapping that covers too little also breaks every data test), each failure being one
 * its correct twin (the same design without the bug) does not have; the failure on its rule must contain every
 * fragment of {@link #expect}, so that the message names the cause of this bug, not a fixed hint. A correct subject
 * ({@code rule == null}) must pass with no skip that a missing feature does not explain.
 *
 * @param design the exporter design, e.g. "pool"; its correct twin has the same design
 * @param bug the bug's name, or "none"
 * @param description what the exporter gets wrong (or what it is, when correct), completing "an exporter that ..."
 * @param rule the rule the kit must report, or null for a correct subject
 * @param collateral rules the bug may also break through its consequences
 * @param expect fragments the message of the failure on {@code rule} must contain (the diagnosis)
 * @param fixture makes the fixture, once per test
 */
record ExporterSubject(String design, String bug, String description, Rule rule, Set<Rule> collateral,
        List<String> expect, Supplier<ExporterFixture> fixture) {
    ExporterSubject {
        collateral = Set.copyOf(collateral);
        expect = List.copyOf(expect);
    }

    /**
     * A broken subject.
     *
     * @param design the design
     * @param bug the bug's name
     * @param description what it gets wrong
     * @param rule the rule it breaks
     * @param collateral rules its consequences may break too
     * @param expect fragments of the diagnosis
     * @param fixture the fixture factory
     * @return the subject
     */
    static ExporterSubject broken(String design, String bug, String description, Rule rule, Set<Rule> collateral,
            List<String> expect, Supplier<ExporterFixture> fixture) {
        return new ExporterSubject(design, bug, description, rule, collateral, expect, fixture);
    }

    /**
     * A correct subject: the twin of every broken subject of its design.
     *
     * @param design the design
     * @param description what it is
     * @param fixture the fixture factory
     * @return the subject
     */
    static ExporterSubject correct(String design, String description, Supplier<ExporterFixture> fixture) {
        return new ExporterSubject(design, "none", description, null, Set.of(), List.of(), fixture);
    }

    boolean isCorrect() {
        return rule == null;
    }

    /** A name for reports: "pool/zeroes-on-cpu-access". */
    String id() {
        return design + "/" + bug;
    }
}
