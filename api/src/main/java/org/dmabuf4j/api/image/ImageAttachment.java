package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Rule;

/**
 * An image imported into one device for one usage ({@link Image#attach}): one static attachment per buffer.
 * Closing it unmaps what is still mapped through it and detaches every buffer.
 *
 * @see "eglCreateImage with EGL_LINUX_DMA_BUF_EXT; vkCreateImage + VkImageDrmFormatModifierExplicitCreateInfoEXT;
 *     drmModeAddFB2WithModifiers"
 */
public interface ImageAttachment extends AutoCloseable {
    /**
     * The image.
     *
     * @return the image
     */
    Image image();

    /**
     * The device.
     *
     * @return the device
     */
    Device device();

    /**
     * The usage the image was imported for.
     *
     * @return the usage
     */
    ImageUsage usage();

    /**
     * The attachment of each buffer, by buffer index.
     *
     * @return an immutable list
     */
    List<Attachment> attachments();

    /**
     * Maps every buffer for the device, taking each buffer's reservation lock ({@link Attachment#mapUnlocked}).
     *
     * @param direction the direction; one the usage allows ({@link Rule#NEG_3 NEG-3}): TO_DEVICE for SAMPLE and
     *     SCANOUT; not null
     * @return the mapping of every buffer
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_3 NEG-3}) on a null direction or one the usage
     *     does not allow; as {@link Attachment#mapUnlocked} otherwise. Nothing stays mapped
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#ATT_4 ATT-4}) if detached
     */
    ImageMapping mapUnlocked(Direction direction);

    /**
     * Whether the buffers are still attached.
     *
     * @return false once closed
     */
    boolean isAttached();

    /**
     * Unmaps the mappings made through this attachment that are still mapped, then detaches every buffer. Idempotent.
     *
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#BUF_9 BUF-9}) if the caller holds a buffer's
     *     reservation lock; nothing is unmapped or detached
     */
    @Override
    void close();
}
