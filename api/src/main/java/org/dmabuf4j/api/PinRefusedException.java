package org.dmabuf4j.api;

/**
 * The exporter refused a pin ({@link Rule#PIN_2 PIN-2}). The attachment stays unpinned.
 */
public class PinRefusedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public PinRefusedException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public PinRefusedException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
