package org.dmabuf4j.core.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.SyncWaitFlag;

/**
 * A sync object (drm_syncobj): a binary fence slot or a timeline of fence chain nodes.
 *
 * <p>Reads are lock-free: the binary fence and the timeline's {@link TimelinePoints} view are volatile and immutable.
 * Writes (replace, reset, add a point, close) take {@link #lock}, a {@link ReentrantLock} held for a few
 * instructions: they publish the new payload and take the {@link SubmitListener}s it satisfies, which run after the
 * lock is released, so no user code ever runs under it (SYNCOBJ-10). No fence callback takes the lock, so signaling
 * never waits for a writer. Engines lock several objects at once in id order ({@link #attachAll}).
 */
public final class SyncObjectImpl implements SyncObject {
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final String name;
    private final SyncObjectKind kind;
    private final ReentrantLock lock = new ReentrantLock();
    /** Binary payload; null when there is none. */
    private volatile Fence fence;
    /** Timeline payload. */
    private volatile TimelinePoints points = TimelinePoints.empty();
    private volatile boolean closed;
    /** Waiting for a submit; guarded by lock. */
    private final List<Pending> listeners = new ArrayList<>();

    private record Pending(long point, SubmitListener listener) {
    }

    /** A listener and the fence it is now to be told about. */
    private record Wakeup(SubmitListener listener, Fence fence) {
    }

