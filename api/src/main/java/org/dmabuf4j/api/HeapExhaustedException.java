package org.dmabuf4j.api;

/**
 * A heap could not satisfy an allocation: no free region large enough ({@link Rule#HEAP_7 HEAP-7}) or the heap's
 * capacity is exceeded ({@link Rule#HEAP_3 HEAP-3}). Nothing was allocated.
 */
public class HeapExhaustedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public HeapExhaustedException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public HeapExhaustedException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
