package org.dmabuf4j.api;

/**
 * A device touched an address that its IOMMU does not translate for it: an address never mapped, already
 * unmapped, invalidated by a move, another device's, past the end of a mapped range, or in a direction the mapping
 * does not allow ({@link Rule#DEV_1 DEV-1}, {@link Rule#DEV_4 DEV-4}, {@link Rule#DEV_5 DEV-5}). Nothing was read or
 * written.
 */
public class IommuFaultException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public IommuFaultException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public IommuFaultException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
