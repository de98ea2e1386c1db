package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;

/**
 * No candidate worked: an allocation found no acceptable modifier it could lay out, import and get memory for
 * ({@link Rule#NEG_4 NEG-4}), or a negotiation could not even set up a copy route ({@link Rule#NEG_5 NEG-5}). Carries
 * every candidate with its reason. Nothing was allocated.
 */
public class NegotiationFailedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /** The candidates tried; transient like the rule. */
    private final transient List<Fallback> attempts;

    /**
     * Creates the exception.
     *
     * @param rule the rule; not null
     * @param message what was asked and what to do instead; not null
     * @param attempts every candidate tried, with its reason; not null
     */
    public NegotiationFailedException(Rule rule, String message, List<Fallback> attempts) {
        super(rule, message + describe(attempts));
        this.attempts = List.copyOf(attempts);
    }

    private static String describe(List<Fallback> attempts) {
        StringBuilder sb = new StringBuilder();
        for (Fallback f : attempts) {
            sb.append(System.lineSeparator()).append("  ").append(f.attempt()).append(" [").append(f.rule().id())
                    .append("]: ").append(f.reason());
        }
        return sb.toString();
    }

    /**
     * The candidates tried, in order, with their reasons.
     *
     * @return an immutable list
     */
    public List<Fallback> attempts() {
        return attempts;
    }
}
