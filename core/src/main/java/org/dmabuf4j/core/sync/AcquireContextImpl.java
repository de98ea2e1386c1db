package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.debug.LeakSink;
import org.dmabuf4j.core.debug.Leaks;

/**
 * A wait-die ticket (RESV-5) and the reservations locked under it. Confined to the thread that created it (RESV-13):
 * only {@link #ticket()} and {@link #heldCount()} may be read from other threads.
 */
public final class AcquireContextImpl implements AcquireContext {
    /** Smaller is older; tickets increase across the JVM. */
    private static final AtomicLong TICKETS = new AtomicLong(1);

    private final long ticket;
    private final Thread owner;
    /** Reservations held under this context, in locking order. Owner thread only. */
    private final List<ReservationImpl> held = new ArrayList<>(4);
    /**
     * {@code held.size()} for other threads (messages): written with release semantics, not as a volatile, since
     * every lock and unlock writes it and a volatile store costs a fence each time (issue 15's lockAll).
     */
    private int heldCount;
    private static final VarHandle HELD_COUNT;

    static {
        try {
            HELD_COUNT = MethodHandles.lookup().findVarHandle(AcquireContextImpl.class, "heldCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private boolean done;
    private volatile boolean closed;
    /** With leak detection: the cleaner's action for a context dropped without close (SAFE-6); else null. */
    private final Leak leak;
    private final Cleaner.Cleanable cleanable;

    private AcquireContextImpl(LeakSink sink) {
        this.ticket = TICKETS.getAndIncrement();
        this.owner = Thread.currentThread();
        if (sink != null && sink.leakDetection()) {
            this.leak = new Leak(sink, ticket, owner.getName(), Leaks.site("acquire context #" + ticket));
            this.cleanable = Leaks.register(this, leak);
        } else {
            this.leak = null;
            this.cleanable = null;
        }
    }

    /**
     * The cleaner's action: a context dropped without close. A context that holds a lock is reachable from that
     * lock, so one found here holds none; it is reported with where it was created. Never refers to the context.
     */
    private static final class Leak implements Runnable {
        private final LeakSink sink;
        private final long ticket;
        private final String thread;
        private final Throwable site;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Leak(LeakSink sink, long ticket, String thread, Throwable site) {
            this.sink = sink;
            this.ticket = ticket;
            this.thread = thread;
            this.site = site;
        }

        @Override
        public void run() {
            if (open.compareAndSet(true, false)) {
                sink.leaked(Leaks.report("acquire context #" + ticket + " of thread '" + thread + "'",
                        "it held no lock any more and is closed now (RESV-13: close every context)", site));
            }
        }
    }

    /**
     * A new context, owned by the calling thread, for the framework's own use (lockAll): not watched for leaks.
     *
     * @return the context
     * @see "ww_acquire_init"
     */
    public static AcquireContext create() {
        return new AcquireContextImpl(null);
    }

    /**
     * A new context for a user, owned by the calling thread: with leak detection on, one dropped without close is
     * reported with where it was created (SAFE-6).
     *
     * @param sink the system
     * @return the context
     * @see "ww_acquire_init"
     */
    public static AcquireContext create(LeakSink sink) {
        return new AcquireContextImpl(sink);
    }

    @Override
    public long ticket() {
        return ticket;
    }

    @Override
    public int heldCount() {
        return (int) HELD_COUNT.getAcquire(this);
    }

    @Override
    public void done() {
        checkThread("done()");
        if (closed) {
            throw new RuleViolationException(Rule.RESV_13, "done() on " + this + ", which is closed");
        }
        done = true;
    }

    @Override
    public void unlockAll() {
        checkThread("unlockAll()");
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).unlock();
        }
    }

    @Override
    public void close() {
        checkThread("close()");
        if (closed) {
            return;
        }
        if (!held.isEmpty()) {
            throw new RuleViolationException(Rule.RESV_13, "close() of " + this + " while it still holds "
                    + describeHeld() + ": call unlockAll() (or unlock each) first; the locks stay held");
        }
        closed = true;
        if (leak != null && leak.open.compareAndSet(true, false)) {
            cleanable.clean();
        }
    }

    /**
     * Whether {@link #close()} has completed.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    // ---- used by ReservationImpl (owner thread) -------------------------------------------------------------------

    /** Refuses a new lock under a context of another thread, after done() or after close() (RESV-13). */
    void checkCanLock(ReservationImpl target, String op) {
        if (Thread.currentThread() != owner) {
            checkThread(op + " of " + target); // throws; the message is built only here: locking is a hot path
        }
        if (closed) {
            throw new RuleViolationException(Rule.RESV_13, op + " of " + target + " under " + this
                    + ", which is closed: create a new acquire context");
        }
        if (done) {
            throw new RuleViolationException(Rule.RESV_13, op + " of " + target + " under " + this
                    + " after done(): take every lock before done(), or use a new context");
        }
    }

    boolean holdsAny() {
        return !held.isEmpty();
    }

    void added(ReservationImpl reservation) {
        held.add(reservation);
        HELD_COUNT.setRelease(this, held.size());
    }

    void removed(ReservationImpl reservation) {
        for (int i = held.size() - 1; i >= 0; i--) {
            if (held.get(i) == reservation) {
                held.remove(i);
                break;
            }
        }
        HELD_COUNT.setRelease(this, held.size());
    }

    private void checkThread(String op) {
        Thread current = Thread.currentThread();
        if (current != owner) {
            throw new RuleViolationException(Rule.RESV_13, op + " on " + this + " from thread '" + current.getName()
                    + "': an acquire context belongs to the thread that created it ('" + owner.getName()
                    + "'); create one per thread");
        }
    }

    private String describeHeld() {
        StringBuilder sb = new StringBuilder().append(held.size()).append(held.size() == 1 ? " lock" : " locks");
        for (int i = 0; i < held.size() && i < 4; i++) {
            sb.append(i == 0 ? " (" : ", ").append(held.get(i));
        }
        if (held.size() > 4) {
            sb.append(", ...");
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return "acquire context #" + ticket;
    }
}
