package org.dmabuf4j.api;

/**
 * A blocking call that does not declare {@link InterruptedException} was interrupted while it waited for fences (for
 * example {@link DmaBuf#beginCpuAccess(Access, Region)} waiting per CPU-2). The thread's interrupt status is set
 * again when this is thrown, and the call changed nothing: no window was opened, no lock is held.
 */
public class DmaInterruptedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception and restores the current thread's interrupt status.
     *
     * @param rule the rule whose wait was interrupted; not null
     * @param message what was being waited for; not null
     * @param cause the {@link InterruptedException} caught, or null
     */
    public DmaInterruptedException(Rule rule, String message, InterruptedException cause) {
        super(rule, message, cause);
        Thread.currentThread().interrupt();
    }
}
