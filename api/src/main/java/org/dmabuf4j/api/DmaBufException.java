package org.dmabuf4j.api;

import java.util.Objects;

/**
 * The root of every exception dmabuf4j throws for a broken rule of its contract.
 *
 * <p>Each instance names the {@link Rule} it enforces; its message starts with the rule ID in brackets, then says
 * which objects were involved (buffer name, exporter, device) and what to do instead, for example
 * {@code [MAP-1] map of buffer 'frame-0' (exporter system) for device 'camera' without its reservation lock: hold
 * buffer.reservation().lock() around map, or call mapUnlocked}. A call that throws changes nothing.
 */
public class DmaBufException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The rule, never null. */
    private final transient Rule rule;

    /**
     * Creates an exception for a broken rule.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public DmaBufException(Rule rule, String message) {
        this(rule, message, null);
    }

    /**
     * Creates an exception for a broken rule, with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public DmaBufException(Rule rule, String message, Throwable cause) {
        super("[" + Objects.requireNonNull(rule, "rule").id() + "] " + Objects.requireNonNull(message, "message"),
                cause);
        this.rule = rule;
    }

    /**
     * The rule this exception enforces.
     *
     * @return the rule; never null
     */
    public Rule rule() {
        return rule;
    }
}
