package org.dmabuf4j.api;

/**
 * A blocking call was interrupted while it waited (for fences, a lock, or importers to unmap): the one way every
 * blocking method of the api reports an interrupt, since none declares {@link InterruptedException} (see the package
 * documentation). Examples: {@link Fence#await()} ({@link Rule#FENCE_12 FENCE-12}),
 * {@link DmaBuf#beginCpuAccess(Access, Region)} waiting per {@link Rule#CPU_2 CPU-2},
 * {@link Reservation#lockInterruptibly(AcquireContext)} ({@link Rule#RESV_5 RESV-5}). The thread's interrupt status is
 * set again when this is thrown, and the call changed nothing: no window was opened, no lock is held. The
 * {@link InterruptedException} caught, if any, is the cause.
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
