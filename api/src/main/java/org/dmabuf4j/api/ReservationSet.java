package org.dmabuf4j.api;

import java.util.List;

/**
 * Several reservations held together by {@link DmaBufSystem#lockAll}: what drm_exec gives a kernel driver.
 *
 * @see "drm_exec_until_all_locked"
 */
public interface ReservationSet extends AutoCloseable {
    /**
     * The locked reservations, in the order given.
     *
     * @return the reservations
     */
    List<Reservation> reservations();

    /**
     * How many times a would-deadlock made the helper back off before it held every lock.
     *
     * @return the number of back-offs
     */
    int backoffs();

    /**
     * Unlocks every reservation and ends the context. Idempotent. Called by the locking thread.
     */
    @Override
    void close();
}
