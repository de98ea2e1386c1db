package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;

/**
 * The mappings of an image's buffers for one device ({@link ImageAttachment#mapUnlocked}): what a device job that
 * understands layouts (an image copy or fill, {@link Rule#FMT_10 FMT-10}) is given. Closing it unmaps every buffer.
 */
public interface ImageMapping extends AutoCloseable {
    /**
     * The image's layout.
     *
     * @return the descriptor
     */
    ImageDescriptor descriptor();

    /**
     * The layout the memory is really in ({@link Image#layoutModifier()}).
     *
     * @return a known modifier
     */
    FormatModifier layoutModifier();

    /**
     * The attachment that made it.
     *
     * @return the image attachment
     */
    ImageAttachment attachment();

    /**
     * The direction of every buffer's mapping.
     *
     * @return the direction
     */
    Direction direction();

    /**
     * The mapping of each buffer, by buffer index.
     *
     * @return an immutable list
     */
    List<Mapping> mappings();

    /**
     * Whether every buffer's mapping is still valid.
     *
     * @return false once unmapped or invalidated
     */
    boolean isValid();

    /**
     * Unmaps every buffer ({@link org.dmabuf4j.api.Attachment#unmapUnlocked}). Idempotent.
     *
     * @throws org.dmabuf4j.api.RuleViolationException ({@link org.dmabuf4j.api.Rule#MAP_1 MAP-1}) if the caller holds
     *     a buffer's reservation lock (unmapUnlocked takes it); nothing is unmapped
     */
    @Override
    void close();
}
