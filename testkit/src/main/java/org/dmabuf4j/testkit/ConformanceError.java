package org.dmabuf4j.testkit;

import java.util.Objects;
import org.dmabuf4j.api.Rule;

/**
 * A conformance failure: the code under test broke a rule of the contract.
 *
 * <p>Every failure of the kit is one of these. Its message reads
 * {@code [MAP-2] <what the kit saw> — if this fails, check <where to look>}: the rule ID first, then the observation
 * (with buffer, exporter and device names), then a hint. {@link #rule()} gives the rule for tools and meta-tests.
 */
public final class ConformanceError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The rule that was broken. */
    private final Rule rule;
    /** What the kit observed. */
    private final String observed;
    /** Where to look. */
    private final String hint;

    /**
     * Creates a failure.
     *
     * @param rule the broken rule; not null
     * @param observed what the kit saw, naming the objects involved; not null
     * @param hint what to check, completing "if this fails, check ..."; not null
     */
    public ConformanceError(Rule rule, String observed, String hint) {
        this(rule, observed, hint, null);
    }

    /**
     * Creates a failure with a cause.
     *
     * @param rule the broken rule; not null
     * @param observed what the kit saw, naming the objects involved; not null
     * @param hint what to check, completing "if this fails, check ..."; not null
     * @param cause the exception that revealed the failure, or null
     */
    public ConformanceError(Rule rule, String observed, String hint, Throwable cause) {
        super(format(rule, observed, hint), cause);
        this.rule = rule;
        this.observed = observed;
        this.hint = hint;
    }

    private static String format(Rule rule, String observed, String hint) {
        return "[" + Objects.requireNonNull(rule, "rule").id() + "] " + Objects.requireNonNull(observed, "observed")
                + " — if this fails, check " + Objects.requireNonNull(hint, "hint");
    }

    /**
     * The rule that was broken.
     *
     * @return the rule; never null
     */
    public Rule rule() {
        return rule;
    }

    /**
     * What the kit observed.
     *
     * @return the observation
     */
    public String observed() {
        return observed;
    }

    /**
     * Where to look first.
     *
     * @return the hint
     */
    public String hint() {
        return hint;
    }
}
