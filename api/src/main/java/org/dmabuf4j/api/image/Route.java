package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Rule;

/**
 * How a negotiated image gets from producer to consumer ({@link Rule#NEG_5 NEG-5}, {@link Rule#NEG_6 NEG-6}).
 */
public enum Route {
    /** Zero copy: one image both import, in a modifier of the consumer's tranches. */
    DIRECT,
    /** Zero copy in LINEAR, after a better (tiled or compressed) candidate failed: the baseline. */
    LINEAR,
    /** Two images, one per side's layout; a device that imports both converts each frame with an image copy job. */
    DEVICE_BLIT,
    /** Two images; the CPU converts each frame through per-plane windows (the slowest, and always possible). */
    CPU_COPY
}
