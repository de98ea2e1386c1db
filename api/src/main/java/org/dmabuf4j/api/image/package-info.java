/**
 * Images on dma-bufs: DRM formats and modifiers, multi-planar image descriptors, allocation with modifier lists,
 * explicit-layout import, per-plane CPU access and format negotiation, as
 * {@code Documentation/userspace-api/dma-buf-alloc-exchange.rst} describes them.
 *
 * <h2>Object model</h2>
 * <pre>
 *   DrmFormat (fourcc) + FormatModifier (u64) = FormatModifierPair;  FormatSet = ordered pairs, intersect (NEG-1)
 *   ImageDescriptor { format, modifier, width, height, planes [ {buffer index, offset, pitch} x 1..4 ] }
 *
 *   ImageAllocator ─ allocate(ImageRequest{format, size, modifiers, targets, constraints}) ─► Image
 *                  ─ importImage(ImageDescriptor, List&lt;DmaBuf&gt;) ────────────────────────► Image
 *                  ─ negotiate(NegotiationRequest{producer tranche, consumer tranches}) ─► NegotiatedImages
 *   Image ─ beginCpuAccess(Access, Rect in pixels) ─► ImageAccess: one CpuAccess per colour plane, linear views
 *         ─ attach(Device, ImageUsage) ─► ImageAttachment ─ mapUnlocked(Direction) ─► ImageMapping (engine jobs)
 * </pre>
 *
 * <p>Rules: {@code FMT} (formats, modifiers, descriptors, per-plane access, layout conversion) and {@code NEG}
 * (negotiation, import checks); see {@code docs/RULES.md}.
 */
package org.dmabuf4j.api.image;
