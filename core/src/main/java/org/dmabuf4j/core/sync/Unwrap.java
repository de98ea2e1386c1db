package org.dmabuf4j.core.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/** Flattening and merging of fences (FENCE-11), as dma-fence-unwrap does. */
final class Unwrap {
    private Unwrap() {
    }

    /**
     * The leaf fences of {@code fence}: chains walked from the head (collecting signaled nodes), arrays expanded.
     *
     * @param fence not null
     * @return the leaves, in order
     */
    static List<Fence> leaves(Fence fence) {
        if (fence == null) {
            throw new RuleViolationException(Rule.FENCE_11, "cannot unwrap a null fence");
        }
        List<Fence> out = new ArrayList<>();
        collect(fence, out);
        return out;
    }

    private static void collect(Fence fence, List<Fence> out) {
        if (fence instanceof FenceChainImpl head) {
            Fence at = head;
            while (at instanceof FenceChainImpl node) {
                collect(node.contained(), out);
                at = node.walkPrevious();
            }
            if (at != null) {
                collect(at, out);
            }
        } else if (fence instanceof FenceChain chain) {
            collect(chain.contained(), out);
            chain.previous().ifPresent(p -> collect(p, out));
        } else if (fence instanceof FenceArray array) {
            for (Fence f : array.fences()) {
                collect(f, out);
            }
        } else {
            out.add(fence);
        }
    }

    /**
     * Merges (FENCE-11): unwraps, drops signaled fences, keeps the later fence per context, sorts by context.
     *
     * @param fences not null, no null element
     * @return a new signaled stub (latest timestamp), the single pending fence, or a new array
     */
    static Fence merge(Collection<? extends Fence> fences) {
        if (fences == null) {
            throw new RuleViolationException(Rule.FENCE_11, "cannot merge a null collection of fences");
        }
        List<Fence> pending = new ArrayList<>();
        long latestTimestamp = 0;
        boolean anySignaled = false;
        int index = 0;
        for (Fence input : fences) {
            if (input == null) {
                throw new RuleViolationException(Rule.FENCE_11, "fence " + index + " of a merge is null");
            }
            index++;
            for (Fence leaf : leaves(input)) {
                if (leaf.isSignaled()) {
                    long ts = leaf.timestampNanos();
                    if (!anySignaled || ts - latestTimestamp > 0) {
                        latestTimestamp = ts;
                    }
                    anySignaled = true;
                } else {
                    pending.add(leaf);
                }
            }
        }
        pending.sort((a, b) -> {
            int byContext = Long.compareUnsigned(a.context(), b.context());
            return byContext != 0 ? byContext : Long.compareUnsigned(a.seqno(), b.seqno());
        });
        // Sorted by context then seqno: the last fence of each context run is the later one.
        List<Fence> kept = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            Fence f = pending.get(i);
            if (i + 1 < pending.size() && pending.get(i + 1).context() == f.context()) {
                continue;
            }
            kept.add(f);
        }
        if (kept.isEmpty()) {
            return FenceImpl.privateStub(anySignaled ? latestTimestamp : System.nanoTime());
        }
        if (kept.size() == 1) {
            return kept.getFirst();
        }
        return FenceArrayImpl.of(kept);
    }
}
