package org.dmabuf4j.core.image;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;

/** The mappings of an image's buffers for one device: what image jobs take (FMT-10). */
public final class ImageMappingImpl implements ImageMapping {
    private final ImageAttachmentImpl attachment;
    private final Direction direction;
    private final List<Mapping> mappings;
    private final AtomicBoolean mapped = new AtomicBoolean(true);

    ImageMappingImpl(ImageAttachmentImpl attachment, Direction direction, List<Mapping> mappings) {
        this.attachment = attachment;
        this.direction = direction;
        this.mappings = List.copyOf(mappings);
    }

    /**
     * The colour planes in the image's real layout, for image jobs.
     *
     * @return one per colour plane
     */
    public List<PlaneLayout> planes() {
        return attachment.imageImpl().planes;
    }

    /**
     * The counters the jobs update.
     *
     * @return the image's allocator's statistics, as an opaque handle for {@link ImageJobs}
     */
    ImageStats stats() {
        return attachment.imageImpl().allocator.stats;
    }

    @Override
    public ImageDescriptor descriptor() {
        return attachment.imageImpl().descriptor();
    }

    @Override
    public FormatModifier layoutModifier() {
        return attachment.imageImpl().layoutModifier();
    }

    @Override
    public ImageAttachment attachment() {
        return attachment;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public List<Mapping> mappings() {
        return mappings;
    }

    @Override
    public boolean isValid() {
        if (!mapped.get()) {
            return false;
        }
        for (Mapping m : mappings) {
            if (!m.isValid()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (!mapped.get()) {
            return;
        }
        // MAP-1 before anything (unmapUnlocked takes each buffer's lock): an unmap refused half-way would leave
        // buffers mapped behind a closed image mapping that close() could no longer reach
        for (Attachment a : attachment.attachments()) {
            if (a.buffer().reservation().isHeldByCurrentThread()) {
                throw new RuleViolationException(Rule.MAP_1, "close() of " + this + " while holding the reservation"
                        + " lock of " + a.buffer() + ": it unmaps with unmapUnlocked, which takes the lock itself;"
                        + " unlock first. Nothing was unmapped");
            }
        }
        if (!mapped.compareAndSet(true, false)) {
            return;
        }
        attachment.unmapped(this);
        Closing.rethrow(Closing.allIndexed(mappings.size(),
                i -> attachment.attachments().get(i).unmapUnlocked(mappings.get(i)), null));
    }

    @Override
    public String toString() {
        return direction + " mapping of " + attachment;
    }
}
