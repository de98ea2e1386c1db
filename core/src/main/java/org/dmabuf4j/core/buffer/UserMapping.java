package org.dmabuf4j.core.buffer;

import java.lang.ref.Cleaner;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.debug.Leaks;

/**
 * A mapping as the code that mapped holds it: what {@link Attachment#map} of a {@link UserAttachment} returns. It
 * delegates to the framework's {@link MappingImpl}, which the attachment lists, and keeps its attachment reachable;
 * the framework never keeps this object reachable, so a mapping dropped without unmap is found by the cleaner
 * (SAFE-6): reported with where it was mapped, then unmapped (with the reservation lock, at once if it is free, else
 * as soon as it is).
 *
 * <p>A cached mapping (MAP-6) is never unmapped by its importer, so it is not watched.
 */
final class UserMapping implements Mapping {
    final MappingImpl impl;
    private final UserAttachment attachment;
    /** With leak detection: the cleaner's action, which also keeps its registration (one field: issue 15's
     *  footprint counts every user-facing attachment and mapping); else null. */
    private final Leak leak;

    UserMapping(MappingImpl impl, UserAttachment attachment) {
        this.impl = impl;
        this.attachment = attachment;
        impl.viewed = true;
        if (impl.site != null && !impl.cached) {
            this.leak = new Leak(impl);
            leak.cleanable = Leaks.register(this, leak);
        } else {
            this.leak = null;
        }
    }

    /** The cleaner's action: the mapping was dropped mapped. Never refers to the user's object. */
    private static final class Leak implements Runnable {
        private final MappingImpl impl;
        private final AtomicBoolean open = new AtomicBoolean(true);
        /** Its registration with the cleaner, set right after it is made (before the owner can be unreachable). */
        Cleaner.Cleanable cleanable;

        Leak(MappingImpl impl) {
            this.impl = impl;
        }

        @Override
        public void run() {
            if (open.compareAndSet(true, false) && !impl.released) {
                impl.attachment.unmapLeaked(impl);
            }
        }
    }

    /**
     * The framework's mapping behind a mapping the user passes in.
     *
     * @param m what the user passed
     * @return the framework's mapping, or null if {@code m} is not one of core's
     */
    static MappingImpl unwrap(Mapping m) {
        return m instanceof UserMapping u ? u.impl : m instanceof MappingImpl i ? i : null;
    }

    /** The importer unmapped it: the cleaner has nothing left to do. */
    void unmapped() {
        if (leak != null && impl.released && leak.open.compareAndSet(true, false)) {
            leak.cleanable.clean();
        }
    }

    @Override
    public Attachment attachment() {
        return attachment;
    }

    @Override
    public Direction direction() {
        return impl.direction();
    }

    @Override
    public List<SgEntry> entries() {
        return impl.entries();
    }

    @Override
    public long size() {
        return impl.size();
    }

    @Override
    public boolean isValid() {
        return impl.isValid();
    }

    @Override
    public boolean isCached() {
        return impl.isCached();
    }

    @Override
    public long dmaAddress(long offset) {
        return impl.dmaAddress(offset);
    }

    @Override
    public void close() {
        try {
            impl.close();
        } finally {
            unmapped();
        }
    }

    /** The same mapping as the framework's object behind it, and as every other view of that object. */
    @Override
    public boolean equals(Object o) {
        return o == this || o == impl || (o instanceof UserMapping u && u.impl == impl);
    }

    @Override
    public int hashCode() {
        return impl.hashCode();
    }

    @Override
    public String toString() {
        return impl.toString();
    }
}
