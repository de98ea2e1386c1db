package org.dmabuf4j.core.sync;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

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
 *
 * <p>The reservations are locked in one global order (their identity hash codes, ties in the order given), whatever
 * order the caller lists them in. Wait-die makes any order safe, but two lockAll calls that share reservations and
 * lock them in one order can never form a cycle, so they wait for each other instead of backing off; only lockers
 * that use another order (plain {@code lock(ctx)} sequences) still make one of them die. The set returned keeps the
 * caller's order.
 */
public final class LockAll {
    /** Up to this many reservations, duplicates are found by comparing each with the ones before it. */
    private static final int LINEAR_DEDUP_MAX = 16;

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
        Reservation[] unique = distinct(reservations);
        Reservation[] order = lockingOrder(unique);
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
                    for (Reservation r : order) {
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
            throw new DmaInterruptedException(Rule.RESV_6, "lockAll of " + unique.length
                    + " reservations interrupted while waiting; none is held",
                    e instanceof InterruptedException ie ? ie
                            : e.getCause() instanceof InterruptedException ie ? ie : null);
        } catch (RuntimeException | Error e) {
            ctx.unlockAll();
            ctx.close();
            throw e;
        }
        ctx.done();
        return new ReservationSetImpl(List.of(unique), ctx, backoffs);
    }

    /**
     * The order lockAll takes distinct reservations in: by identity hash code, ties in the order given.
     *
     * @param unique distinct reservations, in the caller's order
     * @return a new array in locking order
     */
    static Reservation[] lockingOrder(Reservation[] unique) {
        long[] keys = sortKeys(unique);
        Reservation[] order = new Reservation[unique.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = unique[(int) keys[i]];
        }
        return order;
    }

    private static void lockSlow(Reservation r, AcquireContext ctx) throws InterruptedException {
        if (r instanceof ReservationImpl impl) {
            impl.lockSlowInterruptibly(ctx);
        } else {
            r.lockSlow(ctx);
        }
    }

    /** The reservations without duplicates (by identity), in the order given; rejects null. */
    private static Reservation[] distinct(Collection<? extends Reservation> reservations) {
        if (reservations == null) {
            throw new RuleViolationException(Rule.RESV_6, "lockAll of a null collection: pass the reservations to "
                    + "lock");
        }
        Reservation[] all = reservations.toArray(new Reservation[0]);
        for (int i = 0; i < all.length; i++) {
            if (all[i] == null) {
                throw new RuleViolationException(Rule.RESV_6, "reservation " + i + " given to lockAll is null");
            }
        }
        return all.length <= LINEAR_DEDUP_MAX ? distinctLinear(all) : distinctSorted(all);
    }

    private static Reservation[] distinctLinear(Reservation[] all) {
        int n = 0;
        outer:
        for (Reservation r : all) {
            for (int j = 0; j < n; j++) {
                if (all[j] == r) {
                    continue outer;
                }
            }
            all[n++] = r;
        }
        return n == all.length ? all : Arrays.copyOf(all, n);
    }

    /** Duplicates share an identity hash: sort by it (stable), compare within runs of equal hashes. */
    private static Reservation[] distinctSorted(Reservation[] all) {
        long[] keys = sortKeys(all);
        boolean[] drop = new boolean[all.length];
        int dropped = 0;
        for (int start = 0; start < keys.length;) {
            int end = start + 1;
            while (end < keys.length && (keys[end] >>> 32) == (keys[start] >>> 32)) {
                end++;
            }
            // within a run positions increase, so the first of a set of duplicates is the one kept
            for (int i = start + 1; i < end; i++) {
                for (int j = start; j < i; j++) {
                    if (all[(int) keys[j]] == all[(int) keys[i]]) {
                        drop[(int) keys[i]] = true;
                        dropped++;
                        break;
                    }
                }
            }
            start = end;
        }
        if (dropped == 0) {
            return all;
        }
        Reservation[] out = new Reservation[all.length - dropped];
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (!drop[i]) {
                out[n++] = all[i];
            }
        }
        return out;
    }

    /** Sorted keys: identity hash (high 32 bits, unsigned) | position (low 32 bits); a primitive, stable sort. */
    private static long[] sortKeys(Reservation[] rs) {
        long[] keys = new long[rs.length];
        for (int i = 0; i < rs.length; i++) {
            keys[i] = (Integer.toUnsignedLong(System.identityHashCode(rs[i])) << 32) | i;
        }
        Arrays.sort(keys);
        return keys;
    }
}
