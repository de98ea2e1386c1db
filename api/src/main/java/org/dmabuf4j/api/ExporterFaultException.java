package org.dmabuf4j.api;

/**
 * The exporter broke its side of the memory contract ({@link Rule#SAFE_1 SAFE-1}): it freed the buffer's memory before
 * its {@link Exporter#release()} ran, so the framework's access failed cleanly instead of touching freed memory. The
 * message names the buffer, the exporter and the access that failed; the cause is the JDK's
 * {@link IllegalStateException} for the closed scope. What the access would have written is lost; the buffer can
 * still be closed and detached.
 */
public class ExporterFaultException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the JDK's exception for the freed memory, or null
     */
    public ExporterFaultException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
