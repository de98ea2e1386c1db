package org.dmabuf4j.core.device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import org.dmabuf4j.api.DmaConstraints;

/**
 * A device's IOMMU: its own DMA address space and the translations installed in it.
 *
 * <p>Each device gets a window of addresses no other device uses (as far as the address width allows), so an address
 * of one device faults on another (DEV-1, DEV-2): 64-bit devices live in the upper half of the address space, where
 * no user-space native address is; narrower devices get one of 15 slices of their space (never address 0). Addresses
 * are handed out by a bump pointer and reused only after the window wraps, so a stale address keeps faulting for as
 * long as possible instead of silently reaching a newer mapping.
 *
 * <p>DMA holds the read lock for the duration of its copy; map and unmap take the write lock, so an unmap waits for
 * in-flight DMA through its translations before the memory can be reused (an IOTLB flush).
 */
final class Iommu {
    private static final long PAGE = DmaConstraints.PAGE_SIZE;
    private static final int SLICES = 15;
    private static final int RECENT_UNMAPS = 64;

    final StampedLock lock = new StampedLock();
    /**
     * Translations by start address, in a treap linked through the translations (a random priority per node keeps it
     * balanced whatever the order of addresses, and the bump pointer hands them out in increasing order); keys of one
     * device are all of one sign, so signed order is address order. Guarded by {@link #lock}.
     */
    private Translation root;
    private int size;
    /** The xorshift state for priorities; guarded by the write lock. */
    private int seed = 0x2545F491;
    private final ArrayDeque<Unmapped> recentUnmaps = new ArrayDeque<>();
    private final long base;
    private final long limit;
    private long next;

    Iommu(int deviceIndex, DmaConstraints constraints) {
        int bits = constraints.addressBits();
        if (bits == 64) {
            base = Long.MIN_VALUE + ((long) deviceIndex << 40);
            limit = base + (1L << 40) - 1;
        } else if (bits >= 20) {
            long slice = 1L << (bits - 4);
            base = (1 + (deviceIndex - 1) % SLICES) * slice;
            limit = base + slice - 1;
        } else {
            base = PAGE;
            limit = (1L << bits) - 1;
        }
        next = base;
    }

    long base() {
        return base;
    }

    long limit() {
        return limit;
    }

    /** Allocates and installs; caller holds the write lock. Returns -1 if the space has no room. */
    long allocate(long length, long boundary, long avoidStart, long avoidEnd) {
        long at = fitFrom(next, length, boundary, avoidStart, avoidEnd, limit);
        if (at == -1 && next != base) {
            at = fitFrom(base, length, boundary, avoidStart, avoidEnd, limit);
        }
        if (at != -1) {
            next = at + length;
        }
        return at;
    }

    /**
     * First address at or after {@code from} where {@code length} bytes fit without overlapping a translation,
     * crossing a {@code boundary} or overlapping the native range to avoid (DEV-2). -1 (as "none") is never a
     * valid start: every start is page aligned.
     */
    private long fitFrom(long from, long length, long boundary, long avoidStart, long avoidEnd, long last) {
        long c = from;
        while (true) {
            c = alignUp(c, PAGE);
            if (boundary != 0 && ((c & -boundary) != ((c + length - 1) & -boundary))) {
                c = (c & -boundary) + boundary;
            }
            if (c < base || c - 1 + length > last || c + length - 1 < c) {
                return -1;
            }
            if (c < avoidEnd && avoidStart < c + length) {
                c = avoidEnd;
                continue;
            }
            Translation before = floor(c + length - 1);
            if (before != null && before.end() > c) {
                c = before.end();
                continue;
            }
            return c;
        }
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** Caller holds the write lock. */
    void install(Translation t) {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        t.priority = x;
        t.left = null;
        t.right = null;
        root = insert(root, t);
        size++;
    }

    private static Translation insert(Translation node, Translation t) {
        if (node == null) {
            return t;
        }
        if (t.iova < node.iova) {
            node.left = insert(node.left, t);
            if (node.left.priority > node.priority) {
                Translation l = node.left;
                node.left = l.right;
                l.right = node;
                return l;
            }
        } else {
            node.right = insert(node.right, t);
            if (node.right.priority > node.priority) {
                Translation r = node.right;
                node.right = r.left;
                r.left = node;
                return r;
            }
        }
        return node;
    }

    private static Translation delete(Translation node, long iova) {
        if (node == null) {
            return null;
        }
        if (iova < node.iova) {
            node.left = delete(node.left, iova);
            return node;
        }
        if (iova > node.iova) {
            node.right = delete(node.right, iova);
            return node;
        }
        return join(node.left, node.right);
    }

    /** Joins two treaps, every key of {@code a} below every key of {@code b}. */
    private static Translation join(Translation a, Translation b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.priority > b.priority) {
            a.right = join(a.right, b);
            return a;
        }
        b.left = join(a, b.left);
        return b;
    }

    /** The translation with the greatest start at or below {@code address}, or null. Caller holds a lock. */
    private Translation floor(long address) {
        Translation best = null;
        for (Translation t = root; t != null;) {
            if (t.iova <= address) {
                best = t;
                t = t.right;
            } else {
                t = t.left;
            }
        }
        return best;
    }

    /** Caller holds the write lock. */
    void remove(Translation t, String why) {
        if (exactly(t.iova) == t) {
            root = delete(root, t.iova);
            size--;
        }
        if (recentUnmaps.size() == RECENT_UNMAPS) {
            recentUnmaps.removeFirst();
        }
        // described only if a fault asks: unmap is a hot path, faults are not
        String fate = t.fate;
        recentUnmaps.addLast(new Unmapped(t, fate != null ? fate : why));
    }

    /** Caller holds a lock. */
    Translation exactly(long iova) {
        for (Translation t = root; t != null;) {
            if (iova == t.iova) {
                return t;
            }
            t = iova < t.iova ? t.left : t.right;
        }
        return null;
    }

    /** The translation containing {@code address}, or null. Caller holds a lock. */
    Translation containing(long address) {
        Translation t = floor(address);
        return t == null || !t.contains(address) ? null : t;
    }

    /** Caller holds a lock. */
    String recentUnmapOf(long address) {
        Unmapped hit = null;
        for (Unmapped u : recentUnmaps) {
            if (u.translation().contains(address)) {
                hit = u;
            }
        }
        return hit == null ? null : hit.translation().describe() + " (" + hit.fate() + ")";
    }

    /** A removed translation (kept for messages only; at most {@link #RECENT_UNMAPS}) and why it went. */
    private record Unmapped(Translation translation, String fate) {
    }

    /** Caller holds a lock. */
    int size() {
        return size;
    }

    /** Caller holds a lock. */
    List<Translation> snapshot() {
        List<Translation> out = new ArrayList<>(size);
        inOrder(root, out);
        return out;
    }

    private static void inOrder(Translation t, List<Translation> out) {
        while (t != null) {
            inOrder(t.left, out);
            out.add(t);
            t = t.right;
        }
    }
}
