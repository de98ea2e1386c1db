package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A format and a modifier together: the unit every enumeration and negotiation API lists (KMS {@code IN_FORMATS},
 * EGL's and Vulkan's modifier queries, linux-dmabuf's format table, GStreamer's {@code drm-format}).
 *
 * <p>Printed {@code NAME:MODIFIER} ({@code NV12:SIM_TILED}, {@code NV12:0x0100000000000001});
 * {@link #drmFormatString()} gives GStreamer's exact spelling. {@link #parse} reads both.
 *
 * @param format the format; not null
 * @param modifier the modifier; not null
 * @see "GStreamer video/video-info-dma.h: drm-format caps field"
 */
public record FormatModifierPair(DrmFormat format, FormatModifier modifier) {
    /**
     * Validates the pair.
     *
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}, {@link Rule#FMT_2 FMT-2}) if either is null
     */
    public FormatModifierPair {
        if (format == null || modifier == null) {
            throw new RuleViolationException(format == null ? Rule.FMT_1 : Rule.FMT_2, "a format/modifier pair with"
                    + " a null " + (format == null ? "format" : "modifier"));
        }
    }

    /**
     * Reads a pair: {@code FORMAT[:MODIFIER]}, the format as {@link DrmFormat#parse} reads it, the modifier as
     * {@link FormatModifier#parse} does. Without a modifier the pair is LINEAR, as in GStreamer's {@code drm-format}
     * ({@code NV12} means {@code NV12:0x0000000000000000}).
     *
     * @param text for example {@code NV12:0x0100000000000001}, {@code XR24}, {@code NV12:SIM_TILED}; not null
     * @return the pair
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}, {@link Rule#FMT_2 FMT-2}) if the text is null or a part
     *     does not parse
     */
    public static FormatModifierPair parse(String text) {
        if (text == null) {
            throw new RuleViolationException(Rule.FMT_1, "FormatModifierPair.parse(null): pass for example"
                    + " NV12:0x0100000000000001");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new FormatModifierPair(DrmFormat.parse(text), FormatModifier.LINEAR);
        }
        return new FormatModifierPair(DrmFormat.parse(text.substring(0, colon)),
                FormatModifier.parse(text.substring(colon + 1)));
    }

    /**
     * The pair as GStreamer's {@code drm-format} caps field writes it: the four characters of the fourcc, then, unless
     * the modifier is LINEAR, a colon and the modifier in hex.
     *
     * @return for example {@code XR24}, {@code NV12:0x0100000000000001}
     */
    public String drmFormatString() {
        return format.fourccString() + (modifier.isLinear() ? "" : ":" + modifier.hex());
    }

    @Override
    public String toString() {
        return format + ":" + modifier;
    }
}
