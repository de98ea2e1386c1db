package org.dmabuf4j.api;

/**
 * A call on a closed handle, a detached attachment, a closed window, a closed device or timeline
 * ({@link Rule#BUF_3 BUF-3}, {@link Rule#ATT_4 ATT-4}, {@link Rule#CPU_4 CPU-4}).
 */
public class ClosedException extends RuleViolationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public ClosedException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public ClosedException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