    /**
     * Creates an empty object.
     *
     * @param kind binary or timeline; not null
     * @param name for messages; not blank
     * @throws RuleViolationException (SYNCOBJ-1) on a null kind or a blank name
     */
    public SyncObjectImpl(SyncObjectKind kind, String name) {
        if (kind == null || name == null || name.isBlank()) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "a sync object needs a kind and a non-blank name, got "
                    + kind + " and " + (name == null ? "null" : "'" + name + "'"));
        }
        this.kind = kind;
        this.name = name;
    }

    /**
     * This implementation behind an api sync object.
     *
     * @param object an object; not null
     * @param rule the rule to name if it is foreign
     * @return the implementation
     * @throws RuleViolationException if {@code object} is not one of ours
     */
    public static SyncObjectImpl of(SyncObject object, Rule rule) {
        if (object instanceof SyncObjectImpl impl) {
            return impl;
        }
        throw new RuleViolationException(rule, (object == null ? "a null sync object" : "sync object " + object
                + " (" + object.getClass().getName() + ")") + " is not a dmabuf4j sync object: create sync objects "
                + "with DmaBufSystem.newSyncObject");
    }

    // ---- identity ---------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SyncObjectKind kind() {
        return kind;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    // ---- reads (lock-free) ------------------------------------------------------------------------------------

    @Override
    public Optional<Fence> fence() {
        checkOpen("fence()");
        return Optional.ofNullable(kind == SyncObjectKind.BINARY ? fence : points.head());
    }

    @Override
    public Optional<Fence> fenceAt(long point) {
        checkOpen("fenceAt(" + Long.toUnsignedString(point) + ")");
        checkPoint(point);
        return Optional.ofNullable(covering(point));
    }

    /** The fence covering a point, or null (no checks). */
    Fence covering(long point) {
        return kind == SyncObjectKind.BINARY ? fence : points.covering(point, FenceImpl.stub());
    }

    @Override
    public long query() {
        checkOpen("query()");
        return kind == SyncObjectKind.BINARY ? 0 : points.lastSignaled();
    }

    @Override
    public long lastPoint() {
        checkOpen("lastPoint()");
        return kind == SyncObjectKind.BINARY ? 0 : points.lastPoint();
    }

    /**
     * How many points the timeline keeps (for tests of retirement).
     *
     * @return the retained points; 0 for a binary object
     */
    int retainedPoints() {
        return kind == SyncObjectKind.BINARY ? 0 : points.retained();
    }

    /** The listeners still waiting for a submit (for tests that a withdrawn wait leaves none). */
    int listenerCount() {
        lock.lock();
        try {
            return listeners.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread holds this object's lock (for the SYNCOBJ-10 tests). */
    boolean lockHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    @Override
    public FenceStatus status(long point) {
        checkOpen("status(" + Long.toUnsignedString(point) + ")");
        checkPoint(point);
        Fence f = covering(point);
        return f == null ? FenceStatus.PENDING : f.status();
    }

    @Override
    public Optional<Throwable> error(long point) {
        checkOpen("error(" + Long.toUnsignedString(point) + ")");
        checkPoint(point);
        Fence f = covering(point);
        return f == null || !f.isSignaled() ? Optional.empty() : f.error();
    }

    // ---- writes -------------------------------------------------------------------------------------------------

    @Override
    public void replace(Fence newFence) {
        if (kind != SyncObjectKind.BINARY) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "replace on " + this + ", a timeline: a timeline's "
                    + "payload grows by points; use addPoint(point, fence)");
        }
        if (newFence == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "replace(null) on " + this + ": use reset() to remove "
                    + "the fence");
        }
        List<Wakeup> wake;
        lock.lock();
        try {
            checkOpen("replace");
            fence = newFence;
            wake = takeListenersUpTo(Long.MAX_VALUE, true);
        } finally {
            lock.unlock();
        }
        fire(wake);
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            checkOpen("reset()");
            fence = null;
            points = TimelinePoints.empty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void signal() {
        if (kind != SyncObjectKind.BINARY) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "signal() on " + this + ", a timeline: a timeline is "
                    + "signaled at a point; use signal(point)");
        }
        replace(FenceImpl.stub());
    }

    @Override
    public void signal(long point) {
        addPoint(point, FenceImpl.stub());
    }

    @Override
    public void addPoint(long point, Fence pointFence) {
        if (pointFence == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "addPoint(" + Long.toUnsignedString(point)
                    + ", null) on " + this + ": pass the fence that will signal the point");
        }
        checkPoint(point);
        if (kind == SyncObjectKind.BINARY) {
            replace(pointFence);
            return;
        }
        List<Wakeup> wake;
        lock.lock();
        try {
            checkOpen("addPoint(" + Long.toUnsignedString(point) + ")");
            checkLater(point, points.lastPoint(), "addPoint");
            wake = appendLocked(point, pointFence);
        } finally {
            lock.unlock();
        }
        fire(wake);
    }

    /** Appends a point (lock held, checks done) and takes the listeners it satisfies. */
    private List<Wakeup> appendLocked(long point, Fence pointFence) {
        FenceChainImpl node = FenceChainImpl.create(points.head(), pointFence, point);
        points = points.append(point, node);
        return takeListenersUpTo(point, false);
    }

    private void checkLater(long point, long last, String op) {
        if (Long.compareUnsigned(point, last) <= 0) {
            throw new RuleViolationException(Rule.SYNCOBJ_3, op + " at point " + Long.toUnsignedString(point)
                    + " of " + this + ", whose last point is " + Long.toUnsignedString(last) + ": timeline points "
                    + "only go forward; use a point later than " + Long.toUnsignedString(last)
                    + " (or reset() the object to start over); nothing was changed");
        }
    }

    /**
     * The listeners a new payload satisfies (lock held): every one for a binary object, else those waiting for a
     * point at or below {@code point} (0 waits for any point).
     */
    private List<Wakeup> takeListenersUpTo(long point, boolean all) {
        if (listeners.isEmpty()) {
            return List.of();
        }
        List<Wakeup> out = new ArrayList<>();
        for (int i = listeners.size() - 1; i >= 0; i--) {
            Pending p = listeners.get(i);
            if (all || Long.compareUnsigned(p.point(), point) <= 0) {
                listeners.remove(i);
                out.add(new Wakeup(p.listener(), covering(p.point())));
            }
        }
        return out;
    }

    private static void fire(List<Wakeup> wake) {
        for (Wakeup w : wake) {
            w.listener().available(w.fence());
        }
    }

    @Override
    public void close() {
        List<Pending> left;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            left = List.copyOf(listeners);
            listeners.clear();
        } finally {
            lock.unlock();
        }
        for (Pending p : left) {
            p.listener().closed(new ClosedException(Rule.SYNCOBJ_12, this + " was closed while a wait for point "
                    + Long.toUnsignedString(p.point()) + " still had no fence; nothing will be submitted there"));
        }
    }

    // ---- waiting for a submit -----------------------------------------------------------------------------------

    /**
     * The fence covering {@code point}, or null after registering {@code listener} to hear of it (atomically, so no
     * submit is missed).
     *
     * @param point a valid point
     * @param listener told once, after the lock is released
     * @return the fence, or null if the listener was registered
     * @throws ClosedException (SYNCOBJ-12) if the object is closed
     */
    Fence coveringOrListen(long point, SubmitListener listener) {
        Fence f = covering(point);
        if (f != null) {
            return f;
        }
        lock.lock();
        try {
            checkOpen("a wait for point " + Long.toUnsignedString(point));
            f = covering(point);
            if (f == null) {
                listeners.add(new Pending(point, listener));
            }
            return f;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For engines: the fence covering {@code point}, or null after registering {@code listener}.
     *
     * @param point the point; checked
     * @param listener told once, after the lock is released
     * @return the fence, or null if the listener was registered
     * @throws RuleViolationException (SYNCOBJ-1) on a point other than 0 of a binary object
     * @throws ClosedException (SYNCOBJ-12) if the object is closed
     */
    public Fence fenceOrListen(long point, SubmitListener listener) {
        checkPoint(point);
        return coveringOrListen(point, listener);
    }

    /**
     * Withdraws a listener that has not been told yet.
     *
     * @param listener the listener
     * @return true if it was still registered
     */
    boolean removeListener(SubmitListener listener) {
        lock.lock();
        try {
            return listeners.removeIf(p -> p.listener() == listener);
        } finally {
            lock.unlock();
        }
    }

    /**
     * For engines: withdraws a listener registered by {@link #fenceOrListen}.
     *
     * @param listener the listener
     * @return true if it was still registered
     */
    public boolean unlisten(SubmitListener listener) {
        return removeListener(listener);
    }

    @Override
    public boolean waitFor(long point, Set<SyncWaitFlag> flags, Duration timeout) {
        checkFlags(flags);
        return SyncWaits.await(List.of(new SyncPoint(this, point)), flags, timeout).isPresent();
    }

    @Override
    public CompletableFuture<Fence> whenSignaled(long point, Set<SyncWaitFlag> flags) {
        checkFlags(flags);
        checkOpen("whenSignaled(" + Long.toUnsignedString(point) + ")");
        checkPoint(point);
        boolean available = flags.contains(SyncWaitFlag.WAIT_AVAILABLE);
        CompletableFuture<Fence> result = new CompletableFuture<>();
        Fence now = covering(point);
        if (now == null) {
            requireSubmitFlag(point, flags, "whenSignaled");
            SubmitListener listener = new SubmitListener() {
                @Override
                public void available(Fence f) {
                    complete(result, f, available);
                }

                @Override
                public void closed(ClosedException e) {
                    result.completeExceptionally(e);
                }
            };
            now = coveringOrListen(point, listener);
            if (now == null) {
                result.whenComplete((v, t) -> {
                    if (result.isCancelled()) {
                        removeListener(listener);
                    }
                });
                return result;
            }
        }
        complete(result, now, available);
        return result;
    }

    /** Completes {@code result} with {@code f} now (available) or when it signals; cancelling it drops the wait. */
    private static void complete(CompletableFuture<Fence> result, Fence f, boolean available) {
        if (available) {
            result.complete(f);
            return;
        }
        CompletableFuture<Fence> signaled = f.toCompletableFuture();
        signaled.whenComplete((v, t) -> {
            if (t == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(t);
            }
        });
        result.whenComplete((v, t) -> {
            if (result.isCancelled()) {
                signaled.cancel(false);
            }
        });
    }

    // ---- transfer, export, import, deadlines ------------------------------------------------------------------

    @Override
    public void transfer(long srcPoint, SyncPoint dst) {
        checkOpen("transfer(" + Long.toUnsignedString(srcPoint) + ")");
        checkPoint(srcPoint);
        checkDestination(dst);
        Fence f = covering(srcPoint);
        if (f == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_6, "transfer from point " + Long.toUnsignedString(srcPoint)
                    + " of " + this + " to " + dst + ": the source point has no fence yet; submit the work first, or "
                    + "use transfer(srcPoint, dst, timeout) to wait for it (WAIT_FOR_SUBMIT); nothing was changed");
        }
        of(dst.object(), Rule.SYNCOBJ_6).addPoint(dst.point(), f);
    }

    @Override
    public boolean transfer(long srcPoint, SyncPoint dst, Duration submitTimeout) {
        checkOpen("transfer(" + Long.toUnsignedString(srcPoint) + ")");
        checkPoint(srcPoint);
        checkDestination(dst);
        if (!waitFor(srcPoint, EnumSet.of(SyncWaitFlag.WAIT_AVAILABLE), submitTimeout)) {
            return false;
        }
        of(dst.object(), Rule.SYNCOBJ_6).addPoint(dst.point(), covering(srcPoint));
        return true;
    }

    private void checkDestination(SyncPoint dst) {
        if (dst == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_6, "transfer from " + this + " to a null destination: pass "
                    + "new SyncPoint(object, point)");
        }
        of(dst.object(), Rule.SYNCOBJ_6).checkOpen("transfer from " + this + " into point "
                + Long.toUnsignedString(dst.point()));
    }

    @Override
    public SyncFile exportSyncFile(long point) {
        checkOpen("exportSyncFile(" + Long.toUnsignedString(point) + ")");
        checkPoint(point);
        Fence f = covering(point);
        if (f == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_2, "exportSyncFile(" + Long.toUnsignedString(point)
                    + ") of " + this + ": the point has no fence yet, so there is nothing to export; wait for it "
                    + "with waitFor(point, WAIT_AVAILABLE, timeout) first");
        }
        return new SyncFileImpl(f, name + "@" + Long.toUnsignedString(point));
    }

    @Override
    public void importSyncFile(SyncFile file, long point) {
        if (file == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_7, "importSyncFile(null, " + Long.toUnsignedString(point)
                    + ") on " + this + ": pass the sync file to import");
        }
        addPoint(point, file.fence());
    }

    @Override
    public void setDeadline(long point, Instant deadline) {
        if (deadline == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_8, "setDeadline(" + Long.toUnsignedString(point)
                    + ", null) on " + this + ": pass the Instant by which the point is needed");
        }
        checkOpen("setDeadline(" + Long.toUnsignedString(point) + ")");
        checkPoint(point);
        Fence now = coveringOrListen(point, new SubmitListener() {
            @Override
            public void available(Fence f) {
                f.setDeadline(deadline);
            }

            @Override
            public void closed(ClosedException e) {
                // nothing will be submitted: no fence to hint
            }
        });
        if (now != null) {
            now.setDeadline(deadline);
        }
    }

    // ---- engines: signal lists ----------------------------------------------------------------------------------

    /**
     * Attaches one fence at several points, all or nothing (SYNCOBJ-11): locks every object in id order, checks each
     * point (SYNCOBJ-3, in list order for repeated objects), then calls {@code make} for the fence and attaches it.
     * If a check or {@code make} fails, nothing is attached. Listeners run after every lock is released.
     *
     * @param signals the points; objects of this implementation
     * @param make creates the fence (for an engine: queues the job); called at most once, with the locks held
     * @return the fence {@code make} returned
     * @throws RuleViolationException (SYNCOBJ-3) on a point going backwards, (SYNCOBJ-11) on a foreign object
     * @throws ClosedException (SYNCOBJ-12) if an object is closed
     */
    public static Fence attachAll(List<SyncPoint> signals, Supplier<Fence> make) {
        List<SyncObjectImpl> objects = new ArrayList<>();
        for (SyncPoint p : signals) {
            SyncObjectImpl o = of(p.object(), Rule.SYNCOBJ_11);
            if (!objects.contains(o)) {
                objects.add(o);
            }
        }
        objects.sort(Comparator.comparingLong(SyncObjectImpl::id));
        int locked = 0;
        List<Wakeup> wake = new ArrayList<>();
        try {
            for (SyncObjectImpl o : objects) {
                o.lock.lock();
                locked++;
            }
            for (SyncObjectImpl o : objects) {
                o.checkOpen("a signal point of a job");
                long last = o.kind == SyncObjectKind.BINARY ? -1 : o.points.lastPoint();
                for (SyncPoint p : signals) {
                    if (p.object() == o && o.kind == SyncObjectKind.TIMELINE) {
                        o.checkLater(p.point(), last, "a job's signal");
                        last = p.point();
                    }
                }
            }
            Fence f = make.get();
            for (SyncPoint p : signals) {
                SyncObjectImpl o = (SyncObjectImpl) p.object();
                if (o.kind == SyncObjectKind.BINARY) {
                    o.fence = f;
                    wake.addAll(o.takeListenersUpTo(Long.MAX_VALUE, true));
                } else {
                    wake.addAll(o.appendLocked(p.point(), f));
                }
            }
            return f;
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                objects.get(i).lock.unlock();
            }
            fire(wake);
        }
    }

    // ---- checks -------------------------------------------------------------------------------------------------

    /**
     * Rejects a call on a closed object (SYNCOBJ-12).
     *
     * @param op the call, for the message
     * @throws ClosedException (SYNCOBJ-12) if closed
     */
    public void checkOpen(String op) {
        if (closed) {
            throw new ClosedException(Rule.SYNCOBJ_12, op + " on " + this + ", which is closed: create a new sync "
                    + "object");
        }
    }

    private void checkPoint(long point) {
        if (kind == SyncObjectKind.BINARY && point != 0) {
            throw new RuleViolationException(Rule.SYNCOBJ_1, "point " + Long.toUnsignedString(point) + " of " + this
                    + ", which is binary: a binary sync object has only point 0; use a timeline object for numbered "
                    + "points");
        }
    }

    private void checkFlags(Set<SyncWaitFlag> flags) {
        checkFlags(flags, this);
    }

    /**
     * Rejects a null flag set or a null flag in it (SYNCOBJ-5).
     *
     * @param flags the flags of a wait
     * @param subject what is waited for, for the message
     * @throws RuleViolationException (SYNCOBJ-5) on null
     */
    static void checkFlags(Set<SyncWaitFlag> flags, Object subject) {
        if (flags == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_5, "wait flags for " + subject + " are null: pass "
                    + "SyncWaitFlag.NONE or an EnumSet");
        }
        for (SyncWaitFlag f : flags) {
            if (f == null) {
                throw new RuleViolationException(Rule.SYNCOBJ_5, "wait flags for " + subject + " contain null: pass "
                        + "an EnumSet of SyncWaitFlag values");
            }
        }
    }

    void requireSubmitFlag(long point, Set<SyncWaitFlag> flags, String op) {
        if (!flags.contains(SyncWaitFlag.WAIT_FOR_SUBMIT) && !flags.contains(SyncWaitFlag.WAIT_AVAILABLE)) {
            throw new RuleViolationException(Rule.SYNCOBJ_2, op + " on point " + Long.toUnsignedString(point) + " of "
                    + this + ", which has no fence yet (last point " + Long.toUnsignedString(
                            kind == SyncObjectKind.BINARY ? 0 : points.lastPoint()) + "): nothing can signal it. "
                    + "Submit the work first, or pass WAIT_FOR_SUBMIT (or WAIT_AVAILABLE) to wait for the submit");
        }
    }

    @Override
    public String toString() {
        return (kind == SyncObjectKind.BINARY ? "binary" : "timeline") + " sync object '" + name + "' #" + id;
    }
}
