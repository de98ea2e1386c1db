package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A fence over leaf fences (FENCE-9): signals when the last of them has, with the first error any of them signaled
 * with.
 *
 * <p>Its callbacks on the leaves are armed lazily, as the kernel's {@code dma_fence_array} enables signaling: the
 * first time anyone looks at the array's state, adds a callback or waits ({@link BaseFence#enableSignaling()}).
 * A merged array nobody observes therefore costs its leaves nothing, and a long-lived leaf that is merged again and
 * again does not collect a callback per dropped array. Once armed it needs nobody to poll it.
 */
final class FenceArrayImpl extends BaseFence implements FenceArray {
    static final String DRIVER = "dma_fence_array";
    static final String TIMELINE = "unbound";

    private static final VarHandle PENDING;
    private static final VarHandle FIRST_ERROR;
    private static final VarHandle ARMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING = lookup.findVarHandle(FenceArrayImpl.class, "pending", int.class);
            FIRST_ERROR = lookup.findVarHandle(FenceArrayImpl.class, "firstError", Throwable.class);
            ARMED = lookup.findVarHandle(FenceArrayImpl.class, "armed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The leaves: an unmodifiable list. */
    private final List<Fence> fences;
    /** Leaves not yet signaled, once armed (set by the arming thread, before its first callback). */
    private volatile int pending;
    private volatile Throwable firstError;
    private volatile boolean armed;

    private FenceArrayImpl(List<Fence> leaves) {
        super(FenceContextImpl.allocateFramework(DRIVER, TIMELINE), 1);
        this.fences = leaves;
        // pending is set when armed: a volatile store here would cost every merge a full fence
    }

    /**
     * Creates an array.
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
        Fence[] leaves = new Fence[fences.size()];
        for (int i = 0; i < leaves.length; i++) {
            Fence fence = fences.get(i);
            if (fence == null) {
                throw new RuleViolationException(Rule.FENCE_9, "fence " + i + " of a fence array is null");
            }
            leaves[i] = fence;
        }
        return ofLeaves(leaves);
    }

    /**
     * Creates an array of {@code leaves} (copied).
     *
     * @param leaves not empty, no null element
     * @return the array
     * @throws RuleViolationException (FENCE-9) on a container element
     */
    static FenceArrayImpl ofLeaves(Fence[] leaves) {
        for (int i = 0; i < leaves.length; i++) {
            if (leaves[i].isContainer()) {
                throw new RuleViolationException(Rule.FENCE_9, "fence " + i + " of a fence array is a container ("
                        + describe(leaves[i]) + "): arrays hold leaf fences only; unwrap it first (Fences.unwrap)");
            }
        }
        return new FenceArrayImpl(List.of(leaves));
    }

    /**
     * Creates an array of the first {@code count} of {@code leaves} (copied once), known to be leaves: a merge's.
     *
     * @param leaves leaf fences, no null element among the first {@code count}
     * @param count how many, at least 1
     * @return the array
     */
    static FenceArrayImpl ofMergedLeaves(Fence[] leaves, int count) {
        return new FenceArrayImpl(switch (count) {
            case 1 -> List.of(leaves[0]);
            case 2 -> List.of(leaves[0], leaves[1]); // no array at all
            default -> List.of(count == leaves.length ? leaves : Arrays.copyOf(leaves, count)); // List.of copies once
        });
    }

    /**
     * Creates the array of two leaves of distinct contexts, in context order: a merge's of two fences.
     *
     * @param first a leaf, not null
     * @param second a leaf of a greater context, not null
     * @return the array
     */
    static FenceArrayImpl ofTwo(Fence first, Fence second) {
        return new FenceArrayImpl(List.of(first, second));
    }

    @Override
    void enableSignaling() {
        if (armed || !ARMED.compareAndSet(this, false, true)) {
            return;
        }
        PENDING.setVolatile(this, fences.size()); // before any callback can count down
        FenceCallback onComponent = this::componentSignaled; // made once, when armed: unobserved arrays never pay
        for (int i = 0; i < fences.size(); i++) {
            Fence fence = fences.get(i);
            if (!fence.addCallback(onComponent)) {
                componentSignaled(fence);
            }
        }
    }

    private void componentSignaled(Fence fence) {
        Throwable e = fence.error().orElse(null);
        if (e != null) {
            FIRST_ERROR.compareAndSet(this, null, e);
        }
        if ((int) PENDING.getAndAdd(this, -1) == 1) {
            signalWith(firstError);
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
