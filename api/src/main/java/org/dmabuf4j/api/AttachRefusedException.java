package org.dmabuf4j.api;

/**
 * The exporter refused an attachment ({@link Rule#ATT_1 ATT-1}): the device cannot reach the memory, its constraints
 * cannot be met, it does not allow peer-to-peer ({@link Rule#P2P_2 P2P-2}), or it cannot be revoked in bounded time
 * ({@link Rule#REV_3 REV-3}). No attachment exists.
 */
public class AttachRefusedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public AttachRefusedException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public AttachRefusedException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
