package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A chain node (FENCE-10): signals once its own fence and every earlier node's fence have signaled. It stays on its
 * predecessor's context when its seqno is later, else it starts a new context.
 *
 * <p>Armed at creation: it waits on one unsignaled contained fence at a time, walking backwards; a predecessor node
 * that has already signaled ends the walk, so nodes created in order cost O(1) each when an old fence finally
 * signals. Walks for {@link #findSeqno} and unwrapping unlink nodes whose fence has signaled.
 */
final class FenceChainImpl extends BaseFence implements FenceChain {
    static final String DRIVER = "dma_fence_chain";
    static final String TIMELINE = "unbound";

    private static final VarHandle PREV;

    static {
        try {
            PREV = MethodHandles.lookup().findVarHandle(FenceChainImpl.class, "prev", Fence.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Fence contained;
    /** The seqno of the predecessor this node was created on, if it shares its context; else 0. */
    private final long prevSeqno;
    private volatile Fence prev;

    /** Where the arming walk waits: a chain node (its contained fence) or a plain predecessor. */
    private Fence waitingAt;
    /** The first error met on the walk, own fence first. */
    private Throwable walkError;
    private final FenceCallback rearm = this::rearm;

    private FenceChainImpl(FenceContextImpl context, long seqno, Fence prev, Fence contained, long prevSeqno) {
        super(context, seqno);
        this.prev = prev;
        this.contained = contained;
        this.prevSeqno = prevSeqno;
    }

    /**
     * Creates and arms a node.
     *
     * @param previous a chain node, a plain fence, or null
     * @param fence the contained fence; not null
     * @param seqno the node's seqno
     * @return the node
     */
    static FenceChainImpl create(Fence previous, Fence fence, long seqno) {
        if (fence == null) {
            throw new RuleViolationException(Rule.FENCE_10, "the fence of a new chain node (seqno "
                    + Long.toUnsignedString(seqno) + ") is null: pass the fence the point waits for");
        }
        FenceChainImpl node;
        if (previous instanceof FenceChainImpl prevChain && Long.compareUnsigned(seqno, prevChain.seqno()) > 0) {
            node = new FenceChainImpl(prevChain.contextImpl(), seqno, previous, fence, prevChain.seqno());
        } else {
            long effective = seqno;
            if (previous instanceof FenceChain && Long.compareUnsigned(previous.seqno(), seqno) > 0) {
                effective = previous.seqno();
            }
            node = new FenceChainImpl(FenceContextImpl.allocate(DRIVER, TIMELINE), effective, previous, fence, 0);
        }
        node.advance(node);
        return node;
    }

    // ---- arming ---------------------------------------------------------------------------------------------------

    /** Walks backwards from {@code from} until a fence is pending (then waits on it) or the start is reached. */
    private void advance(Fence from) {
        Fence at = from;
        while (at != null) {
            if (at instanceof FenceChainImpl node) {
                if (node != this && node.isSignaled()) {
                    noteError(node);
                    break;
                }
                Fence inner = node.contained;
                if (!inner.isSignaled()) {
                    waitingAt = node;
                    if (inner.addCallback(rearm)) {
                        return;
                    }
                }
                noteError(inner);
                at = node.prev;
            } else {
                if (!at.isSignaled()) {
                    waitingAt = at;
                    if (at.addCallback(rearm)) {
                        return;
                    }
                }
                noteError(at);
                at = null;
            }
        }
        signalWith(walkError);
    }

    private void rearm(Fence signaled) {
        noteError(signaled);
        Fence at = waitingAt;
        advance(at instanceof FenceChainImpl node ? node.prev : null);
    }

    private void noteError(Fence fence) {
        if (walkError == null) {
            walkError = fence.error().orElse(null);
        }
    }

    // ---- walking --------------------------------------------------------------------------------------------------

    /**
     * This node's predecessor after unlinking every predecessor node whose own fence has signaled.
     *
     * @return the first predecessor still pending, or null
     */
    Fence walkPrevious() {
        while (true) {
            Fence p = prev;
            if (p == null) {
                return null;
            }
            Fence replacement;
            if (p instanceof FenceChainImpl node) {
                if (!node.contained.isSignaled()) {
                    return p;
                }
                replacement = node.prev;
            } else {
                if (!p.isSignaled()) {
                    return p;
                }
                replacement = null;
            }
            PREV.compareAndSet(this, p, replacement);
        }
    }

    @Override
    public Optional<Fence> previous() {
        return Optional.ofNullable(prev);
    }

    @Override
    public Fence contained() {
        return contained;
    }

    @Override
    public Optional<Fence> findSeqno(long seqno) {
        if (seqno == 0) {
            return Optional.of(this);
        }
        if (Long.compareUnsigned(seqno, seqno()) > 0) {
            throw new RuleViolationException(Rule.FENCE_10, "findSeqno(" + Long.toUnsignedString(seqno) + ") on "
                    + this + " asks for a future point: the chain only reaches seqno "
                    + Long.toUnsignedString(seqno()) + "; wait for a later head or add the point first");
        }
        Fence at = this;
        while (at instanceof FenceChainImpl node && node.context() == context()
                && Long.compareUnsigned(node.prevSeqno, seqno) >= 0) {
            at = node.walkPrevious();
        }
        return at == null || at.isSignaled() ? Optional.empty() : Optional.of(at);
    }

    @Override
    void forwardDeadline(long deadlineNanos) {
        Fence at = this;
        while (at instanceof FenceChainImpl node) {
            node.contained.setDeadline(deadlineNanos);
            at = node.prev;
        }
        if (at != null) {
            at.setDeadline(deadlineNanos);
        }
    }
}
