package org.dmabuf4j.core.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Timeline;

/**
 * A software timeline (sw_sync): points at values on one fence context, signaled by advancing the value.
 *
 * <p>Points are signaled while the timeline's lock is held, so two concurrent advances still signal in seqno order
 * (SYNC-8). Their callbacks therefore run under that lock; it is a {@link ReentrantLock}, so a callback on the same
 * thread may create points, and parking on it never pins a virtual thread.
 */
final class TimelineImpl implements Timeline {
    static final String DRIVER = "sw_sync";

    private final FenceContextImpl context;
    private final ReentrantLock lock = new ReentrantLock();
    /** Pending points by seqno (unsigned order). Guarded by lock. */
    private final NavigableMap<Long, IssuedFence> pending = new TreeMap<>(Long::compareUnsigned);
    private volatile long value;
    private volatile boolean closed;

    TimelineImpl(String name) {
        if (name == null || name.isBlank()) {
            throw new RuleViolationException(Rule.SYNC_7, "a timeline needs a non-blank name, got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        this.context = FenceContextImpl.allocate(DRIVER, name);
    }

    @Override
    public String name() {
        return context.timelineName();
    }

    @Override
    public long context() {
        return context.id();
    }

    @Override
    public long value() {
        return value;
    }

    @Override
    public Fence point(long seqno) {
        lock.lock();
        try {
            checkOpen("point(" + Long.toUnsignedString(seqno) + ")");
            if (Long.compareUnsigned(seqno, value) <= 0) {
                return new IssuedFence(context, seqno, System.nanoTime());
            }
            IssuedFence existing = pending.get(seqno);
            if (existing != null) {
                return existing;
            }
            IssuedFence point = new IssuedFence(context, seqno);
            pending.put(seqno, point);
            return point;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void advance(long n) {
        if (n < 0) {
            throw new RuleViolationException(Rule.SYNC_8, "advance(" + n + ") on " + this
                    + ": a timeline only moves forward; pass an increment of 0 or more");
        }
        lock.lock();
        try {
            checkOpen("advance(" + n + ")");
            long next = value + n;
            if (Long.compareUnsigned(next, value) < 0) {
                next = -1L; // saturate at the largest unsigned value instead of wrapping back
            }
            value = next;
            NavigableMap<Long, IssuedFence> due = pending.headMap(next, true);
            List<IssuedFence> inOrder = new ArrayList<>(due.values());
            due.clear();
            Throwable fatal = null;
            for (IssuedFence point : inOrder) {
                fatal = signal(point, null, fatal);
            }
            rethrow(fatal);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int pendingPoints() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalLong soonestDeadline() {
        lock.lock();
        try {
            OptionalLong soonest = OptionalLong.empty();
            for (IssuedFence point : pending.values()) {
                OptionalLong d = point.deadline();
                if (d.isPresent() && (soonest.isEmpty() || d.getAsLong() - soonest.getAsLong() < 0)) {
                    soonest = d;
                }
            }
            return soonest;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            List<IssuedFence> inOrder = new ArrayList<>(pending.values());
            pending.clear();
            Throwable fatal = null;
            for (IssuedFence point : inOrder) {
                fatal = signal(point, new ClosedException(Rule.SYNC_3, "timeline closed: " + this + " was closed while"
                        + " point " + Long.toUnsignedString(point.seqno()) + " was pending (value "
                        + Long.toUnsignedString(value) + ")"), fatal);
            }
            rethrow(fatal);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Signals one point; an Error its callbacks rethrow (all of them ran) is kept for after the other points
     * (SAFE-5), so that no point stays pending behind it.
     */
    private static Throwable signal(IssuedFence point, Throwable cause, Throwable fatal) {
        try {
            point.signalWith(cause);
        } catch (RuntimeException | Error e) {
            if (fatal == null) {
                return e;
            }
            fatal.addSuppressed(e);
        }
        return fatal;
    }

    private static void rethrow(Throwable fatal) {
        if (fatal instanceof Error e) {
            throw e;
        }
        if (fatal instanceof RuntimeException e) {
            throw e;
        }
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new ClosedException(Rule.SYNC_3, op + " on " + this + ", which is closed: create a new timeline");
        }
    }

    @Override
    public String toString() {
        return "timeline '" + name() + "' (context " + context.id() + ")";
    }
}
