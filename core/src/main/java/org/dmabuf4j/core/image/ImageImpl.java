package org.dmabuf4j.core.image;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageUsage;

/**
 * An image: a descriptor, its real layout and one handle per buffer, owned by the image and closed with it.
 * Thread-safe: everything but the open flag is immutable.
 */
final class ImageImpl implements Image {
    final ImageAllocatorImpl allocator;
    private final ImageDescriptor descriptor;
    private final FormatModifier layout;
    private final List<DmaBuf> buffers;
    final List<PlaneLayout> planes;
    private final AtomicBoolean open = new AtomicBoolean(true);

    ImageImpl(ImageAllocatorImpl allocator, ImageDescriptor descriptor, FormatModifier layout, List<DmaBuf> buffers) {
        this.allocator = allocator;
        this.descriptor = descriptor;
        this.layout = layout;
        this.buffers = List.copyOf(buffers);
        this.planes = PlaneLayout.of(descriptor, layout);
    }

    @Override
    public ImageDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<DmaBuf> buffers() {
        return buffers;
    }

    @Override
    public FormatModifier layoutModifier() {
        return layout;
    }

    void checkOpen(String what) {
        if (!open.get()) {
            throw new ClosedException(Rule.BUF_3, what + " on closed image " + this + ": its handles are closed;"
                    + " import the buffers again to use them");
        }
    }

    @Override
    public ImageAccess beginCpuAccess(Access access, Region region, Confinement confinement) {
        checkOpen("beginCpuAccess");
        if (access == null || region == null || confinement == null) {
            throw new RuleViolationException(access == null ? Rule.CPU_2 : region == null ? Rule.CPU_7 : Rule.CPU_5,
                    "beginCpuAccess on image " + this + " with a null "
                    + (access == null ? "access" : region == null ? "region" : "confinement"));
        }
        if (region instanceof Region.Rect r) {
            if ((long) r.x() + r.width() > descriptor.width() || (long) r.y() + r.height() > descriptor.height()) {
                throw new RuleViolationException(Rule.CPU_7, "rect " + r.width() + "x" + r.height() + " at (" + r.x()
                        + ", " + r.y() + ") does not fit image " + this);
            }
        } else if (region != Region.WHOLE) {
            throw new RuleViolationException(Rule.CPU_7, "beginCpuAccess on image " + this + " with " + region
                    + ": an image's region is Region.WHOLE or a Region.Rect in pixels; byte ranges belong to planes");
        }
        return ImageAccessImpl.open(this, access, region, confinement);
    }

    @Override
    public ImageAttachment attach(Device device, ImageUsage usage) {
        checkOpen("attach");
        return ImageAttachmentImpl.attach(this, device, usage);
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (!open.get()) {
            return;
        }
        // BUF-9 before anything: a close refused half-way would leave handles open behind a closed image
        for (DmaBuf b : buffers) {
            if (b.reservation().isHeldByCurrentThread()) {
                throw new RuleViolationException(Rule.BUF_9, "close() of image " + this + " while holding the"
                        + " reservation lock of " + b + ": close without the lock (unlock first). Nothing was closed");
            }
        }
        if (!open.compareAndSet(true, false)) {
            return;
        }
        Closing.rethrow(Closing.all(buffers, DmaBuf::close, null));
    }

    @Override
    public String toString() {
        return descriptor + (layout.equals(descriptor.modifier()) ? "" : " (laid out " + layout + ")")
                + (isOpen() ? "" : " (closed)");
    }
}
