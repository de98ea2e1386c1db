package org.dmabuf4j.api.image;

import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * The outcome of a negotiation ({@link Rule#NEG_5 NEG-5}): the route, the layout on each side, the tranche that won,
 * the converting device, and every candidate given up on the way with its reason.
 *
 * @param route how frames get across; not null
 * @param producer the producer image's format and modifier; not null
 * @param consumer the consumer image's format and modifier (the producer's for the zero-copy routes); not null
 * @param tranche the index of the consumer tranche the consumer image was allocated for, or -1 if none
 * @param blitter the name of the converting device for {@link Route#DEVICE_BLIT}; not null
 * @param fallbacks the candidates given up, in the order they were tried; not null
 */
public record NegotiationResult(Route route, FormatModifierPair producer, FormatModifierPair consumer, int tranche,
        Optional<String> blitter, List<Fallback> fallbacks) {
    /**
     * Validates the result.
     *
     * @throws RuleViolationException ({@link Rule#NEG_5 NEG-5}) on a null component or a tranche below -1
     */
    public NegotiationResult {
        if (route == null || producer == null || consumer == null || blitter == null || fallbacks == null
                || tranche < -1) {
            throw new RuleViolationException(Rule.NEG_5, "negotiation result with a null component or tranche "
                    + tranche);
        }
        fallbacks = List.copyOf(fallbacks);
    }

    /**
     * Whether the frames are shared without a copy.
     *
     * @return true for {@link Route#DIRECT} and {@link Route#LINEAR}
     */
    public boolean zeroCopy() {
        return route == Route.DIRECT || route == Route.LINEAR;
    }

    /**
     * The result as a few lines of text, for logs and demos.
     *
     * @return the route, the layouts and one line per fallback
     */
    public String describe() {
        StringBuilder sb = new StringBuilder().append("route ").append(route).append(": producer ").append(producer);
        if (!zeroCopy()) {
            sb.append(" -> consumer ").append(consumer);
        }
        if (tranche >= 0) {
            sb.append(" (consumer tranche ").append(tranche).append(')');
        }
        blitter.ifPresent(b -> sb.append(", converted by '").append(b).append('\''));
        for (Fallback f : fallbacks) {
            sb.append(System.lineSeparator()).append("  gave up ").append(f.attempt()).append(" [")
                    .append(f.rule().id()).append("]: ").append(f.reason());
        }
        return sb.toString();
    }
}
