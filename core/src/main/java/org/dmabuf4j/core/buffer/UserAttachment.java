package org.dmabuf4j.core.buffer;

import java.lang.ref.Cleaner;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.core.debug.Leaks;

/**
 * An attachment as the code that attached holds it: what {@link DmaBuf#attach} returns. It delegates to the
 * framework's {@link AttachmentImpl}, which the buffer lists and the exporter and importer callbacks receive; so the
 * framework never keeps this object reachable, and one dropped while attached is found by the cleaner (SAFE-6):
 * reported with where it was attached, then force-detached (its mappings unmapped, its pins dropped, the exporter's
 * detach called, its buffer reference dropped).
 *
 * <p>Mappings made through it are {@link UserMapping}s that refer to it, so an attachment whose mapping is still in
 * use is not dropped. The importer's moveNotify receives this very object (through a weak reference, so it can still be
 * dropped); the exporter's callbacks see the framework's attachment, a different but equal object.
 */
final class UserAttachment implements Attachment {
    final AttachmentImpl impl;
    /** With leak detection: the cleaner's action, which also keeps its registration (one field: issue 15's
     *  footprint counts every user-facing attachment and mapping); else null. */
    private final Leak leak;
    /** The view of the attachment's cached mapping, so that every map returns the same object (MAP-6). */
    private volatile UserMapping cachedView;

    private UserAttachment(AttachmentImpl impl) {
        this.impl = impl;
        if (impl.site != null) {
            this.leak = new Leak(impl);
            leak.cleanable = Leaks.register(this, leak);
        } else {
            this.leak = null;
        }
    }

    /**
     * The user's view of a new attachment, known to it so that the importer's moveNotify receives this very object.
     *
     * @param impl the framework's attachment
     * @return the view
     */
    static UserAttachment of(AttachmentImpl impl) {
        UserAttachment u = new UserAttachment(impl);
        impl.userView(u);
        return u;
    }

    /** The cleaner's action: the attachment was dropped attached. Never refers to the user's object. */
    private static final class Leak implements Runnable {
        private final AttachmentImpl impl;
        private final AtomicBoolean open = new AtomicBoolean(true);
        /** Its registration with the cleaner, set right after it is made (before the owner can be unreachable). */
        Cleaner.Cleanable cleanable;

        Leak(AttachmentImpl impl) {
            this.impl = impl;
        }

        @Override
        public void run() {
            if (open.compareAndSet(true, false) && impl.isAttached()) {
                impl.detachLeaked();
            }
        }
    }

    /** A user's view of a mapping the attachment returned. */
    private Mapping wrap(MappingImpl m) {
        if (!m.cached) {
            return new UserMapping(m, this);
        }
        UserMapping v = cachedView;
        if (v == null || v.impl != m) {
            v = new UserMapping(m, this);
            cachedView = v;
        }
        return v;
    }

    @Override
    public DmaBuf buffer() {
        return impl.buffer();
    }

    @Override
    public Device device() {
        return impl.device();
    }

    @Override
    public Optional<Importer> importer() {
        return impl.importer();
    }

    @Override
    public boolean isDynamic() {
        return impl.isDynamic();
    }

    @Override
    public boolean peerToPeer() {
        return impl.peerToPeer();
    }

    @Override
    public boolean isAttached() {
        return impl.isAttached();
    }

    @Override
    public boolean isPinned() {
        return impl.isPinned();
    }

    @Override
    public Mapping map(Direction direction) {
        return wrap(impl.mapImpl(direction));
    }

    @Override
    public void unmap(Mapping mapping) {
        impl.unmap(mapping);
        if (mapping instanceof UserMapping u) {
            u.unmapped();
        }
    }

    @Override
    public Mapping mapUnlocked(Direction direction) {
        return wrap(impl.mapUnlockedImpl(direction));
    }

    @Override
    public void unmapUnlocked(Mapping mapping) {
        impl.unmapUnlocked(mapping);
        if (mapping instanceof UserMapping u) {
            u.unmapped();
        }
    }

    @Override
    public void pin() {
        impl.pin();
    }

    @Override
    public void unpin() {
        impl.unpin();
    }

    @Override
    public void close() {
        try {
            impl.close();
        } finally {
            if (leak != null && !impl.isAttached() && leak.open.compareAndSet(true, false)) {
                leak.cleanable.clean();
            }
        }
    }

    /** The same attachment as the framework's object behind it, and as every other view of that object. */
    @Override
    public boolean equals(Object o) {
        return o == this || o == impl || (o instanceof UserAttachment u && u.impl == impl);
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
