package org.dmabuf4j.core.device;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Direction;

/**
 * One IOMMU translation: {@code length} bytes at device address {@code iova}, to CPU memory or to a peer device's
 * memory. Created and removed under the IOMMU's write lock; read under its read lock.
 */
final class Translation {
    final long iova;
    final long length;
    final Direction direction;
    /** The translated CPU memory (the exporter's view of its chunk), or null for peer memory. */
    final MemorySegment memory;
    /** The device whose local memory this translates to, or null for CPU memory. */
    final SimulatedDeviceImpl peer;
    final long busAddress;
    /**
     * The map call that installed it, when it installed several: unmap removes exactly one call's translations
     * (DEV-9). Null for a call that installed only this one (most: issue 15's footprint), which is then its own group.
     */
    final MapGroup group;
    /** Its place among the group's translations, from 0. */
    final int index;
    /** Which buffer bytes this is, once the framework has tagged the mapping; null before (or for foreign maps). */
    volatile OwnershipTag tag;
    /** Why the framework is about to remove it (for fault messages), or null for a plain unmap. */
    volatile String fate;
    // the IOMMU's treap of translations by iova, linked through the translations themselves (no TreeMap entry and
    // boxed key per translation); written under the IOMMU's write lock
    Translation left;
    Translation right;
    int priority;

    Translation(long iova, long length, Direction direction, MemorySegment memory, SimulatedDeviceImpl peer,
            long busAddress, MapGroup group, int index) {
        this.iova = iova;
        this.length = length;
        this.direction = direction;
        this.memory = memory;
        this.peer = peer;
        this.busAddress = busAddress;
        this.group = group;
        this.index = index;
    }

    /** What identifies the map call that installed it: its group, or itself if it was the only one. */
    Object groupKey() {
        return group != null ? group : this;
    }

    /** How many translations the map call that installed it made. */
    int groupSize() {
        return group != null ? group.size : 1;
    }

    long end() {
        return iova + length;
    }

    boolean contains(long address) {
        return address - iova >= 0 && address - iova < length;
    }

    String describe() {
        OwnershipTag t = tag;
        return "0x" + Long.toHexString(iova) + "+" + length + " " + direction
                + (t == null ? "" : " of " + t.ownership().describeBuffer() + " at offset " + t.bufferOffset());
    }

    /** The translations one map call installed. */
    static final class MapGroup {
        final int size;

        MapGroup(int size) {
            this.size = size;
        }
    }
}
