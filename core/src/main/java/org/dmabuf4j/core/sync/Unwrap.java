package org.dmabuf4j.core.sync;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * Flattening and merging of fences (FENCE-11), as dma-fence-unwrap does.
 *
 * <p>Merge works on primitive arrays: the pending leaves' (context, seqno) pairs are copied into two {@code long[]}
 * once, an {@code int[]} permutation is sorted by them (already sorted input, the usual case of merging merged fences,
 * is detected in one pass and not sorted again), and the last fence of each context run is kept. Nothing is boxed
 * and no comparator calls back into the fences.
 */
final class Unwrap {
    /** Runs up to this length are sorted by insertion; longer ones by merging. */
    private static final int INSERTION_MAX = 24;

    private Unwrap() {
    }

    /** A growable array of fences; the collections framework would cost a list and its copies per call. */
    private static final class Leaves {
        Fence[] fences = new Fence[8];
        int size;

        void add(Fence fence) {
            if (size == fences.length) {
                fences = Arrays.copyOf(fences, size * 2);
            }
            fences[size++] = fence;
        }

        List<Fence> toList() {
            return List.of(size == fences.length ? fences : Arrays.copyOf(fences, size));
        }
    }

    /**
     * The leaf fences of {@code fence}: chains walked from the head (collecting signaled nodes), arrays expanded.
     *
     * @param fence not null
     * @return the leaves, in order (an unmodifiable list)
     */
    static List<Fence> leaves(Fence fence) {
        if (fence == null) {
            throw new RuleViolationException(Rule.FENCE_11, "cannot unwrap a null fence");
        }
        Leaves out = new Leaves();
        collect(fence, out);
        return out.toList();
    }

    private static void collect(Fence fence, Leaves out) {
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
            List<Fence> inner = array.fences();
            for (int i = 0; i < inner.size(); i++) {
                collect(inner.get(i), out);
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
        Leaves all = new Leaves();
        int index = 0;
        for (Fence input : fences) {
            if (input == null) {
                throw new RuleViolationException(Rule.FENCE_11, "fence " + index + " of a merge is null");
            }
            index++;
            collect(input, all);
        }
        int n = all.size;
        Fence[] leaves = all.fences;
        // the pending leaves' keys, made signed-comparable (context and seqno compare unsigned)
        long[] contexts = new long[n];
        long[] seqnos = new long[n];
        int[] order = new int[n];
        int pending = 0;
        long latestTimestamp = 0;
        boolean anySignaled = false;
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            Fence leaf = leaves[i];
            if (leaf.isSignaled()) {
                long ts = leaf.timestampNanos();
                if (!anySignaled || ts - latestTimestamp > 0) {
                    latestTimestamp = ts;
                }
                anySignaled = true;
                continue;
            }
            contexts[pending] = leaf.context() ^ Long.MIN_VALUE;
            seqnos[pending] = leaf.seqno() ^ Long.MIN_VALUE;
            order[pending] = i;
            if (sorted && pending > 0 && compare(contexts, seqnos, pending - 1, pending) > 0) {
                sorted = false;
            }
            pending++;
        }
        if (pending == 0) {
            return FenceImpl.privateStub(anySignaled ? latestTimestamp : System.nanoTime());
        }
        int[] slots = identity(pending);
        if (!sorted) {
            sort(slots, contexts, seqnos);
        }
        // Sorted by context then seqno: the last fence of each context run is the later one.
        Fence[] kept = new Fence[pending];
        int keptCount = 0;
        for (int i = 0; i < pending; i++) {
            int slot = slots[i];
            if (i + 1 < pending && contexts[slots[i + 1]] == contexts[slot]) {
                continue;
            }
            kept[keptCount++] = leaves[order[slot]];
        }
        if (keptCount == 1) {
            return kept[0];
        }
        return FenceArrayImpl.ofLeaves(keptCount == pending ? kept : Arrays.copyOf(kept, keptCount));
    }

    private static int[] identity(int n) {
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = i;
        }
        return slots;
    }

    private static int compare(long[] contexts, long[] seqnos, int a, int b) {
        int byContext = Long.compare(contexts[a], contexts[b]);
        return byContext != 0 ? byContext : Long.compare(seqnos[a], seqnos[b]);
    }

    /** Sorts the slot permutation by (context, seqno): a stable merge sort with insertion-sorted runs. */
    static void sort(int[] slots, long[] contexts, long[] seqnos) {
        int n = slots.length;
        for (int lo = 0; lo < n; lo += INSERTION_MAX) {
            insertionSort(slots, lo, Math.min(lo + INSERTION_MAX, n), contexts, seqnos);
        }
        if (n <= INSERTION_MAX) {
            return;
        }
        int[] from = slots;
        int[] to = new int[n];
        for (int width = INSERTION_MAX; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                for (int k = lo; k < hi; k++) {
                    if (i < mid && (j >= hi || compare(contexts, seqnos, from[i], from[j]) <= 0)) {
                        to[k] = from[i++];
                    } else {
                        to[k] = from[j++];
                    }
                }
            }
            int[] swap = from;
            from = to;
            to = swap;
        }
        if (from != slots) {
            System.arraycopy(from, 0, slots, 0, n);
        }
    }

    private static void insertionSort(int[] slots, int lo, int hi, long[] contexts, long[] seqnos) {
        for (int i = lo + 1; i < hi; i++) {
            int v = slots[i];
            int j = i - 1;
            while (j >= lo && compare(contexts, seqnos, slots[j], v) > 0) {
                slots[j + 1] = slots[j];
                j--;
            }
            slots[j + 1] = v;
        }
    }
}
