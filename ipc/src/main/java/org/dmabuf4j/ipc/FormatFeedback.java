package org.dmabuf4j.ipc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.ImageUsage;

/**
 * What a consumer process can import, sent to the producer before it allocates ({@link Rule#IPC_18 IPC-18}): the
 * pattern of linux-dmabuf's {@code zwp_linux_dmabuf_feedback_v1}, whose tranches list, best first, a target device,
 * what it will do, and the (format, modifier) pairs it takes. The devices live in the other process, so a tranche
 * names its device instead of holding it.
 *
 * <pre>
 *   consumer                                              producer
 *   channel.sendFeedback(FormatFeedback.of(               channel.awaitFeedback(timeout)
 *       encoder.tranche(SAMPLE)))   ── FORMATS ──────►    feedback.modifiers(NV12, camera.formats(RENDER))
 *                                                           = [SIM_TILED_CCS, SIM_TILED, LINEAR] ∩ what the camera renders
 *                                                         channel.createImagePool(3, request with those modifiers)
 * </pre>
 *
 * @param tranches the tranches, best first; at most {@value Wire#MAX_TRANCHES}, each at most
 *     {@value Wire#MAX_PAIRS} pairs
 * @see "zwp_linux_dmabuf_feedback_v1: tranche_target_device, tranche_formats, tranche_flags; dma-buf-alloc-exchange.rst"
 */
public record FormatFeedback(List<Tranche> tranches) {
    /**
     * One tranche: a device of the consumer, a usage, and the pairs it takes there, best first.
     *
     * @param device the device's name; at most 31 bytes of UTF-8
     * @param usage what the device does with the image
     * @param formats the pairs, best first
     */
    public record Tranche(String device, ImageUsage usage, FormatSet formats) {
        /**
         * Validates the tranche.
         *
         * @throws RuleViolationException ({@link Rule#IPC_18 IPC-18}) on a null component, a device name over 31
         *     bytes, or more than {@value Wire#MAX_PAIRS} pairs
         */
        public Tranche {
            if (device == null || usage == null || formats == null) {
                throw new RuleViolationException(Rule.IPC_18, "feedback tranche with a null "
                        + (device == null ? "device name" : usage == null ? "usage" : "format set"));
            }
            if (device.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 31 || device.indexOf('\0') >= 0) {
                throw new RuleViolationException(Rule.IPC_18, "feedback tranche of device '" + device
                        + "': a device name crosses as at most 31 bytes of UTF-8 without NUL");
            }
            if (formats.size() > Wire.MAX_PAIRS) {
                throw new RuleViolationException(Rule.IPC_18, "feedback tranche of device '" + device + "' with "
                        + formats.size() + " pairs; at most " + Wire.MAX_PAIRS + " cross");
            }
        }

        @Override
        public String toString() {
            return usage + " on '" + device + "' " + formats;
        }
    }

    /**
     * Validates the feedback.
     *
     * @throws RuleViolationException ({@link Rule#IPC_18 IPC-18}) on a null list or tranche, or more than
     *     {@value Wire#MAX_TRANCHES} tranches
     */
    public FormatFeedback {
        if (tranches == null || tranches.stream().anyMatch(java.util.Objects::isNull)) {
            throw new RuleViolationException(Rule.IPC_18, "format feedback with a null "
                    + (tranches == null ? "tranche list" : "tranche"));
        }
        if (tranches.size() > Wire.MAX_TRANCHES) {
            throw new RuleViolationException(Rule.IPC_18, "format feedback of " + tranches.size() + " tranches; at"
                    + " most " + Wire.MAX_TRANCHES + " cross");
        }
        tranches = List.copyOf(tranches);
    }

    /**
     * The feedback of local tranches (a device's {@code tranche(usage)}), best first.
     *
     * @param local the tranches; not null
     * @return the feedback, naming each tranche's device
     * @throws RuleViolationException ({@link Rule#IPC_18 IPC-18}) as the constructors
     */
    public static FormatFeedback of(org.dmabuf4j.api.image.Tranche... local) {
        if (local == null) {
            throw new RuleViolationException(Rule.IPC_18, "FormatFeedback.of(null)");
        }
        List<Tranche> out = new ArrayList<>(local.length);
        for (org.dmabuf4j.api.image.Tranche t : local) {
            if (t == null) {
                throw new RuleViolationException(Rule.IPC_18, "FormatFeedback.of with a null tranche");
            }
            out.add(new Tranche(t.device().name(), t.usage(), t.formats()));
        }
        return new FormatFeedback(out);
    }

    /**
     * The modifiers worth asking the allocator for, best first: tranche by tranche, the tranche's modifiers of
     * {@code format} that the producer also has ({@link Rule#NEG_1 NEG-1}: in the tranche's order, INVALID meeting
     * only INVALID), each once. An empty list means no zero-copy layout exists: the producer converts, or the
     * consumer widens its feedback.
     *
     * @param format the format the producer will allocate; not null
     * @param producer what the producer's device can render (or otherwise write); not null
     * @return the candidate modifiers
     * @throws RuleViolationException ({@link Rule#IPC_18 IPC-18}) on a null argument
     */
    public List<FormatModifier> modifiers(DrmFormat format, FormatSet producer) {
        if (format == null || producer == null) {
            throw new RuleViolationException(Rule.IPC_18, "FormatFeedback.modifiers with a null "
                    + (format == null ? "format" : "producer set"));
        }
        LinkedHashSet<FormatModifier> out = new LinkedHashSet<>();
        for (Tranche t : tranches) {
            out.addAll(t.formats().intersect(producer).modifiers(format));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "format feedback " + tranches;
    }
}
