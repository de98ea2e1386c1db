package org.dmabuf4j.core.sync;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * Flattening and merging of fences (FENCE-11), as dma-fence-unwrap does.
 *
 * <p>Merge works on primitive arrays. The usual case packs each pending leaf into one {@code long}: its context's
 * distance from the smallest context in the high 32 bits, its position in the low 32 bits; one
 * {@link Arrays#sort(long[])} then orders the leaves by context (ties in input order), already ordered input is
 * detected in one pass and not sorted, and the later seqno of each run of one context is kept. That is the work of
 * sorting and deduplicating the (context, seqno) pairs themselves, the floor issue 15 measures merge against.
 * Contexts more than 2<sup>32</sup> apart fall back to a sort of an index permutation by (context, seqno). Nothing
 * is boxed and no comparator calls back into the fences.
 *
 * <pre>
 *   key = (context - minContext) &lt;&lt; 32 | position      sort keys; in each run of one context keep the later seqno
 * </pre>
 */
final class Unwrap {
    /** Runs up to this length are sorted by insertion; longer ones by merging (the fallback sort). */
    private static final int INSERTION_MAX = 24;
    /** Merges of up to this many fences take the fast path when they are plain leaves in a random-access list. */
    static final int SMALL_MAX = 8;

    private Unwrap() {
    }

    /** A growable array of fences; the collections framework would cost a list and its copies per call. */
    private static final class Leaves {
        Fence[] fences;
        int size;

        Leaves(int capacity) {
            fences = new Fence[Math.max(8, capacity)];
        }

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
        if (fence instanceof FenceArrayImpl array) {
            return array.fences(); // an array holds leaves only (FENCE-9), in an immutable list: nothing to copy
        }
        Leaves out = new Leaves(8);
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
        return merge(fences, false);
    }

    /**
     * Merges, optionally through the fallback sort whatever the contexts (for the test that both paths agree).
     *
     * @param fences not null, no null element
     * @param general whether to use the fallback sort of an index permutation
     * @return as {@link #merge(Collection)}
     */
    static Fence merge(Collection<? extends Fence> fences, boolean general) {
        if (fences == null) {
            throw new RuleViolationException(Rule.FENCE_11, "cannot merge a null collection of fences");
        }
        if (!general && fences.size() <= SMALL_MAX && fences instanceof List<? extends Fence> list
                && list instanceof RandomAccess) {
            Fence merged = mergeSmall(list);
            if (merged != null) {
                return merged;
            }
        }
        Leaves all = new Leaves(fences.size());
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
        // the pending leaves, moved to the front of leaves, and their contexts (made signed-comparable: contexts and
        // seqnos compare unsigned)
        long[] contexts = new long[n];
        int pending = 0;
        long latestTimestamp = 0;
        boolean anySignaled = false;
        boolean sorted = true;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
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
            long c = leaf.context() ^ Long.MIN_VALUE;
            if (pending > 0 && c <= contexts[pending - 1]) {
                sorted = false; // not strictly increasing: a sort is needed, or duplicates must be dropped
            }
            contexts[pending] = c;
            leaves[pending] = leaf;
            min = Math.min(min, c);
            max = Math.max(max, c);
            pending++;
        }
        if (pending == 0) {
            return FenceImpl.privateStub(anySignaled ? latestTimestamp : System.nanoTime());
        }
        if (pending == 1) {
            return leaves[0];
        }
        if (sorted) {
            // strictly increasing contexts: every leaf is the only one of its context
            return FenceArrayImpl.ofMergedLeaves(leaves, pending);
        }
        Fence[] kept = !general && max - min >= 0 && max - min < 1L << 32
                ? mergePacked(leaves, contexts, pending, min) : mergeGeneral(leaves, contexts, pending);
        return kept.length == 1 ? kept[0] : FenceArrayImpl.ofMergedLeaves(kept, kept.length);
    }

    /**
     * The fast path of a merge of a few plain leaves (the usual merge of two sync files): no growable array, no
     * packing or sort machinery; two pending fences are compared directly, more are insertion-sorted by context (a
     * primitive copy of the contexts, so no call per comparison) over at most {@value #SMALL_MAX} leaves, keeping the
     * later seqno of a context (the later position on a tie), as the general path does.
     *
     * @param list a random-access list of at most {@value #SMALL_MAX} fences
     * @return the merge, or null if an element is a container (chain or array): the general path unwraps those
     * @throws RuleViolationException (FENCE-11) on a null element
     */
    private static Fence mergeSmall(List<? extends Fence> list) {
        int n = list.size();
        for (int i = 0; i < n; i++) { // every argument checked before any fence is asked its state
            Fence leaf = list.get(i);
            if (leaf == null) {
                throw new RuleViolationException(Rule.FENCE_11, "fence " + i + " of a merge is null");
            }
            if (leaf instanceof FenceArray || leaf instanceof FenceChain) { // as collect() tells them apart
                return null;
            }
        }
        if (n == 2) {
            Fence a = list.get(0);
            Fence b = list.get(1);
            if (!a.isSignaled() && !b.isSignaled()) { // the usual merge of two sync files: no array to sort in
                long ca = a.context();
                long cb = b.context();
                if (ca == cb) {
                    return Long.compareUnsigned(b.seqno(), a.seqno()) >= 0 ? b : a;
                }
                return Long.compareUnsigned(ca, cb) < 0 ? FenceArrayImpl.ofTwo(a, b) : FenceArrayImpl.ofTwo(b, a);
            }
        }
        Fence[] kept = new Fence[Math.max(n, 1)];
        long[] keptContexts = new long[kept.length]; // signed-comparable (context ^ MIN_VALUE): no call per comparison
        int count = 0;
        long latestTimestamp = 0;
        boolean anySignaled = false;
        for (int i = 0; i < n; i++) {
            Fence leaf = list.get(i);
            if (leaf.isSignaled()) {
                long ts = leaf.timestampNanos();
                if (!anySignaled || ts - latestTimestamp > 0) {
                    latestTimestamp = ts;
                }
                anySignaled = true;
                continue;
            }
            long c = leaf.context() ^ Long.MIN_VALUE;
            int same = indexOf(keptContexts, count, c);
            if (same >= 0) {
                // the same context keeps the later seqno (the later position on a tie)
                if (Long.compareUnsigned(leaf.seqno(), kept[same].seqno()) >= 0) {
                    kept[same] = leaf;
                }
                continue;
            }
            // a new context: insert by unsigned context
            int j = count - 1;
            while (j >= 0 && keptContexts[j] > c) {
                kept[j + 1] = kept[j];
                keptContexts[j + 1] = keptContexts[j];
                j--;
            }
            kept[j + 1] = leaf;
            keptContexts[j + 1] = c;
            count++;
        }
        if (count == 0) {
            return FenceImpl.privateStub(anySignaled ? latestTimestamp : System.nanoTime());
        }
        if (count == 1) {
            return kept[0];
        }
        return FenceArrayImpl.ofMergedLeaves(kept, count);
    }

    private static int indexOf(long[] values, int n, long value) {
        for (int i = 0; i < n; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The later fence of each context, ordered by context: one primitive sort of packed keys, made in place of the
     * contexts (no second array).
     */
    private static Fence[] mergePacked(Fence[] leaves, long[] contexts, int n, long min) {
        long[] keys = contexts;
        for (int i = 0; i < n; i++) {
            keys[i] = (contexts[i] - min) << 32 | i;
        }
        Arrays.sort(keys, 0, n);
        int keptCount = 0;
        for (int i = 0; i < n; i++) {
            int best = (int) keys[i];
            long context = keys[i] >>> 32;
            while (i + 1 < n && keys[i + 1] >>> 32 == context) {
                i++;
                int other = (int) keys[i];
                // same context: the later seqno wins, the later position on a tie (as a stable sort keeps it last)
                if (Long.compareUnsigned(leaves[other].seqno(), leaves[best].seqno()) >= 0) {
                    best = other;
                }
            }
            keys[keptCount++] = best; // keys[0 .. keptCount) are no longer read as keys
        }
        Fence[] kept = new Fence[keptCount];
        for (int i = 0; i < keptCount; i++) {
            kept[i] = leaves[(int) keys[i]];
        }
        return kept;
    }

    /** The fallback for contexts far apart: sort a permutation by (context, seqno); keep the last of each context. */
    private static Fence[] mergeGeneral(Fence[] leaves, long[] contexts, int n) {
        long[] seqnos = new long[n];
        for (int i = 0; i < n; i++) {
            seqnos[i] = leaves[i].seqno() ^ Long.MIN_VALUE;
        }
        int[] slots = identity(n);
        sort(slots, contexts, seqnos);
        Fence[] kept = new Fence[n];
        int keptCount = 0;
        for (int i = 0; i < n; i++) {
            int slot = slots[i];
            if (i + 1 < n && contexts[slots[i + 1]] == contexts[slot]) {
                continue;
            }
            kept[keptCount++] = leaves[slot];
        }
        return keptCount == n ? kept : Arrays.copyOf(kept, keptCount);
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
