package org.dmabuf4j.api;

/**
 * The exporter does not implement an optional feature that was asked for: CPU access ({@link Rule#CPU_12 CPU-12}), vmap
 * ({@link Rule#CPU_14 CPU-14}), pinning ({@link Rule#PIN_2 PIN-2}), moves. Nothing was opened.
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
