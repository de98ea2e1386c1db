package org.dmabuf4j.testkit.meta;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.ImporterPuppet;

/**
 * One importer the importer kit is run against in its own meta-tests; the importer-side twin of
 * {@link ExporterSubject}: a broken one must fail on {@link #rule} (or on its {@link #collateral} consequences) with a
 * message containing {@link #expect}; a correct one ({@code rule == null}) must pass every test without a skip.
 *
 * @param design the importer design, e.g. "flawed" (one importer with one flaw at a time) or "remapping" (core's)
 * @param bug the bug's name, or "none"
 * @param description what the importer gets wrong (or what it is, when correct)
 * @param rule the rule the kit must report, or null for a correct subject
 * @param collateral rules its consequences may break too
 * @param expect fragments the message of the failure on {@code rule} must contain
 * @param puppet makes the puppet for a buffer and a device, once per test
 */
record ImporterSubject(String design, String bug, String description, Rule rule, Set<Rule> collateral,
        List<String> expect, BiFunction<DmaBuf, SimulatedDevice, ImporterPuppet> puppet) {
    ImporterSubject {
        collateral = Set.copyOf(collateral);
        expect = List.copyOf(expect);
    }

    boolean isCorrect() {
        return rule == null;
    }

    String id() {
        return design + "/" + bug;
    }
}
