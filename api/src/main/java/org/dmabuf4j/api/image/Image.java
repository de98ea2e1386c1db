package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;

/**
 * An image: a {@link ImageDescriptor} and the buffers its planes name, from {@link ImageAllocator#allocate} or an
 * explicit-layout {@link ImageAllocator#importImage}. The image owns one handle per buffer (its own shares) and
 * closes them with {@link #close()}; the buffers live on while other handles or attachments hold them.
 *
 * <pre>
 *   Image frame = images.allocate(ImageRequest.of(DrmFormat.NV12, 1920, 1080, FormatModifier.SIM_TILED,
 *           FormatModifier.LINEAR));
 *   frame.descriptor().modifier();                         // the allocator's choice: read it back (FMT-7)
 *   try (ImageAccess w = frame.beginCpuAccess(Access.WRITE, Region.rect(0, 0, 64, 64))) {
 *       w.plane(0) ...  // Y: 64x64 samples, linear view of the tiles
 *       w.plane(1) ...  // UV: 32x32 samples of 2 bytes
 *   }
 *   try (ImageAttachment a = frame.attach(display, ImageUsage.SCANOUT)) { ... }   // refused unless supported (NEG-3)
 * </pre>
 *
 * @see "gbm_bo, VkImage with VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT, AVDRMFrameDescriptor"
 */
public interface Image extends AutoCloseable {
    /**
     * The layout: format, modifier, size, planes. Works after close.
     *
     * @return the descriptor
     */
    ImageDescriptor descriptor();

    /**
     * The image's buffers, by the index the planes use.
     *
     * @return an immutable list of the image's own handles
     */
    List<DmaBuf> buffers();

    /**
     * The layout the memory is really in: the descriptor's modifier, or for an implicit image (INVALID) the layout
     * its allocator chose, as {@code gbm_bo_get_modifier} reports it (an implicit allocation may be "upgraded" to
     * explicit with it, {@link Rule#NEG_2 NEG-2}). An imported implicit image whose allocation this library does not
     * know is taken to be LINEAR, the baseline the kernel's guide recommends for implicit exchange.
     *
     * @return a known modifier
     */
    FormatModifier layoutModifier();

    /**
     * Begins CPU access to the whole image, confined to this thread.
     *
     * @param access what the CPU will do; not null
     * @return the per-plane windows
     * @throws RuntimeException as {@link #beginCpuAccess(Access, Region, Confinement)}
     */
    default ImageAccess beginCpuAccess(Access access) {
        return beginCpuAccess(access, Region.WHOLE, Confinement.THREAD);
    }

    /**
     * Begins CPU access to a rectangle of pixels, confined to this thread.
     *
     * @param access what the CPU will do; not null
     * @param region WHOLE or a Rect in pixels; not null
     * @return the per-plane windows
     * @throws RuntimeException as {@link #beginCpuAccess(Access, Region, Confinement)}
     */
    default ImageAccess beginCpuAccess(Access access, Region region) {
        return beginCpuAccess(access, region, Confinement.THREAD);
    }

    /**
     * Begins CPU access ({@link Rule#FMT_9 FMT-9}): one window per colour plane over the region mapped to the plane's
     * samples (subsampled planes rounded outward: pixel rect {@code (1, 1, 3, 3)} of NV12 is UV samples
     * {@code (0, 0, 2, 2)}). Each window is the plane's linear view whatever the modifier: a tiled plane is detiled
     * exactly over the region's bytes at begin and retiled at close, a compressed plane also resolves fast-cleared
     * tiles; metadata planes are not exposed. Every window follows the CPU rules ({@link Rule#CPU_1 CPU-1} to
     * {@link Rule#CPU_9 CPU-9}: implicit fence waits, exact regions, closed segments after close, read-only READ
     * windows, confinement). Called without any of the buffers' reservation locks ({@link Rule#CPU_8 CPU-8}).
     *
     * @param access what the CPU will do; not null
     * @param region {@link Region#WHOLE} or a {@link Region.Rect} in pixels within the image; not null
     * @param confinement which threads may use the windows; not null
     * @return the windows; close it to end the access of every plane
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#CPU_7 CPU-7}) on a region that is not WHOLE or a
     *     Rect, or does not fit the image; as {@link DmaBuf#beginCpuAccess(Access, Region, Confinement)} otherwise.
     *     Nothing stays open
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the image is closed
     */
    ImageAccess beginCpuAccess(Access access, Region region, Confinement confinement);

    /**
     * Imports the image into a device for a usage ({@link Rule#NEG_2 NEG-2}, {@link Rule#NEG_3 NEG-3}): attaches every
     * buffer (static attachments) after checking that the device declares the image's (format, modifier) pair for the
     * usage, that the layout meets the device's import constraints, and, for an implicit image, that the device's
     * implicit layout is the image's. Called without the buffers' reservation locks ({@link Rule#BUF_9 BUF-9}).
     *
     * @param device the importing device; open, of the image's system; not null
     * @param usage what the device will do; not null
     * @return the attachment; close it to detach every buffer
     * @throws org.dmabuf4j.api.AttachRefusedException ({@link Rule#NEG_2 NEG-2}, {@link Rule#NEG_3 NEG-3}) if the
     *     device cannot import the layout; the message lists the pairs it accepts. Nothing is attached
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}, {@link Rule#ATT_7 ATT-7}) if the image or
     *     device is closed
     */
    ImageAttachment attach(Device device, ImageUsage usage);

    /**
     * Whether the image's handles are open.
     *
     * @return false once closed
     */
    boolean isOpen();

    /**
     * Closes the image's handles (each buffer is released with its last handle and attachment). Idempotent.
     *
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#BUF_9 BUF-9}) if the caller holds a buffer's
     *     reservation lock; nothing is closed
     */
    @Override
    void close();
}
