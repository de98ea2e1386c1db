package org.dmabuf4j.core.image;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.SimulatedDevice;

/**
 * An image imported into a device for a usage: the import checks of NEG-2 and NEG-3, then one static attachment per
 * buffer. Maps all buffers or none.
 */
final class ImageAttachmentImpl implements ImageAttachment {
    private final ImageImpl image;
    private final SimulatedDevice device;
    private final ImageUsage usage;
    private final List<Attachment> attachments;
    private final CopyOnWriteArrayList<ImageMappingImpl> mappings = new CopyOnWriteArrayList<>();
    private final AtomicBoolean attached = new AtomicBoolean(true);

    private ImageAttachmentImpl(ImageImpl image, SimulatedDevice device, ImageUsage usage,
            List<Attachment> attachments) {
        this.image = image;
        this.device = device;
        this.usage = usage;
        this.attachments = List.copyOf(attachments);
    }

    static ImageAttachmentImpl attach(ImageImpl image, Device device, ImageUsage usage) {
        if (device == null || usage == null) {
            throw new RuleViolationException(device == null ? Rule.ATT_7 : Rule.NEG_3, "attach of image " + image
                    + " with a null " + (device == null ? "device" : "usage (SAMPLE, RENDER or SCANOUT)"));
        }
        if (!(device instanceof SimulatedDevice sim)) {
            throw new RuleViolationException(Rule.ATT_7, "attach of image " + image + " to " + device + ", which is"
                    + " not a device of this system");
        }
        checkImport(image, sim, usage);
        List<Attachment> done = new ArrayList<>();
        try {
            for (DmaBuf b : image.buffers()) {
                done.add(b.attach(sim));
            }
        } catch (RuntimeException | Error e) {
            Closing.undo(done, Attachment::close, e);
            throw e;
        }
        return new ImageAttachmentImpl(image, sim, usage, done);
    }

    /** NEG-2 and NEG-3: the pair for the usage, the implicit layout, the constraints beyond modifiers. */
    static void checkImport(ImageImpl image, SimulatedDevice device, ImageUsage usage) {
        ImageDescriptor d = image.descriptor();
        FormatSet accepted = device.formats(usage);
        String what = "import of image " + image + " into device '" + device.name() + "' for " + usage;
        if (!accepted.contains(d.format(), d.modifier())) {
            image.allocator.stats.refusedImports.increment();
            throw new AttachRefusedException(Rule.NEG_3, what + ": the device does not declare " + d.pair() + " for "
                    + usage + "; for " + d.format() + " it accepts " + accepted.modifiers(d.format()) + " (all its "
                    + usage + " pairs: " + accepted + "). Allocate in one of those (negotiate), or convert with an"
                    + " image copy job. Nothing was attached");
        }
        if (d.modifier().isImplicit() && !device.implicitModifier().equals(image.layoutModifier())) {
            image.allocator.stats.refusedImports.increment();
            throw new AttachRefusedException(Rule.NEG_2, what + ": the image is implicit (INVALID) and laid out "
                    + image.layoutModifier() + ", but the device's driver reads implicit images as "
                    + device.implicitModifier() + ": implicit layouts are not portable across drivers. Allocate"
                    + " with explicit modifiers on both sides, or LINEAR. Nothing was attached");
        }
        List<Long> sizes = new ArrayList<>();
        for (DmaBuf b : image.buffers()) {
            sizes.add(b.size());
        }
        List<String> violations = device.importConstraints().violations(d, sizes);
        if (!violations.isEmpty()) {
            image.allocator.stats.refusedImports.increment();
            throw new AttachRefusedException(Rule.NEG_3, what + ": the layout misses the device's import constraints "
                    + device.importConstraints() + ", which no modifier expresses: " + String.join("; ", violations)
                    + ". Allocate with the device as a target (its constraints are merged in). Nothing was attached");
        }
    }

    @Override
    public Image image() {
        return image;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public ImageUsage usage() {
        return usage;
    }

    @Override
    public List<Attachment> attachments() {
        return attachments;
    }

    @Override
    public ImageMapping mapUnlocked(Direction direction) {
        if (direction == null || !usage.allows(direction)) {
            throw new RuleViolationException(Rule.NEG_3, "map of image " + image + " on device '" + device.name()
                    + "' in direction " + direction + ": the image was attached for " + usage + ", which allows "
                    + (usage == ImageUsage.RENDER ? "any direction" : "TO_DEVICE only (the device only reads it)")
                    + "; attach it for RENDER to write");
        }
        List<Mapping> done = new ArrayList<>();
        try {
            for (Attachment a : attachments) {
                done.add(a.mapUnlocked(direction));
            }
        } catch (RuntimeException | Error e) {
            Closing.undoIndexed(done.size(), i -> attachments.get(i).unmapUnlocked(done.get(i)), e);
            throw e;
        }
        ImageMappingImpl m = new ImageMappingImpl(this, direction, done);
        mappings.add(m);
        return m;
    }

    void unmapped(ImageMappingImpl m) {
        mappings.remove(m);
    }

    ImageImpl imageImpl() {
        return image;
    }

    @Override
    public boolean isAttached() {
        return attached.get();
    }

    @Override
    public void close() {
        if (!attached.get()) {
            return;
        }
        // BUF-9 before anything: a detach refused half-way would leave the buffers attached behind a detached image
        // attachment that close() could no longer reach (a failed call changes nothing)
        for (Attachment a : attachments) {
            if (a.buffer().reservation().isHeldByCurrentThread()) {
                throw new RuleViolationException(Rule.BUF_9, "close() of " + this + " while holding the reservation"
                        + " lock of " + a.buffer() + ": detach without the lock (unlock first). Nothing was detached");
            }
        }
        if (!attached.compareAndSet(true, false)) {
            return;
        }
        RuntimeException failure = Closing.all(mappings, ImageMappingImpl::close, null);
        Closing.rethrow(Closing.all(attachments, Attachment::close, failure));
    }

    @Override
    public String toString() {
        return "image attachment of " + image + " to device '" + device.name() + "' for " + usage
                + (isAttached() ? "" : " (detached)");
    }
}
