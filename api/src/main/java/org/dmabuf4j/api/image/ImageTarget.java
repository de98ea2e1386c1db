package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A device an allocation is for, and what it will do with the image: the allocator keeps only modifiers the device
 * declares for the usage and meets the device's import constraints ({@link Rule#NEG_4 NEG-4}); a SCANOUT target needs
 * physically contiguous memory.
 *
 * @param device the device; not null
 * @param usage what it will do; not null
 */
public record ImageTarget(Device device, ImageUsage usage) {
    /**
     * Validates the target.
     *
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) if either is null
     */
    public ImageTarget {
        if (device == null || usage == null) {
            throw new RuleViolationException(Rule.NEG_4, "image target with a null " + (device == null ? "device"
                    : "usage"));
        }
    }

    @Override
    public String toString() {
        return usage + " on '" + device.name() + "'";
    }
}
