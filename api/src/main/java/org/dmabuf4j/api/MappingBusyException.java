package org.dmabuf4j.api;

/**
 * A cached mapping exists in a direction that does not cover the one asked for ({@link Rule#MAP_7 MAP-7}). Map
 * BIDIRECTIONAL or in the cached mapping's direction.
 */
public class MappingBusyException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public MappingBusyException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public MappingBusyException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
