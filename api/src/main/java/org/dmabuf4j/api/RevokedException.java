package org.dmabuf4j.api;

/**
 * The buffer was revoked by its exporter or its device ({@link Rule#REV_2 REV-2}): every map and CPU access fails from
 * now on. Handles can still be closed and attachments detached; the memory is released when the last one goes.
 */
public class RevokedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public RevokedException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public RevokedException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
