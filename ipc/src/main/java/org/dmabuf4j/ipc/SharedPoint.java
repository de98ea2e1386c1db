package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;

/**
 * A point of a {@link SharedTimeline} as a {@link Fence} of this process: a leaf on the timeline's fence context
 * whose seqno is the point. Its state is an ordinary fence of the system (the inner fence), signaled by the timeline
 * when the shared value reaches the point; callbacks and futures see this point, not the inner fence.
 *
 * <p>{@link #await(Duration)} does not wait for the watcher thread: it sleeps on the shared futex itself (one wake-up
 * from the signaling process, not two), then brings the timeline's points up to date and answers from the inner
 * fence.
 */
final class SharedPoint implements Fence {
    private final SharedTimeline timeline;
    private final SignalingFence inner;
    private final long seqno;
    private final ConcurrentHashMap<FenceCallback, FenceCallback> wrapped = new ConcurrentHashMap<>();

    SharedPoint(SharedTimeline timeline, SignalingFence inner, long seqno) {
        this.timeline = timeline;
        this.inner = inner;
        this.seqno = seqno;
    }

    SignalingFence inner() {
        return inner;
    }

    @Override
    public long context() {
        return inner.context();
    }

    @Override
    public long seqno() {
        return seqno;
    }

    @Override
    public String driverName() {
        return "dmabuf4j-ipc";
    }

    @Override
    public String timelineName() {
        return timeline.name();
    }

    @Override
    public FenceStatus status() {
        return inner.status();
    }

    @Override
    public boolean isSignaled() {
        return inner.isSignaled();
    }

    @Override
    public Optional<Throwable> error() {
        return inner.error();
    }

    @Override
    public long timestampNanos() {
        return inner.timestampNanos();
    }

    @Override
    public boolean addCallback(FenceCallback callback) {
        if (callback == null) {
            throw new RuleViolationException(Rule.FENCE_2, "addCallback(null) on " + this);
        }
        FenceCallback w = f -> {
            wrapped.remove(callback);
            callback.onSignaled(this);
        };
        if (wrapped.putIfAbsent(callback, w) != null) {
            return true;
        }
        if (!inner.isSignaled()) {
            timeline.needWatcher();
        }
        boolean queued = inner.addCallback(w);
        if (!queued) {
            wrapped.remove(callback);
        }
        return queued;
    }

    @Override
    public boolean removeCallback(FenceCallback callback) {
        if (callback == null) {
            throw new RuleViolationException(Rule.FENCE_2, "removeCallback(null) on " + this);
        }
        FenceCallback w = wrapped.remove(callback);
        return w != null && inner.removeCallback(w);
    }

    @Override
    public boolean await(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.FENCE_12, "await(" + timeout + ") on " + this
                    + ": pass a timeout of zero or more");
        }
        if (!inner.isSignaled() && !timeout.isZero()) {
            long deadline = System.nanoTime() + saturatedNanos(timeout);
            if (timeline.goneReason() == null && !timeline.isClosed()) {
                try {
                    timeline.awaitValue(seqno, saturatedNanos(timeout));
                } catch (org.dmabuf4j.api.ClosedException closedMeanwhile) {
                    // the timeline failed its points as it closed: the inner fence says how
                }
                timeline.resolve();
            }
            if (!inner.isSignaled()) {
                // the creator is gone or the timeline closed: its points are being failed under its lock
                try {
                    inner.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                } catch (FenceFailedException failed) {
                    // reported below, naming this point
                }
            }
        }
        if (!inner.isSignaled()) {
            return false;
        }
        if (inner.error().isPresent()) {
            throw new FenceFailedException("await(" + timeout + ")", this);
        }
        return true;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    @Override
    public void await() {
        while (!await(Duration.ofDays(365))) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            inner.awaitUninterruptibly();
        } catch (FenceFailedException e) {
            throw new FenceFailedException("awaitUninterruptibly()", this);
        }
    }

    @Override
    public boolean isLaterThan(Fence other) {
        return Long.compareUnsigned(seqno, sameContext(other, "isLaterThan").seqno()) > 0;
    }

    @Override
    public boolean isLaterOrSame(Fence other) {
        return Long.compareUnsigned(seqno, sameContext(other, "isLaterOrSame").seqno()) >= 0;
    }

    private Fence sameContext(Fence other, String op) {
        if (other == null || other.context() != context()) {
            throw new RuleViolationException(Rule.FENCE_5, op + " of " + this + " with " + other
                    + ": only fences of one context are ordered");
        }
        return other;
    }

    @Override
    public void setDeadline(long deadlineNanos) {
        inner.setDeadline(deadlineNanos);
    }

    @Override
    public OptionalLong deadline() {
        return inner.deadline();
    }

    @Override
    public CompletableFuture<Fence> toCompletableFuture() {
        CompletableFuture<Fence> future = new CompletableFuture<>();
        FenceCallback completer = f -> complete(future);
        if (!addCallback(completer)) {
            complete(future);
        } else {
            future.whenComplete((v, e) -> {
                if (future.isCancelled()) {
                    removeCallback(completer);
                }
            });
        }
        return future;
    }

    private void complete(CompletableFuture<Fence> future) {
        inner.error().ifPresentOrElse(future::completeExceptionally, () -> future.complete(this));
    }

    @Override
    public String toString() {
        return "fence dmabuf4j-ipc/" + timeline.name() + " context " + context() + " seqno "
                + Long.toUnsignedString(seqno) + " (" + status() + ")";
    }
}
