package org.dmabuf4j.core;

import org.dmabuf4j.api.image.ImageAllocator;

/**
 * The image allocator of a {@link SimulatedSystem}: images in the system heap (the contiguous heap for
 * scanout), laid out in LINEAR, SIM_TILED or SIM_TILED_CCS; explicit-layout import of any of the system's buffers;
 * negotiation between devices' declared format sets ({@link SimulatedDevice#formats}); and counters.
 *
 * <pre>
 *   SimulatedImages images = system.images();
 *   Image frame = images.allocate(ImageRequest.of(DrmFormat.NV12, 640, 480, FormatModifier.SIM_TILED,
 *           FormatModifier.LINEAR).withTargets(new ImageTarget(encoder, ImageUsage.SAMPLE)));
 * </pre>
 */
public interface SimulatedImages extends ImageAllocator {
    /**
     * A snapshot of the image counters.
     *
     * @return the counters
     */
    ImageCounters counters();
}
