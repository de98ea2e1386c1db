package org.dmabuf4j.testkit.internal;

import java.util.List;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;

/**
 * MOVE-8 around every call that may move the buffer (a move, and an attach or map that may migrate it): the fences
 * the exporter adds during the call must be of KERNEL usage, since importers (and the kit) wait for KERNEL fences
 * before they touch moved memory. Checking the usage at once files the bug under MOVE-8, instead of under whatever
 * data test first reads the memory before the copy is done.
 */
public final class MoveFences {
    private MoveFences() {
    }

    /**
     * Every fence entry of a reservation, under its lock (taken here unless this thread holds it).
     *
     * @param r the reservation
     * @return a copy of its entries, all usages
     */
    public static List<FenceEntry> entries(Reservation r) {
        boolean held = r.isHeldByCurrentThread();
        if (!held) {
            r.lock();
        }
        try {
            return List.copyOf(r.entries(FenceUsage.BOOKKEEP));
        } finally {
            if (!held) {
                r.unlock();
            }
        }
    }

    /**
     * Fails (MOVE-8) if a fence added since {@code before} is not of KERNEL usage.
     *
     * @param r the reservation
     * @param before its entries before the call
     * @param what the call, for the message ("move()", "an attach to device 'dev0'")
     * @param buffer the buffer, for the message
     */
    public static void newOnesAreKernel(Reservation r, List<FenceEntry> before, String what, String buffer) {
        for (FenceEntry x : entries(r)) {
            boolean old = before.stream().anyMatch(b -> b.fence() == x.fence());
            if (!old && x.usage() != FenceUsage.KERNEL) {
                throw Verify.failure(Rule.MOVE_8, what + " of " + buffer + " added a fence of usage " + x.usage()
                        + " (" + x.fence().driverName() + " " + x.fence().timelineName() + ", " + x.fence().status()
                        + "): importers wait for KERNEL fences before they touch moved memory, so they would touch it"
                        + " before this copy is done", "most likely the exporter publishes the copy of its move (or"
                        + " migration) with the usage of ordinary device work: add it with FenceUsage.KERNEL");
            }
        }
    }
}
