package org.dmabuf4j.api;

/**
 * A ticket for locking several reservations without deadlock, by wait-die ({@link Rule#RESV_5 RESV-5}): an older
 * context (smaller ticket) waits for a younger holder; a younger one gets {@link WouldDeadlockException} and backs off
 * ({@link Rule#RESV_6 RESV-6}).
 *
 * <pre>
 *   try (AcquireContext ctx = system.newAcquireContext()) {
 *       while (true) {
 *           try { a.lock(ctx); b.lock(ctx); break; }
 *           catch (WouldDeadlockException e) { ctx.unlockAll(); contended.lockSlow(ctx); ... }
 *       }
 *       ctx.done();
 *       ... work ...
 *       ctx.unlockAll();
 *   }
 * </pre>
 * Or let {@link DmaBufSystem#lockAll} run that loop. With leak detection on, a context dropped without close is
 * reported with where it was created ({@link Rule#SAFE_6 SAFE-6}).
 *
 * @see "struct ww_acquire_ctx, ww_acquire_init, ww_acquire_done, ww_acquire_fini"
 */
public interface AcquireContext extends AutoCloseable {
    /**
     * The ticket: smaller is older.
     *
     * @return the ticket
     */
    long ticket();

    /**
     * The number of reservations held under this context.
     *
     * @return the count
     */
    int heldCount();

    /**
     * Marks the end of the acquire phase: no further lock may be taken under this context
     * ({@link Rule#RESV_13 RESV-13}).
     *
     * @see "ww_acquire_done"
     */
    void done();

    /**
     * Unlocks every reservation held under this context, for backing off ({@link Rule#RESV_6 RESV-6}) or finishing.
     */
    void unlockAll();

    /**
     * Ends the context ({@link Rule#RESV_13 RESV-13}). Called by its thread after every lock is released.
     *
     * @throws RuleViolationException ({@link Rule#RESV_13 RESV-13}) if locks are still held under it; they stay held
     * @see "ww_acquire_fini"
     */
    @Override
    void close();
}
