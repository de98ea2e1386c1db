package org.dmabuf4j.api;

/**
 * The CPU and a device, or two writers in different coherency domains, touched the same bytes at the same
 * time ({@link Rule#CPU_11 CPU-11}, {@link Rule#DEV_6 DEV-6}). Bracket CPU access with beginCpuAccess/close
 * and order device work with fences.
 */
public class OwnershipViolationException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public OwnershipViolationException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public OwnershipViolationException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
