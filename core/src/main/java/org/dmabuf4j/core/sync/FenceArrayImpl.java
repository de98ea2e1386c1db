package org.dmabuf4j.core.sync;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A fence over leaf fences (FENCE-9): signals when the last of them has, with the first error any of them signaled
 * with. Its callbacks are armed at creation, so it needs nobody to poll it.
 */
final class FenceArrayImpl extends BaseFence implements FenceArray {
    static final String DRIVER = "dma_fence_array";
    static final String TIMELINE = "unbound";

    private final List<Fence> fences;
    private final AtomicInteger pending;
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final FenceCallback onComponent = this::componentSignaled;

    private FenceArrayImpl(List<Fence> fences) {
        super(FenceContextImpl.allocate(DRIVER, TIMELINE), 1);
        this.fences = fences;
        this.pending = new AtomicInteger(fences.size());
    }

    /**
     * Creates and arms an array.
     *
     * @param fences leaf fences; not null, not empty
     * @return the array
     * @throws RuleViolationException (FENCE-9) on an empty list, a null element or a container element
     */
    static FenceArrayImpl of(List<? extends Fence> fences) {
        if (fences == null || fences.isEmpty()) {
            throw new RuleViolationException(Rule.FENCE_9, "a fence array needs at least one fence, got "
                    + (fences == null ? "null" : "an empty list")
                    + ": use Fences.signaled() for \"nothing to wait for\"");
        }
        for (int i = 0; i < fences.size(); i++) {
            Fence fence = fences.get(i);
            if (fence == null) {
                throw new RuleViolationException(Rule.FENCE_9, "fence " + i + " of a fence array is null");
            }
            if (fence.isContainer()) {
                throw new RuleViolationException(Rule.FENCE_9, "fence " + i + " of a fence array is a container ("
                        + describe(fence) + "): arrays hold leaf fences only; unwrap it first (Fences.unwrap)");
            }
        }
        FenceArrayImpl array = new FenceArrayImpl(List.copyOf(fences));
        for (Fence fence : array.fences) {
            if (!fence.addCallback(array.onComponent)) {
                array.componentSignaled(fence);
            }
        }
        return array;
    }

    private void componentSignaled(Fence fence) {
        fence.error().ifPresent(e -> firstError.compareAndSet(null, e));
        if (pending.decrementAndGet() == 0) {
            signalWith(firstError.get());
        }
    }

    @Override
    public List<Fence> fences() {
        return fences;
    }

    @Override
    void forwardDeadline(long deadlineNanos) {
        for (Fence fence : fences) {
            fence.setDeadline(deadlineNanos);
        }
    }
}
