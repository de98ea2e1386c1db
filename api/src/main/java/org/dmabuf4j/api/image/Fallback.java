package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A candidate a negotiation or allocation gave up, and why ({@link Rule#NEG_5 NEG-5}): what was tried, the rule that
 * stopped it, and the reason in words.
 *
 * @param rule the rule that refused the candidate; not null
 * @param attempt what was tried, for example {@code "tranche 0 (SCANOUT on 'display'): NV12:SIM_TILED"}; not null
 * @param reason why it failed; not null
 */
public record Fallback(Rule rule, String attempt, String reason) {
    /**
     * Validates the fallback.
     *
     * @throws RuleViolationException ({@link Rule#NEG_5 NEG-5}) on a null component
     */
    public Fallback {
        if (rule == null || attempt == null || reason == null) {
            throw new RuleViolationException(Rule.NEG_5, "fallback with a null component");
        }
    }

    @Override
    public String toString() {
        return attempt + ": " + reason;
    }
}
