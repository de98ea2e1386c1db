package org.dmabuf4j.core.sync;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.SyncWaitFlag;

/**
 * Blocking waits over (sync object, point) pairs (SYNCOBJ-2, SYNCOBJ-5): one parked thread, woken by a
 * {@link SubmitListener} per point still without a fence and a {@link Waiter} callback per fence.
 *
 * <pre>
 *   point without fence ──listener──► fence arrives ──callback──► fence signals
 *          │ (no WAIT_FOR_SUBMIT / WAIT_AVAILABLE: fails at once, SYNCOBJ-2)      │
 *          └──────────────── WAIT_AVAILABLE: done here ◄──────────────────────────┘ otherwise: done here
 * </pre>
 */
public final class SyncWaits {
    private SyncWaits() {
    }

    /**
     * {@link org.dmabuf4j.api.DmaBufSystem#awaitSyncPoints}.
     *
     * @param points the pairs; not null, not empty
     * @param flags the flags; not null
     * @param timeout how long; zero polls; not negative
     * @return the lowest index done, or empty on timeout
     */
    public static OptionalInt await(List<SyncPoint> points, Set<SyncWaitFlag> flags, Duration timeout) {
        if (points == null || points.isEmpty()) {
            throw new RuleViolationException(Rule.SYNCOBJ_5, "a sync-object wait needs at least one (object, point) "
                    + "pair, got " + (points == null ? "null" : "an empty list"));
        }
        SyncObjectImpl.checkFlags(flags, points);
        int n = points.size();
        SyncObjectImpl[] objects = new SyncObjectImpl[n];
        for (int i = 0; i < n; i++) {
            SyncPoint p = points.get(i);
            if (p == null) {
                throw new RuleViolationException(Rule.SYNCOBJ_5, "sync point " + i + " of the wait is null");
            }
            objects[i] = SyncObjectImpl.of(p.object(), Rule.SYNCOBJ_5);
            objects[i].checkOpen("a wait for point " + Long.toUnsignedString(p.point()));
        }
        long nanos = Waits.nanos(timeout, Rule.SYNCOBJ_5, () -> points.toString());
        return new Wait(points, objects, flags, nanos).run();
    }

    /** One wait's state; used by its thread only, except the arrival slots the listeners fill. */
    private static final class Wait {
        private final List<SyncPoint> points;
        private final SyncObjectImpl[] objects;
        private final boolean all;
        private final boolean available;
        private final boolean submit;
        private final long nanos;
        private final Thread thread = Thread.currentThread();
        private final Waiter waiter = new Waiter(thread);
        private final Fence[] fences;
        private final boolean[] armed;
        private final SubmitListener[] listeners;
        private final AtomicReferenceArray<Fence> arrived;
        private final AtomicReference<ClosedException> closed = new AtomicReference<>();

        Wait(List<SyncPoint> points, SyncObjectImpl[] objects, Set<SyncWaitFlag> flags, long nanos) {
            this.points = points;
            this.objects = objects;
            this.all = flags.contains(SyncWaitFlag.WAIT_ALL);
            this.available = flags.contains(SyncWaitFlag.WAIT_AVAILABLE);
            this.submit = available || flags.contains(SyncWaitFlag.WAIT_FOR_SUBMIT);
            this.nanos = nanos;
            int n = points.size();
            this.fences = new Fence[n];
            this.armed = new boolean[n];
            this.listeners = new SubmitListener[n];
            this.arrived = new AtomicReferenceArray<>(n);
            for (int i = 0; i < n; i++) {
                fences[i] = objects[i].covering(points.get(i).point());
                if (fences[i] == null && !submit) {
                    objects[i].requireSubmitFlag(points.get(i).point(), flags, "a wait");
                }
            }
        }

