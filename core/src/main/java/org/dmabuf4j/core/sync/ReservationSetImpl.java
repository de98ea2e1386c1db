package org.dmabuf4j.core.sync;

import java.util.List;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;

/** What {@link LockAll#lockAll} returns: the held reservations and their context. */
final class ReservationSetImpl implements ReservationSet {
    private final List<Reservation> reservations;
    private final AcquireContext ctx;
    private final int backoffs;
    private boolean closed;

    ReservationSetImpl(List<Reservation> reservations, AcquireContext ctx, int backoffs) {
        this.reservations = reservations;
        this.ctx = ctx;
        this.backoffs = backoffs;
    }

    @Override
    public List<Reservation> reservations() {
        return reservations;
    }

    @Override
    public int backoffs() {
        return backoffs;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        ctx.unlockAll();
        ctx.close();
        closed = true;
    }

    @Override
    public String toString() {
        return "set of " + reservations.size() + " reservations held under " + ctx;
    }
}
