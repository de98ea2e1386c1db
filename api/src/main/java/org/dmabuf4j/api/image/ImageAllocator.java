package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Rule;

/**
 * Allocates, imports and negotiates images: the dma-buf image allocator (GBM's {@code gbm_device}, Vulkan's image
 * creation with modifiers, a media API's buffer pool), bound to one system.
 *
 * <pre>
 *   negotiate   producer pairs ∩ consumer tranche 0 ─ allocate (for real) ─► DIRECT / LINEAR
 *                        │ empty, refused or out of memory: recorded (NEG-5)
 *                        ▼
 *               producer pairs ∩ tranche 1 ... ─► ...
 *                        ▼ nothing shared
 *               producer image + consumer image ─ a device imports both ─► DEVICE_BLIT, else CPU_COPY
 * </pre>
 */
public interface ImageAllocator {
    /**
     * Allocates an image ({@link Rule#FMT_7 FMT-7}, {@link Rule#NEG_4 NEG-4}): tries the request's modifiers in order
     * and takes the first that this library can lay out, that every target imports for its usage (implicit: that every
     * target's implicit layout agrees, {@link Rule#NEG_2 NEG-2}), and for which memory is found (contiguous memory for
     * a SCANOUT target); lays the planes out meeting the request's and the targets' constraints. The caller reads the
     * choice back from the descriptor.
     *
     * @param request what to allocate; not null
     * @return the image, zeroed, owning one handle per buffer
     * @throws NegotiationFailedException ({@link Rule#NEG_4 NEG-4}) if no modifier of the list works, with each one's
     *     reason; nothing is allocated
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#FMT_7 FMT-7}) on a null request, ({@link Rule#NEG_4
     *     NEG-4}) if a target's device is not one of this system's; before anything is allocated
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed, ({@link Rule#NEG_4
     *     NEG-4}) if a target's device is closed
     * @see "gbm_bo_create_with_modifiers2, gbm_bo_get_modifier, gbm_bo_get_stride_for_plane, gbm_bo_get_offset"
     */
    Image allocate(ImageRequest request);

    /**
     * Allocates an image as {@link #allocate(ImageRequest)} does, every buffer from {@code heap}: the way to lay an
     * image out in memory of a particular kind, such as the ipc module's memfd heap, whose buffers can be sent to
     * another process. A SCANOUT target still needs contiguous memory ({@link Rule#NEG_4 NEG-4}): with a heap other
     * than the system's contiguous heap, every candidate is refused for it.
     *
     * @param request what to allocate; not null
     * @param heap where the buffers come from; a heap whose buffers belong to this allocator's system; not null
     * @return the image, zeroed, owning one handle per buffer
     * @throws NegotiationFailedException ({@link Rule#NEG_4 NEG-4}) if no modifier of the list works with this heap,
     *     with each one's reason; nothing is allocated
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#FMT_7 FMT-7}) on a null request,
     *     ({@link Rule#NEG_4 NEG-4}) on a null heap or one whose buffers are not of this system (they are closed)
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed
     */
    Image allocate(ImageRequest request, DmaHeap heap);

    /**
     * Imports existing buffers with an explicit layout (the "Import" of dma-buf-alloc-exchange): checks the descriptor
     * against the buffers ({@link Rule#FMT_5 FMT-5}, {@link Rule#FMT_6 FMT-6}) and, for buffers this allocator
     * allocated as an image, against that allocation ({@link Rule#FMT_8 FMT-8}, {@link Rule#NEG_2 NEG-2}): a different
     * modifier, offset or pitch is refused, since the bytes are not in that layout. The image takes a share of each
     * buffer; the caller keeps its handles.
     *
     * @param descriptor the layout; not null
     * @param buffers the buffers, by the planes' indexes; open handles of this system; not null
     * @return the image
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#FMT_5 FMT-5}, {@link Rule#FMT_6 FMT-6},
     *     {@link Rule#FMT_8 FMT-8}, {@link Rule#NEG_2 NEG-2}) if the layout does not fit the buffers or contradicts
     *     their allocation; nothing is shared
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if a handle or the system is closed
     * @see "zwp_linux_buffer_params_v1.create; EGL_LINUX_DMA_BUF_EXT; VkImageDrmFormatModifierExplicitCreateInfoEXT"
     */
    Image importImage(ImageDescriptor descriptor, List<DmaBuf> buffers);

    /**
     * Negotiates a layout between a producer and a consumer and sets up the images ({@link Rule#NEG_1 NEG-1},
     * {@link Rule#NEG_2 NEG-2}, {@link Rule#NEG_5 NEG-5}, {@link Rule#NEG_6 NEG-6}): each consumer tranche in order,
     * intersected with the producer's pairs, each common modifier in the tranche's order, allocated for real for both
     * the producer's device and the tranche's; failing every one, a producer image in the producer's best layout and a
     * consumer image for the first tranche that allocates, converted by a blitter that imports both, else by the CPU.
     * Every candidate given up is recorded with its reason.
     *
     * @param request what both sides bring; not null
     * @return the images and the result
     * @throws NegotiationFailedException ({@link Rule#NEG_5 NEG-5}) if not even a copy route can be set up (the
     *     producer or the consumer cannot allocate the format at all); nothing is allocated
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_5 NEG-5}) on a null request, or if the
     *     producer's, a consumer tranche's or a blitter's device is not one of this system's; before any candidate
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed, ({@link Rule#NEG_5
     *     NEG-5}) if one of those devices is closed
     */
    NegotiatedImages negotiate(NegotiationRequest request);
}