        OptionalInt run() {
            try {
                int done = doneIndex();
                if (done >= 0) {
                    return result(done);
                }
                if (nanos == 0) {
                    return OptionalInt.empty();
                }
                if (Thread.interrupted()) {
                    throw interrupted("before waiting");
                }
                for (int i = 0; i < Waits.SPINS && done < 0; i++) {
                    Thread.onSpinWait();
                    done = doneIndex();
                }
                if (done >= 0) {
                    return result(done);
                }
                arm();
                long start = System.nanoTime();
                while (true) {
                    done = doneIndex();
                    if (done >= 0) {
                        return result(done);
                    }
                    ClosedException c = closed.get();
                    if (c != null) {
                        throw c;
                    }
                    long remaining = nanos - (System.nanoTime() - start);
                    if (remaining <= 0) {
                        return OptionalInt.empty();
                    }
                    LockSupport.parkNanos(this, remaining);
                    if (Thread.interrupted()) {
                        done = doneIndex();
                        if (done >= 0) {
                            Thread.currentThread().interrupt();
                            return result(done);
                        }
                        throw interrupted("while waiting");
                    }
                }
            } finally {
                disarm();
            }
        }

        /** Registers the listeners for points without a fence and the callbacks on fences. */
        private void arm() {
            for (int i = 0; i < fences.length; i++) {
                if (fences[i] == null) {
                    int index = i;
                    SubmitListener l = new SubmitListener() {
                        @Override
                        public void available(Fence f) {
                            arrived.set(index, f);
                            LockSupport.unpark(thread);
                        }

                        @Override
                        public void closed(ClosedException e) {
                            closed.compareAndSet(null, e);
                            LockSupport.unpark(thread);
                        }
                    };
                    Fence now = objects[i].coveringOrListen(points.get(i).point(), l);
                    if (now == null) {
                        listeners[i] = l;
                    } else {
                        fences[i] = now;
                    }
                }
                armFence(i);
            }
        }

        private void armFence(int i) {
            if (fences[i] != null && !available && !armed[i]) {
                armed[i] = fences[i].addCallback(waiter);
            }
        }

        private void disarm() {
            for (int i = 0; i < fences.length; i++) {
                if (armed[i]) {
                    fences[i].removeCallback(waiter);
                }
                if (listeners[i] != null && arrived.get(i) == null) {
                    objects[i].removeListener(listeners[i]);
                }
            }
        }

        /** The lowest index done if the wait is over (all or any), else -1; picks up arrived fences first. */
        private int doneIndex() {
            int first = -1;
            boolean every = true;
            for (int i = 0; i < fences.length; i++) {
                if (fences[i] == null) {
                    Fence a = arrived.get(i);
                    if (a != null) {
                        fences[i] = a;
                        armFence(i);
                    }
                }
                boolean done = fences[i] != null && (available || fences[i].isSignaled());
                if (done && first < 0) {
                    first = i;
                }
                every &= done;
            }
            return all ? (every ? first : -1) : first;
        }

        /** The result, or the failure of a fence it depends on (SYNCOBJ-5). */
        private OptionalInt result(int done) {
            if (!available) {
                if (all) {
                    for (int i = 0; i < fences.length; i++) {
                        throwIfFailed(i);
                    }
                } else {
                    throwIfFailed(done);
                }
            }
            return OptionalInt.of(done);
        }

        private void throwIfFailed(int i) {
            Fence f = fences[i];
            if (f.isSignaled() && f.error().isPresent()) {
                throw failed("a wait for " + points.get(i), f);
            }
        }

        private DmaInterruptedException interrupted(String when) {
            return new DmaInterruptedException(Rule.SYNCOBJ_5, "interrupted " + when + " for "
                    + (all ? "all of " : "any of ") + points + "; nothing was changed", null);
        }
    }

    /**
     * The exception of a wait whose fence signaled with an error (SYNCOBJ-5, FENCE-13).
     *
     * @param what what was waited for
     * @param fence the failed fence
     * @return the exception, with the fence's error as cause
     */
    static FenceFailedException failed(String what, Fence fence) {
        return new FenceFailedException(what, fence);
    }
}
