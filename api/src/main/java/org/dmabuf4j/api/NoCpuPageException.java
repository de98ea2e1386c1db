package org.dmabuf4j.api;

/**
 * A CPU segment was asked of a mapping entry whose memory has no CPU page, such as device memory reached
 * peer-to-peer ({@link Rule#P2P_3 P2P-3}). Use the entry's DMA address from a device instead.
 */
public class NoCpuPageException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public NoCpuPageException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public NoCpuPageException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
