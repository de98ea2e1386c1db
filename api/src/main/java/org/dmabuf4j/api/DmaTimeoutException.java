package org.dmabuf4j.api;

/**
 * A bounded wait ran out of time: a revocation whose importers did not unmap in time ({@link Rule#REV_4 REV-4}), or a
 * wait that the caller asked to fail rather than return false.
 */
public class DmaTimeoutException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public DmaTimeoutException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public DmaTimeoutException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
