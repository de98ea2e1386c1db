package org.dmabuf4j.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.ConformanceError;

/**
 * Violations seen inside exporter callbacks, where throwing would hide them behind the framework: recorded, then
 * reported by the test at its next check or at the end of the test.
 */
public final class Recorder {
    private final List<ConformanceError> violations = new ArrayList<>();

    /**
     * Records a violation.
     *
     * @param rule the rule
     * @param observed what was seen
     * @param hint where to look
     */
    public synchronized void violation(Rule rule, String observed, String hint) {
        if (violations.size() < 100) {
            violations.add(new ConformanceError(rule, observed, hint));
        }
    }

    /**
     * The violations so far.
     *
     * @return a copy
     */
    public synchronized List<ConformanceError> violations() {
        return List.copyOf(violations);
    }

    /** Throws the first violation, if any, with the others suppressed. */
    public void check() {
        List<ConformanceError> all = violations();
        if (!all.isEmpty()) {
            ConformanceError first = all.getFirst();
            ConformanceError thrown = new ConformanceError(first.rule(), first.observed(), first.hint());
            all.stream().skip(1).forEach(thrown::addSuppressed);
            throw thrown;
        }
    }
}
