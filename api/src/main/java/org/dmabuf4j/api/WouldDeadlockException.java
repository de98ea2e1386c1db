package org.dmabuf4j.api;

/**
 * Wait-die: a younger acquire context asked for a lock held by an older one ({@link Rule#RESV_5 RESV-5}). Release every
 * lock held under the context, take this one with {@link Reservation#lockSlow(AcquireContext)}, then retry the others
 * ({@link Rule#RESV_6 RESV-6}), or let {@code DmaBufSystem.lockAll} do it for you.
 */
public class WouldDeadlockException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public WouldDeadlockException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public WouldDeadlockException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
