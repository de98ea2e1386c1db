package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * The fence state machine shared by plain fences, arrays and chain nodes.
 *
 * <p>One volatile {@code state} word carries everything that must change atomically: {@code null} (pending, no
 * callbacks), a {@link Node} list (pending, callbacks queued, newest first), {@link #BUSY} (a writer is setting the
 * error or signaling: a few instructions, competitors spin) or {@link #SIGNALED}. Signaling is one CAS to BUSY, the
 * timestamp, one release store of SIGNALED, then the callbacks that CAS took — so each callback runs exactly once,
 * and a callback added after the CAS is refused (FENCE-2). Blocking waits ({@link Waits}) are callbacks that unpark
 * their thread.
 */
abstract sealed class BaseFence implements Fence permits FenceImpl, IssuedFence, FenceArrayImpl,
        FenceChainImpl {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j.core.sync");

    /** The state once signaled: final. */
    private static final Object SIGNALED = new Marker("signaled");
    /** The state while a writer sets the error or signals. */
    private static final Object BUSY = new Marker("busy");

    private static final VarHandle STATE;
    private static final VarHandle DEADLINE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(BaseFence.class, "state", Object.class);
            DEADLINE = lookup.findVarHandle(BaseFence.class, "deadline", Long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private record Marker(String name) {
    }

    /** One queued callback. {@code next} is written only before the node is published by a CAS. */
    private static final class Node {
        final FenceCallback callback;
        Node next;

        Node(FenceCallback callback) {
            this.callback = callback;
        }
    }

    private final FenceContextImpl context;
    private final long seqno;

    /** null | Node | BUSY | SIGNALED. */
    private volatile Object state;
    /** Set only while the state is BUSY, before SIGNALED. */
    private volatile Throwable error;
    /** Written while BUSY; published by the release store of SIGNALED. */
    private long timestamp;
    /** The earliest deadline hinted, or null. Rarely written. */
    private volatile Long deadline;

    /** A pending fence. */
    BaseFence(FenceContextImpl context, long seqno) {
        this.context = context;
        this.seqno = seqno;
    }

    /** A fence created signaled, with the given timestamp. */
    BaseFence(FenceContextImpl context, long seqno, long timestampNanos) {
        this.context = context;
        this.seqno = seqno;
        this.timestamp = timestampNanos;
        this.state = SIGNALED;
    }

    // ---- identity -------------------------------------------------------------------------------------------------

    /** The context object, for chain nodes that stay on their predecessor's context. */
    final FenceContextImpl contextImpl() {
        return context;
    }

    @Override
    public final long context() {
        return context.id();
    }

    @Override
    public final long seqno() {
        return seqno;
    }

    @Override
    public final String driverName() {
        return context.driverName();
    }

    @Override
    public final String timelineName() {
        return context.timelineName();
    }

    // ---- state ----------------------------------------------------------------------------------------------------

    /**
     * Called before a pending fence's state is looked at, a callback is added or a wait starts (the kernel's
     * {@code enable_signaling}): a fence that signals only once armed (an array) arms itself here. Must be cheap and
     * idempotent once armed; plain fences have nothing to arm.
     *
     * @see "dma_fence_enable_sw_signaling"
     */
    void enableSignaling() {
        // a leaf is signaled by its issuer: nothing to arm
    }

    @Override
    public final boolean isSignaled() {
        if (state == SIGNALED) {
            return true;
        }
        enableSignaling();
        return state == SIGNALED;
    }

    @Override
    public final FenceStatus status() {
        if (!isSignaled()) {
            return FenceStatus.PENDING;
        }
        return error == null ? FenceStatus.SIGNALED : FenceStatus.ERROR;
    }

    @Override
    public final Optional<Throwable> error() {
        if (state != SIGNALED) {
            enableSignaling();
        }
        return Optional.ofNullable(error);
    }

    @Override
    public final long timestampNanos() {
        if (!isSignaled()) {
            throw new RuleViolationException(Rule.FENCE_8, "timestamp of " + this
                    + " asked before it signaled: a timestamp exists only after signal; await() the fence first");
        }
        return timestamp;
    }

    /**
     * Sets the error before signaling (FENCE-3).
     *
     * @param cause not null
     */
    final void storeError(Throwable cause) {
        if (cause == null) {
            throw new RuleViolationException(Rule.FENCE_3, "error for " + this + " is null: pass the Throwable that "
                    + "describes why the work failed");
        }
        for (int round = 0;; round++) {
            Object s = state;
            if (s == SIGNALED) {
                throw new RuleViolationException(Rule.FENCE_3, "setError on " + this + ", which has already signaled "
                        + "with status " + status() + ": set the error before signal(), or use fail(error)");
            }
            if (s == BUSY) {
                Waits.backOff(round);
            } else if (STATE.compareAndSet(this, s, BUSY)) {
                error = cause;
                STATE.setRelease(this, s);
                return;
            }
        }
    }

    /**
     * Signals once (FENCE-1), optionally with an error set in the same step.
     *
     * @param cause the error to set, or null to keep the current one
     * @return true if this call signaled
     */
    final boolean signalWith(Throwable cause) {
        Object s;
        for (int round = 0;; round++) {
            s = state;
            if (s == SIGNALED) {
                return false;
            }
            if (s == BUSY) {
                Waits.backOff(round);
            } else if (STATE.compareAndSet(this, s, BUSY)) {
                break;
            }
        }
        if (cause != null) {
            error = cause;
        }
        timestamp = System.nanoTime();
        STATE.setRelease(this, SIGNALED);
        if (s != null) {
            runCallbacks((Node) s);
        }
        return true;
    }

    private void runCallbacks(Node newestFirst) {
        SignalingPath.Depth depth = SignalingPath.current();
        depth.value++;
        Throwable fatal = null;
        try {
            if (newestFirst.next == null) {
                fatal = invoke(newestFirst.callback);
            } else {
                // Run in the order added; the list is ours alone now, so a small array is enough.
                int n = 0;
                for (Node node = newestFirst; node != null; node = node.next) {
                    n++;
                }
                FenceCallback[] inOrder = new FenceCallback[n];
                for (Node node = newestFirst; node != null; node = node.next) {
                    inOrder[--n] = node.callback;
                }
                for (FenceCallback callback : inOrder) {
                    Throwable t = invoke(callback);
                    if (fatal == null) {
                        fatal = t;
                    }
                }
            }
        } finally {
            depth.value--;
        }
        if (fatal != null) {
            throw (VirtualMachineError) fatal;
        }
    }

    /** Runs one callback; a failing callback must not stop the others. Returns a VirtualMachineError to rethrow. */
    private Throwable invoke(FenceCallback callback) {
        try {
            callback.onSignaled(this);
            return null;
        } catch (VirtualMachineError fatal) {
            return fatal;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "callback " + callback + " of " + this + " threw; the other callbacks "
                    + "still ran. Fence callbacks must not throw (FENCE-2)", t);
            return null;
        }
    }

    // ---- callbacks ------------------------------------------------------------------------------------------------

    @Override
    public final boolean addCallback(FenceCallback callback) {
        if (callback == null) {
            throw new RuleViolationException(Rule.FENCE_2, "callback for " + this + " is null");
        }
        if (state != SIGNALED) {
            enableSignaling();
        }
        Node node = null;
        for (int round = 0;; round++) {
            Object s = state;
            if (s == SIGNALED) {
                return false;
            }
            if (s == BUSY) {
                Waits.backOff(round);
                continue;
            }
            if (node == null) {
                node = new Node(callback);
            }
            node.next = (Node) s;
            if (STATE.compareAndSet(this, s, node)) {
                return true;
            }
        }
    }

    /**
     * The callbacks queued on this fence now (0 once signaled), for tests of what arming costs a leaf.
     *
     * @return the number of queued callbacks
     */
    final int queuedCallbacks() {
        Object s = state;
        int n = 0;
        if (s instanceof Node head) {
            for (Node node = head; node != null; node = node.next) {
                n++;
            }
        }
        return n;
    }

    @Override
    public final boolean removeCallback(FenceCallback callback) {
        if (callback == null) {
            throw new RuleViolationException(Rule.FENCE_2, "callback to remove from " + this + " is null");
        }
        for (int round = 0;; round++) {
            Object s = state;
            if (s == SIGNALED || s == null) {
                return false;
            }
            if (s == BUSY) {
                Waits.backOff(round);
                continue;
            }
            Node head = (Node) s;
            Node without = without(head, callback);
            if (without == head) {
                return false;
            }
            if (STATE.compareAndSet(this, s, without)) {
                return true;
            }
        }
    }

    /** The list without the first node holding {@code callback}: shares the tail, copies the prefix. */
    private static Node without(Node head, FenceCallback callback) {
        Node target = head;
        while (target != null && target.callback != callback) {
            target = target.next;
        }
        if (target == null) {
            return head;
        }
        Node result = target.next;
        Node[] prefix = collectPrefix(head, target);
        for (int i = prefix.length - 1; i >= 0; i--) {
            Node copy = new Node(prefix[i].callback);
            copy.next = result;
            result = copy;
        }
        return result;
    }

    private static Node[] collectPrefix(Node head, Node target) {
        int n = 0;
        for (Node node = head; node != target; node = node.next) {
            n++;
        }
        Node[] prefix = new Node[n];
        int i = 0;
        for (Node node = head; node != target; node = node.next) {
            prefix[i++] = node;
        }
        return prefix;
    }

    // ---- waits ----------------------------------------------------------------------------------------------------

    @Override
    public final boolean await(Duration timeout) {
        boolean signaled = Waits.awaitOrThrowInterrupt(this, timeout);
        FenceFailedException.throwIfFailed("await(" + timeout + ")", this);
        return signaled;
    }

    @Override
    public final void await() {
        Waits.awaitOrThrowInterrupt(this);
        FenceFailedException.throwIfFailed("await()", this);
    }

    @Override
    public final void awaitUninterruptibly() {
        Waits.awaitUninterruptibly(this);
        FenceFailedException.throwIfFailed("awaitUninterruptibly()", this);
    }

    @Override
    public final FenceStatus awaitStatus(Duration timeout) {
        return Waits.awaitOrThrowInterrupt(this, timeout) ? status() : FenceStatus.PENDING;
    }

    // ---- order ----------------------------------------------------------------------------------------------------

    @Override
    public final boolean isLaterThan(Fence other) {
        return compareOnContext(other, "isLaterThan") > 0;
    }

    @Override
    public final boolean isLaterOrSame(Fence other) {
        return other == this || compareOnContext(other, "isLaterOrSame") >= 0;
    }

    private int compareOnContext(Fence other, String op) {
        if (other == null) {
            throw new RuleViolationException(Rule.FENCE_5, op + " on " + this + " with a null fence");
        }
        if (other.context() != context()) {
            throw new RuleViolationException(Rule.FENCE_5, op + " compares " + this + " with " + describe(other)
                    + ": fences of different contexts are not ordered; compare only fences of one context");
        }
        return Long.compareUnsigned(seqno, other.seqno());
    }

    // ---- deadlines ------------------------------------------------------------------------------------------------

    @Override
    public final void setDeadline(long deadlineNanos) {
        if (state == SIGNALED) {
            return;
        }
        for (;;) {
            Long current = deadline;
            if (current != null && current - deadlineNanos <= 0) {
                return;
            }
            if (DEADLINE.compareAndSet(this, current, Long.valueOf(deadlineNanos))) {
                break;
            }
        }
        forwardDeadline(deadlineNanos);
    }

    /**
     * Passes a deadline hint on to the fences this one depends on; plain fences have none.
     *
     * @param deadlineNanos the hint
     */
    void forwardDeadline(long deadlineNanos) {
        // a leaf has nothing to forward to
    }

    @Override
    public final OptionalLong deadline() {
        Long current = deadline;
        return current == null ? OptionalLong.empty() : OptionalLong.of(current);
    }

    // ---- futures --------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>The future completes on the signaling thread, on its signaling path: stages added with the non-async methods
     * run there too, so they must not block or take reservation locks (FENCE-4); use the {@code ...Async} variants
     * for anything heavier.
     */
    @Override
    public final CompletableFuture<Fence> toCompletableFuture() {
        return Waits.future(this);
    }

    // ---- description ----------------------------------------------------------------------------------------------

    /**
     * A short description of any fence for messages.
     *
     * @param fence a fence, possibly of another implementation
     * @return e.g. {@code fence sw_sync/decode context 7 seqno 3 (PENDING)}
     */
    static String describe(Fence fence) {
        if (fence == null) {
            return "null fence";
        }
        if (fence instanceof BaseFence base) {
            return base.toString();
        }
        return kind(fence) + " " + fence.driverName() + "/" + fence.timelineName() + " context " + fence.context()
                + " seqno " + Long.toUnsignedString(fence.seqno()) + " (" + fence.status() + ")";
    }

    private static String kind(Fence fence) {
        return fence.isContainer() ? "container fence" : "fence";
    }

    @Override
    public String toString() {
        return kind(this) + " " + driverName() + "/" + timelineName() + " context " + context() + " seqno "
                + Long.toUnsignedString(seqno) + " (" + status() + ")";
    }
}
