package org.dmabuf4j.api;

/**
 * The exporter does not implement an optional feature that was asked for: CPU access (CPU-12), vmap
 * (CPU-14), pinning (PIN-2), moves. Nothing was opened.
 */
public class UnsupportedFeatureException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public UnsupportedFeatureException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public UnsupportedFeatureException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
