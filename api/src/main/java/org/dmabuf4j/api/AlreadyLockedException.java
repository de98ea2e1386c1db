package org.dmabuf4j.api;

/**
 * The acquire context already holds this reservation ({@link Rule#RESV_7 RESV-7}). Nothing changed; the lock is still
 * held once.
 */
public class AlreadyLockedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public AlreadyLockedException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public AlreadyLockedException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
