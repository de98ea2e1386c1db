package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;

/**
 * A fence context (FENCE-6): a JVM-unique, increasing id and the names its fences report. Also describes the
 * one-off contexts of arrays, chains and timelines, which never call {@link #next()}.
 */
final class FenceContextImpl implements FenceContext {
    private static final VarHandle LAST_SEQNO;

    static {
        try {
            LAST_SEQNO = MethodHandles.lookup().findVarHandle(FenceContextImpl.class, "lastSeqno", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Context 0 is the signaled stub's; real contexts start at 1, as in the kernel. */
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    /** The stub's context. */
    static final FenceContextImpl STUB = new FenceContextImpl(0, "stub", "stub");

    private final long id;
    private final String driverName;
    private final String timelineName;
    /** The last seqno issued; through {@link #LAST_SEQNO} (no AtomicLong per context: every array has a context). */
    @SuppressWarnings("unused") // accessed through LAST_SEQNO
    private volatile long lastSeqno;

    private FenceContextImpl(long id, String driverName, String timelineName) {
        this.id = id;
        this.driverName = driverName;
        this.timelineName = timelineName;
    }

    /**
     * Allocates a new context.
     *
     * @param driverName not blank
     * @param timelineName not blank
     * @return a context with a fresh id
     */
    static FenceContextImpl allocate(String driverName, String timelineName) {
        checkName(driverName, "driver name");
        checkName(timelineName, "timeline name");
        return allocateFramework(driverName, timelineName);
    }

    /**
     * Allocates a context for the framework's own fences (arrays), whose names are constants known to be valid: the
     * per-merge path skips {@link #allocate}'s name checks.
     *
     * @param driverName a non-blank constant
     * @param timelineName a non-blank constant
     * @return a new context
     */
    static FenceContextImpl allocateFramework(String driverName, String timelineName) {
        return new FenceContextImpl(NEXT_ID.getAndIncrement(), driverName, timelineName);
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new RuleViolationException(Rule.FENCE_6, "a fence context needs a non-blank " + what + ", got "
                    + (name == null ? "null" : "'" + name + "'") + ": name the driver and timeline that issue it");
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String driverName() {
        return driverName;
    }

    @Override
    public String timelineName() {
        return timelineName;
    }

    @Override
    public SignalingFence next() {
        return new FenceImpl(this, nextSeqno());
    }

    /** Takes the next seqno, for fences of this context whatever their class. */
    long nextSeqno() {
        return (long) LAST_SEQNO.getAndAdd(this, 1L) + 1;
    }

    @Override
    public long lastSeqno() {
        return lastSeqno;
    }

    @Override
    public String toString() {
        return "fence context " + id + " (" + driverName + "/" + timelineName + ")";
    }
}
