package org.dmabuf4j.core.sync;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.locks.LockSupport;

import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Fences;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.Timeline;

/**
 * The fence factories and algorithms: contexts (JVM-global, increasing from 1; 0 is the stub's), sw_sync timelines,
 * the signaled stub, arrays, chains, unwrap, merge, wait-for-any and sync files. Stateless and thread-safe.
 */
public final class FencesImpl implements Fences {
    /** Creates the factories. */
    public FencesImpl() {
        // stateless: every context and fence is global to the JVM
    }

    @Override
    public FenceContext newContext(String driverName, String timelineName) {
        return FenceContextImpl.allocate(driverName, timelineName);
    }

    @Override
    public Timeline newTimeline(String name) {
        return new TimelineImpl(name);
    }

    @Override
    public Fence signaled() {
        return FenceImpl.stub();
    }

    @Override
    public FenceArray array(List<? extends Fence> fences) {
        return FenceArrayImpl.of(fences);
    }

    @Override
    public FenceChain chain(Fence previous, Fence fence, long seqno) {
        return FenceChainImpl.create(previous, fence, seqno);
    }

    @Override
    public List<Fence> unwrap(Fence fence) {
        return List.copyOf(Unwrap.leaves(fence));
    }

    @Override
    public Fence merge(Collection<? extends Fence> fences) {
        return Unwrap.merge(fences);
    }

    @Override
    public OptionalInt awaitAny(List<? extends Fence> fences, Duration timeout) {
        OptionalInt done;
        try {
            done = awaitAnySignaled(fences, timeout);
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.FENCE_12, "awaitAny of " + fences.size() + " fences was"
                    + " interrupted; nothing changed and the thread's interrupt status is set again", e);
        }
        if (done.isPresent()) {
            FenceFailedException.throwIfFailed("awaitAny of " + fences.size() + " fences (index " + done.getAsInt()
                    + ")", fences.get(done.getAsInt()));
        }
        return done;
    }

    private OptionalInt awaitAnySignaled(List<? extends Fence> fences, Duration timeout) throws InterruptedException {
        if (fences == null || fences.isEmpty()) {
            throw new RuleViolationException(Rule.FENCE_12, "awaitAny needs at least one fence, got "
                    + (fences == null ? "null" : "an empty list"));
        }
        for (int i = 0; i < fences.size(); i++) {
            if (fences.get(i) == null) {
                throw new RuleViolationException(Rule.FENCE_12, "fence " + i + " given to awaitAny is null");
            }
        }
        long nanos = Waits.nanos(timeout, Rule.FENCE_12, () -> "any of " + fences.size() + " fences");
        OptionalInt done = firstSignaled(fences);
        if (done.isPresent()) {
            return done;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before waiting for any of " + fences.size() + " fences");
        }
        if (nanos == 0) {
            return OptionalInt.empty();
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        int added = 0;
        try {
            for (Fence fence : fences) {
                if (!fence.addCallback(waiter)) {
                    break;
                }
                added++;
            }
            long start = System.nanoTime();
            while (true) {
                done = firstSignaled(fences);
                if (done.isPresent()) {
                    return done;
                }
                long remaining = nanos - (System.nanoTime() - start);
                if (remaining <= 0) {
                    return OptionalInt.empty();
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    done = firstSignaled(fences);
                    if (done.isPresent()) {
                        Thread.currentThread().interrupt();
                        return done;
                    }
                    throw new InterruptedException("interrupted while waiting for any of " + fences.size()
                            + " fences");
                }
            }
        } finally {
            for (int i = 0; i < added; i++) {
                fences.get(i).removeCallback(waiter);
            }
        }
    }

    private static OptionalInt firstSignaled(List<? extends Fence> fences) {
        for (int i = 0; i < fences.size(); i++) {
            if (fences.get(i).isSignaled()) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public SyncFile syncFile(Fence fence, String name) {
        return new SyncFileImpl(fence, name);
    }
}
