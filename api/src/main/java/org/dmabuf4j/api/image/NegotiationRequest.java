package org.dmabuf4j.api.image;

import java.util.Arrays;
import java.util.List;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * What a producer and a consumer bring to a negotiation ({@link Rule#NEG_5 NEG-5}): the format and size of the frames,
 * what the producer can render (one tranche: its device and its pairs), the consumer's feedback (tranches, best first),
 * the devices that may convert between two layouts if no layout suits both, and extra constraints.
 *
 * <pre>
 *   NegotiationRequest.of(DrmFormat.NV12, 1920, 1080, camera.tranche(ImageUsage.RENDER),
 *           display.tranche(ImageUsage.SCANOUT), gpu.tranche(ImageUsage.SAMPLE))
 *       .withBlitters(gpu);
 * </pre>
 *
 * @param format the format of the frames; in the catalogue ({@link Rule#FMT_1 FMT-1})
 * @param width pixels per row; positive
 * @param height rows; positive
 * @param producer the producer's device and the pairs it renders, best first; not null
 * @param consumer the consumer's tranches, best first; not null, may be empty (then only copy routes remain)
 * @param blitters devices that may convert between layouts with an image copy job; not null
 * @param constraints extra alignment for every allocation; not null
 * @see "zwp_linux_dmabuf_feedback_v1; Documentation/userspace-api/dma-buf-alloc-exchange.rst: Negotiation"
 */
public record NegotiationRequest(DrmFormat format, int width, int height, Tranche producer, List<Tranche> consumer,
        List<Device> blitters, LayoutConstraints constraints) {
    /**
     * Validates the request.
     *
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a bad format or size, ({@link Rule#NEG_5 NEG-5}) on
     *     a null component or element
     */
    public NegotiationRequest {
        if (format == null) {
            throw new RuleViolationException(Rule.FMT_1, "negotiation request with a null format");
        }
        format.planes();
        if (width < 1 || height < 1 || width > ImageDescriptor.MAX_DIMENSION
                || height > ImageDescriptor.MAX_DIMENSION) {
            throw new RuleViolationException(Rule.FMT_1, "negotiation request of " + format + " " + width + "x"
                    + height + ": width and height must be 1 to " + ImageDescriptor.MAX_DIMENSION);
        }
        if (producer == null || consumer == null || Lists.hasNull(consumer) || blitters == null
                || Lists.hasNull(blitters) || constraints == null) {
            throw new RuleViolationException(Rule.NEG_5, "negotiation request of " + format + " with a null "
                    + (producer == null ? "producer" : consumer == null || Lists.hasNull(consumer) ? "consumer tranche"
                    : constraints == null ? "constraints" : "blitter"));
        }
        consumer = List.copyOf(consumer);
        blitters = List.copyOf(blitters);
    }

    /**
     * A request without blitters or constraints.
     *
     * @param format the format; in the catalogue
     * @param width pixels per row; positive
     * @param height rows; positive
     * @param producer the producer's tranche; not null
     * @param consumer the consumer's tranches, best first; not null, elements not null
     * @return the request
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}, {@link Rule#NEG_5 NEG-5}) as the constructor
     */
    public static NegotiationRequest of(DrmFormat format, int width, int height, Tranche producer,
            Tranche... consumer) {
        return new NegotiationRequest(format, width, height, producer, consumer == null ? null
                : Arrays.asList(consumer), List.of(), LayoutConstraints.NONE);
    }

    /**
     * A copy with devices that may convert between layouts.
     *
     * @param devices the devices; not null, elements not null
     * @return the request
     * @throws RuleViolationException ({@link Rule#NEG_5 NEG-5}) on a null array or element
     */
    public NegotiationRequest withBlitters(Device... devices) {
        return new NegotiationRequest(format, width, height, producer, consumer, devices == null ? null
                : Arrays.asList(devices), constraints);
    }

    /**
     * A copy with other constraints.
     *
     * @param newConstraints the constraints; not null
     * @return the request
     * @throws RuleViolationException ({@link Rule#NEG_5 NEG-5}) if null
     */
    public NegotiationRequest withConstraints(LayoutConstraints newConstraints) {
        return new NegotiationRequest(format, width, height, producer, consumer, blitters, newConstraints);
    }
}
