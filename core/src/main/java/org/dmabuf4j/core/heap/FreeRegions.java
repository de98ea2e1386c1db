package org.dmabuf4j.core.heap;

import java.util.Map;
import java.util.TreeMap;

/**
 * The free regions of a fixed-size pool (the contiguous heap's, a device's local memory): first fit, and a freed
 * region merges with its free neighbours, so free regions are never adjacent. Not thread-safe: the pool's owner
 * guards it with its own lock.
 */
public final class FreeRegions {
    /** Offset to length. */
    private final TreeMap<Long, Long> free = new TreeMap<>();

    /** Creates an empty list: no pool yet. */
    public FreeRegions() {
    }

    /**
     * Makes the whole pool one free region.
     *
     * @param capacity the pool's size
     */
    public void reset(long capacity) {
        free.clear();
        free.put(0L, capacity);
    }

    /** Forgets every region: the pool is gone. */
    public void clear() {
        free.clear();
    }

    /**
     * Takes the first region that fits, splitting off what is left of it.
     *
     * @param bytes the length
     * @return the region's offset, or -1 if none fits
     */
    public long take(long bytes) {
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long len = e.getValue();
            if (len >= bytes) {
                long off = e.getKey();
                free.remove(off);
                if (len > bytes) {
                    free.put(off + bytes, len - bytes);
                }
                return off;
            }
        }
        return -1;
    }

    /**
     * Gives a region back, merged with the free regions right before and after it.
     *
     * @param offset what {@link #take} returned
     * @param bytes the length taken
     */
    public void give(long offset, long bytes) {
        long start = offset;
        long len = bytes;
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            start = before.getKey();
            len += before.getValue();
            free.remove(before.getKey());
        }
        Long after = free.remove(offset + bytes);
        if (after != null) {
            len += after;
        }
        free.put(start, len);
    }

    /**
     * The bytes free in all regions.
     *
     * @return the sum
     */
    public long freeBytes() {
        long n = 0;
        for (long len : free.values()) {
            n += len;
        }
        return n;
    }

    /**
     * The longest free region.
     *
     * @return its length, 0 if none
     */
    public long largest() {
        long n = 0;
        for (long len : free.values()) {
            n = Math.max(n, len);
        }
        return n;
    }

    /**
     * The number of free regions.
     *
     * @return the count
     */
    public int count() {
        return free.size();
    }

    /**
     * A copy of the regions, for tests and dumps.
     *
     * @return offset to length
     */
    public Map<Long, Long> snapshot() {
        return new TreeMap<>(free);
    }
}
