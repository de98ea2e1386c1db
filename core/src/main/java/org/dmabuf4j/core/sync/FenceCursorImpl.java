package org.dmabuf4j.core.sync;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCursor;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * Unlocked iteration (RESV-10) over a reservation's slot array. The array is immutable and replaced on every change,
 * so a different array means the list changed: start again from the first slot and flag the restart.
 */
final class FenceCursorImpl implements FenceCursor {
    private final ReservationImpl reservation;
    private final FenceSlots slots;
    private final FenceUsage usage;
    private FenceEntry[] snapshot;
    private int position;
    private FenceEntry current;
    private boolean restartPending;
    private boolean restarted;
    private boolean closed;

    FenceCursorImpl(ReservationImpl reservation, FenceSlots slots, FenceUsage usage) {
        this.reservation = reservation;
        this.slots = slots;
        this.usage = usage;
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new RuleViolationException(Rule.RESV_10, "next() on a closed cursor over " + reservation
                    + ": open a new cursor");
        }
        FenceEntry[] now = slots.snapshot();
        if (now != snapshot) {
            snapshot = now;
            position = 0;
            restartPending = true;
        }
        while (position < snapshot.length) {
            FenceEntry e = snapshot[position++];
            if (usage.covers(e.usage()) && !e.fence().isSignaled()) {
                current = e;
                restarted = restartPending;
                restartPending = false;
                return true;
            }
        }
        current = null;
        restarted = false;
        return false;
    }

    @Override
    public Fence fence() {
        return entry("fence()").fence();
    }

    @Override
    public FenceUsage usage() {
        return entry("usage()").usage();
    }

    private FenceEntry entry(String op) {
        if (current == null) {
            throw new RuleViolationException(Rule.RESV_10, op + " on a cursor over " + reservation
                    + (closed ? " after close()" : " with no current fence")
                    + ": call it only after next() returned true");
        }
        return current;
    }

    @Override
    public boolean isRestarted() {
        return restarted;
    }

    @Override
    public void close() {
        closed = true;
        current = null;
    }
}
