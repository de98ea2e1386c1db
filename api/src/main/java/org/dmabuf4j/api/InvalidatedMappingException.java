package org.dmabuf4j.api;

/**
 * A mapping used after it died: after unmap ({@link Rule#MAP_11 MAP-11}), after an invalidation or move
 * ({@link Rule#MOVE_5 MOVE-5}), or after revocation. Re-map through the attachment to get the buffer's current
 * location.
 */
public class InvalidatedMappingException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public InvalidatedMappingException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public InvalidatedMappingException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
