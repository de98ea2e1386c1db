package org.dmabuf4j.core.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.WouldDeadlockException;

/**
 * Locks several reservations without deadlock, like the kernel's drm_exec: lock each under one acquire context; on
 * would-deadlock unlock everything, wait for the contended one with lockSlow (RESV-6), then retry the rest.
 */
public final class LockAll {
    private LockAll() {
    }

    /**
     * Locks every reservation, in any order, without deadlock. Duplicates are locked once.
     *
     * @param reservations the reservations; not null, elements not null
     * @return the held set, in the order given (without duplicates); close it to unlock all
     * @throws DmaInterruptedException (RESV-6) if interrupted while waiting; nothing stays locked
     * @throws RuleViolationException if a reservation cannot be locked at all (e.g. the thread already holds it,
     *     or it is called on a signaling path); nothing stays locked
     */
    public static ReservationSet lockAll(Collection<? extends Reservation> reservations) {
        List<Reservation> unique = distinct(reservations);
        AcquireContext ctx = AcquireContextImpl.create();
        int backoffs = 0;
        Reservation contended = null;
        try {
            while (true) {
                Reservation trying = contended;
                try {
                    if (contended != null) {
                        lockSlow(contended, ctx);
                    }
                    for (Reservation r : unique) {
                        if (r != contended) {
                            trying = r;
                            r.lockInterruptibly(ctx);
                        }
                    }
                    break;
                } catch (WouldDeadlockException e) {
                    ctx.unlockAll();
                    contended = trying;
                    backoffs++;
                }
            }
        } catch (InterruptedException | DmaInterruptedException e) {
            ctx.unlockAll();
            ctx.close();
            throw new DmaInterruptedException(Rule.RESV_6, "lockAll of " + unique.size()
                    + " reservations interrupted while waiting; none is held",
                    e instanceof InterruptedException ie ? ie
                            : e.getCause() instanceof InterruptedException ie ? ie : null);
        } catch (RuntimeException | Error e) {
            ctx.unlockAll();
            ctx.close();
            throw e;
        }
        ctx.done();
        return new ReservationSetImpl(unique, ctx, backoffs);
    }

    private static void lockSlow(Reservation r, AcquireContext ctx) throws InterruptedException {
        if (r instanceof ReservationImpl impl) {
            impl.lockSlowInterruptibly(ctx);
        } else {
            r.lockSlow(ctx);
        }
    }

    private static List<Reservation> distinct(Collection<? extends Reservation> reservations) {
        if (reservations == null) {
            throw new RuleViolationException(Rule.RESV_6, "lockAll of a null collection: pass the reservations to "
                    + "lock");
        }
        Set<Reservation> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Reservation> unique = new ArrayList<>(reservations.size());
        int i = 0;
        for (Reservation r : reservations) {
            if (r == null) {
                throw new RuleViolationException(Rule.RESV_6, "reservation " + i + " given to lockAll is null");
            }
            if (seen.add(r)) {
                unique.add(r);
            }
            i++;
        }
        return List.copyOf(unique);
    }
}
