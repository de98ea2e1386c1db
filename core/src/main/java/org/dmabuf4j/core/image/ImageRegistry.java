package org.dmabuf4j.core.image;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.ImageDescriptor;

/**
 * What the allocator knows about the buffers it allocated as images: the layout their bytes are really in, so that
 * an import that claims another layout is refused (FMT-8, NEG-2) instead of reading garbage. The kernel does not know
 * this; the simulation does. Keyed by buffer id (unique in a system, never reused); entries of released buffers are
 * pruned as the map grows.
 */
final class ImageRegistry {
    /**
     * One allocation, as one of its buffers sees it.
     *
     * @param allocation identifies the allocation (the same object for all its buffers)
     * @param descriptor the descriptor the allocation returned
     * @param layout the real layout (differs from the descriptor's modifier only for implicit allocations)
     * @param index the buffer's index in the allocation
     */
    record Entry(Object allocation, ImageDescriptor descriptor, FormatModifier layout, int index) {
    }

    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    private final Supplier<List<Long>> liveIds;
    private int pruneAt = 64;

    ImageRegistry(Supplier<List<Long>> liveIds) {
        this.liveIds = liveIds;
    }

    void add(ImageDescriptor descriptor, FormatModifier layout, List<DmaBuf> buffers) {
        Object allocation = new Object();
        for (int i = 0; i < buffers.size(); i++) {
            entries.put(buffers.get(i).id(), new Entry(allocation, descriptor, layout, i));
        }
        prune();
    }

    Entry get(DmaBuf buffer) {
        return entries.get(buffer.id());
    }

    private synchronized void prune() {
        if (entries.size() < pruneAt) {
            return;
        }
        Set<Long> live = new HashSet<>(liveIds.get());
        entries.keySet().removeIf(id -> !live.contains(id));
        pruneAt = Math.max(64, entries.size() * 2);
    }
}
