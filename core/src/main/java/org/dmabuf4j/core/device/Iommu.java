package org.dmabuf4j.core.device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    /** Translations by start address; keys of one device are all of one sign, so signed order is address order. */
    private final TreeMap<Long, Translation> translations = new TreeMap<>();
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
            Map.Entry<Long, Translation> before = translations.floorEntry(c + length - 1);
            if (before != null && before.getValue().end() > c) {
                c = before.getValue().end();
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
        translations.put(t.iova, t);
    }

    /** Caller holds the write lock. */
    void remove(Translation t, String why) {
        translations.remove(t.iova);
        if (recentUnmaps.size() == RECENT_UNMAPS) {
            recentUnmaps.removeFirst();
        }
        String fate = t.fate != null ? t.fate : why;
        recentUnmaps.addLast(new Unmapped(t.iova, t.length, t.describe() + " (" + fate + ")"));
    }

    /** Caller holds a lock. */
    Translation exactly(long iova) {
        return translations.get(iova);
    }

    /** The translation containing {@code address}, or null. Caller holds a lock. */
    Translation containing(long address) {
        Map.Entry<Long, Translation> e = translations.floorEntry(address);
        if (e == null || !e.getValue().contains(address)) {
            return null;
        }
        return e.getValue();
    }

    /** Caller holds a lock. */
    String recentUnmapOf(long address) {
        String hit = null;
        for (Unmapped u : recentUnmaps) {
            if (address - u.iova() >= 0 && address - u.iova() < u.length()) {
                hit = u.description();
            }
        }
        return hit;
    }

    private record Unmapped(long iova, long length, String description) {
    }

    /** Caller holds a lock. */
    int size() {
        return translations.size();
    }

    /** Caller holds a lock. */
    List<Translation> snapshot() {
        return new ArrayList<>(translations.values());
    }
}
