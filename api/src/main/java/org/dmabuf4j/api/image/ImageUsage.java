package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * What a device does with an image it imports; a device declares, per usage, which (format, modifier) pairs it
 * supports ({@link Rule#NEG_3 NEG-3}), and an image attachment is made for one usage.
 *
 * @see "VkImageUsageFlags; linux-dmabuf tranche flags (scanout); GBM_BO_USE_RENDERING / SCANOUT"
 */
public enum ImageUsage {
    /** The device reads the image (texture sampling, encoding, a blit's source): mapped TO_DEVICE. */
    SAMPLE,
    /** The device writes the image (rendering, decoding, capture, a blit's destination): any direction. */
    RENDER,
    /** A display engine scans the image out: mapped TO_DEVICE. */
    SCANOUT;

    /**
     * Whether a mapping in {@code direction} fits this usage ({@link Rule#NEG_3 NEG-3}): SAMPLE and SCANOUT only read,
     * so only TO_DEVICE; RENDER may read and write.
     *
     * @param direction the mapping's direction; not null
     * @return true if allowed
     * @throws RuleViolationException ({@link Rule#NEG_3 NEG-3}) if {@code direction} is null
     */
    public boolean allows(Direction direction) {
        if (direction == null) {
            throw new RuleViolationException(Rule.NEG_3, "ImageUsage." + name() + ".allows(null)");
        }
        return this == RENDER || direction == Direction.TO_DEVICE;
    }
}
