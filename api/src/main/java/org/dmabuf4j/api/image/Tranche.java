package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * One preference level of a consumer's format feedback, as linux-dmabuf's {@code zwp_linux_dmabuf_feedback_v1}
 * tranches: a target device, what it will do (scanout for a display plane, sampling for the compositor's renderer),
 * and the (format, modifier) pairs it takes, best first. A consumer lists its tranches best first; negotiation tries
 * them in that order ({@link Rule#NEG_5 NEG-5}).
 *
 * @param device the target device of the tranche; not null
 * @param usage what the device will do; not null
 * @param formats the pairs, in preference order; not null
 * @see "zwp_linux_dmabuf_feedback_v1: tranche_target_device, tranche_flags (scanout), tranche_formats"
 */
public record Tranche(Device device, ImageUsage usage, FormatSet formats) {
    /**
     * Validates the tranche.
     *
     * @throws RuleViolationException ({@link Rule#NEG_5 NEG-5}) on a null component
     */
    public Tranche {
        if (device == null || usage == null || formats == null) {
            throw new RuleViolationException(Rule.NEG_5, "tranche with a null "
                    + (device == null ? "device" : usage == null ? "usage" : "format set"));
        }
    }

    @Override
    public String toString() {
        return usage + " on '" + device.name() + "' " + formats;
    }
}
