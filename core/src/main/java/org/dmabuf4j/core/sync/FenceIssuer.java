package org.dmabuf4j.core.sync;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A fence context whose fences only its holder can complete, as an engine's job fences are: {@link #next()} hands out
 * plain {@link Fence}s, not {@link org.dmabuf4j.api.SignalingFence}s, so a caller that receives one can wait for it,
 * add it to reservations and merge it, but cannot cast it and signal early. The fence is the issuer's own object (no
 * view), so it costs what a signaling fence costs and stays identical to the one added to reservations.
 */
public final class FenceIssuer {
    private final FenceContextImpl context;

    private FenceIssuer(FenceContextImpl context) {
        this.context = context;
    }

    /**
     * Allocates a new context (FENCE-6).
     *
     * @param driverName not blank
     * @param timelineName not blank
     * @return the issuer of the context's fences
     */
    public static FenceIssuer allocate(String driverName, String timelineName) {
        return new FenceIssuer(FenceContextImpl.allocate(driverName, timelineName));
    }

    /**
     * The context's id.
     *
     * @return the id
     */
    public long id() {
        return context.id();
    }

    /**
     * A new pending fence with the next seqno (FENCE-6).
     *
     * @return the fence; only this issuer completes it
     */
    public Fence next() {
        return new IssuedFence(context, context.nextSeqno());
    }

    /**
     * Signals a fence of this issuer (FENCE-1).
     *
     * @param fence a fence {@link #next()} returned
     * @return true if this call signaled it, false if it had signaled already
     */
    public boolean signal(Fence fence) {
        return own(fence).signalWith(null);
    }

    /**
     * Sets the error of a fence of this issuer and signals it (FENCE-1, FENCE-3).
     *
     * @param fence a fence {@link #next()} returned
     * @param error why the work failed; not null
     * @return true if this call signaled it, false if it had signaled already (the error is then not set)
     */
    public boolean fail(Fence fence, Throwable error) {
        IssuedFence f = own(fence);
        if (error == null) {
            f.storeError(null); // throws the FENCE-3 null message
        }
        return f.signalWith(error);
    }

    private IssuedFence own(Fence fence) {
        if (fence instanceof IssuedFence f && f.contextImpl() == context) {
            return f;
        }
        throw new RuleViolationException(Rule.FENCE_6, "completing " + BaseFence.describe(fence) + " through the"
                + " issuer of " + context + ": an issuer completes only the fences it issued");
    }

    @Override
    public String toString() {
        return "issuer of " + context;
    }
}
