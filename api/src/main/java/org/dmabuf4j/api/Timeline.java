package org.dmabuf4j.api;

/**
 * A software timeline (sw_sync) for tests and for code that signals fences by counting: points at values, advanced by
 * hand.
 *
 * @see "drivers/dma-buf/sw_sync.c"
 */
public interface Timeline extends AutoCloseable {
    /**
     * The timeline's name.
     *
     * @return the name
     */
    String name();

    /**
     * The fence context of the timeline's points.
     *
     * @return the context
     */
    long context();

    /**
     * The current value: every point at or below it has signaled.
     *
     * @return the value
     */
    long value();

    /**
     * A point at {@code value}: signaled already if not later than the timeline's value ({@link Rule#SYNC_7 SYNC-7}); a
     * pending point with the same value is reused.
     *
     * @param value the point's seqno
     * @return the point
     * @throws ClosedException ({@link Rule#SYNC_3 SYNC-3}) if the timeline is closed
     * @see "SW_SYNC_IOC_CREATE_FENCE"
     */
    Fence point(long value);

    /**
     * Advances the value by {@code n} and signals every pending point at or below it, in seqno order
     * ({@link Rule#SYNC_8 SYNC-8}).
     *
     * @param n the increment; not negative
     * @throws RuleViolationException ({@link Rule#SYNC_8 SYNC-8}) if negative
     * @throws ClosedException ({@link Rule#SYNC_3 SYNC-3}) if the timeline is closed
     * @see "SW_SYNC_IOC_INC"
     */
    void advance(long n);

    /**
     * The number of points still pending.
     *
     * @return the count
     */
    int pendingPoints();

    /**
     * The soonest deadline hinted on a pending point ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}), as sw_sync lets a test read
     * back what a consumer asked for.
     *
     * @return the deadline on the {@link System#nanoTime()} clock, or empty if no pending point has one
     * @see "SW_SYNC_GET_DEADLINE"
     */
    java.util.OptionalLong soonestDeadline();

    /**
     * Closes the timeline: pending points signal with a timeline-closed error ({@link Rule#SYNC_3 SYNC-3}). Idempotent.
     */
    @Override
    void close();
}
