package org.dmabuf4j.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A chain node (FENCE-10): signals once its own fence and every earlier node's fence have signaled. It stays on its
 * predecessor's context when its seqno is later, else it starts a new context.
 *
 * <p>Armed at creation with two callbacks: on its own fence and on its predecessor. Walks for {@link #findSeqno} and
 * unwrapping unlink predecessor nodes whose own fence has signaled, as the kernel's chain walk does.
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

    /** Dependencies not yet signaled: the contained fence, and the predecessor if any. */
    private final AtomicInteger remaining;
    /** The first error among the dependencies, in the order they signaled (SYNCOBJ-9). */
    private final java.util.concurrent.atomic.AtomicReference<Throwable> firstError =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final FenceCallback onContained = f -> Trampoline.run(this, f, true);
    private final FenceCallback onPrevious = f -> Trampoline.run(this, f, false);

    private FenceChainImpl(FenceContextImpl context, long seqno, Fence prev, Fence contained, long prevSeqno) {
        super(context, seqno);
        this.prev = prev;
        this.contained = contained;
        this.prevSeqno = prevSeqno;
        this.remaining = new AtomicInteger(prev == null ? 1 : 2);
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
        node.arm();
        return node;
    }

    // ---- arming ---------------------------------------------------------------------------------------------------

    /*
     * A node waits for its own fence and for its predecessor as a whole: a predecessor node signals only once every
     * earlier fence has, so each node costs two callbacks whatever order the fences signal in.
     */
    private void arm() {
        if (!contained.addCallback(onContained)) {
            dependencySignaled(contained, true);
        }
        Fence p = prev;
        if (p != null && !p.addCallback(onPrevious)) {
            dependencySignaled(p, false);
        }
    }

    private void dependencySignaled(Fence fence, boolean own) {
        fence.error().ifPresent(e -> firstError.compareAndSet(null, e));
        if (remaining.decrementAndGet() == 0) {
            signalWith(firstError.get());
        }
    }

    /**
     * Runs chain propagation iteratively: a node that signals from inside another node's propagation on the same
     * thread queues its successors instead of recursing, so a long chain completing at once cannot overflow the
     * stack. The outermost propagation drains the queue before its signal call returns.
     */
    private static final class Trampoline {
        private record Step(FenceChainImpl node, Fence fence, boolean own) {
        }

        private static final ThreadLocal<Trampoline> CURRENT = ThreadLocal.withInitial(Trampoline::new);

        private final ArrayDeque<Step> queue = new ArrayDeque<>();

        /**
         * One propagation step; what a callback of the node rethrows (an Error, after all its callbacks ran) is kept
         * for after the queue is drained (SAFE-5), so that the next nodes still signal.
         */
        private static Throwable step(FenceChainImpl node, Fence fence, boolean own, Throwable fatal) {
            try {
                node.dependencySignaled(fence, own);
            } catch (RuntimeException | Error e) {
                if (fatal == null) {
                    return e;
                }
                fatal.addSuppressed(e);
            }
            return fatal;
        }
        private boolean running;

        static void run(FenceChainImpl node, Fence fence, boolean own) {
            Trampoline t = CURRENT.get();
            if (t.running) {
                t.queue.add(new Step(node, fence, own));
                return;
            }
            t.running = true;
            Throwable fatal = null;
            try {
                fatal = step(node, fence, own, null);
                Step step;
                while ((step = t.queue.poll()) != null) {
                    fatal = step(step.node(), step.fence(), step.own(), fatal);
                }
            } finally {
                t.running = false;
                t.queue.clear();
            }
            if (fatal instanceof Error e) {
                throw e;
            }
            if (fatal instanceof RuntimeException e) {
                throw e;
            }
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
