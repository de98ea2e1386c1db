package org.dmabuf4j.core.device;

import java.util.EnumMap;
import java.util.Map;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;

/**
 * What a simulated device declares about images (NEG-2, NEG-3): the (format, modifier) pairs it supports per usage,
 * the constraints it needs beyond them, and the layout its driver uses when no modifier is given (INVALID). By
 * default: every catalogue format in LINEAR for every usage, no constraint, LINEAR as the implicit layout.
 *
 * @param formats the pairs per usage; every usage present
 * @param importConstraints pitch, offset and height alignment the device needs
 * @param implicitModifier the layout of the driver's implicit allocations and imports; a known explicit layout
 */
public record ImageSupport(Map<ImageUsage, FormatSet> formats, LayoutConstraints importConstraints,
        FormatModifier implicitModifier) {
    /** The default: LINEAR for every catalogue format and usage. */
    public static final ImageSupport DEFAULT;

    static {
        Map<ImageUsage, FormatSet> m = new EnumMap<>(ImageUsage.class);
        FormatSet linear = FormatSet.linear(DrmFormat.catalogue());
        for (ImageUsage u : ImageUsage.values()) {
            m.put(u, linear);
        }
        DEFAULT = new ImageSupport(m, LayoutConstraints.NONE, FormatModifier.LINEAR);
    }

    /**
     * Copies the map.
     */
    public ImageSupport {
        formats = Map.copyOf(formats);
    }

    /**
     * A copy with another set for one usage.
     *
     * @param usage the usage
     * @param set the pairs
     * @return the copy
     */
    public ImageSupport with(ImageUsage usage, FormatSet set) {
        Map<ImageUsage, FormatSet> m = new EnumMap<>(formats);
        m.put(usage, set);
        return new ImageSupport(m, importConstraints, implicitModifier);
    }
}
