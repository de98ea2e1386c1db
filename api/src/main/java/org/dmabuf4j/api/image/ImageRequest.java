package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * What an image allocation takes (dma-buf-alloc-exchange "Allocation"): the format, the size, the list of acceptable
 * modifiers in preference order, the devices the image is for, and the constraints no modifier expresses. The
 * allocator picks the first modifier every target imports and it can lay out in memory it can get, and reports it in
 * the image's descriptor; it never changes the format or size, nor picks a modifier outside the list
 * ({@link Rule#FMT_7 FMT-7}). A list of only INVALID asks for an implicit allocation (the driver's own layout).
 *
 * <pre>
 *   ImageRequest.of(DrmFormat.NV12, 1920, 1080, FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED,
 *           FormatModifier.LINEAR)
 *       .withTargets(new ImageTarget(gpu, ImageUsage.RENDER), new ImageTarget(display, ImageUsage.SCANOUT))
 *       .withConstraints(LayoutConstraints.NONE.withHeightAlignment(16));
 * </pre>
 *
 * @param format the format; in the catalogue ({@link Rule#FMT_1 FMT-1})
 * @param width pixels per row; 1 to {@link ImageDescriptor#MAX_DIMENSION}
 * @param height rows; 1 to {@link ImageDescriptor#MAX_DIMENSION}
 * @param modifiers the acceptable modifiers, best first; not empty
 * @param targets the devices the image is for; may be empty
 * @param constraints extra alignment; not null
 * @param disjoint true for one buffer per plane, false for every plane in one buffer
 * @see "gbm_bo_create_with_modifiers2; vkCreateImage with VkImageDrmFormatModifierListCreateInfoEXT"
 */
public record ImageRequest(DrmFormat format, int width, int height, List<FormatModifier> modifiers,
        List<ImageTarget> targets, LayoutConstraints constraints, boolean disjoint) {
    /**
     * Validates the request.
     *
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a null or unknown format or bad dimensions,
     *     ({@link Rule#FMT_7 FMT-7}) on a null or empty modifier list or a null modifier, ({@link Rule#NEG_4 NEG-4}) on
     *     a null target list, target or constraints
     */
    public ImageRequest {
        if (format == null) {
            throw new RuleViolationException(Rule.FMT_1, "image request with a null format");
        }
        format.planes(); // FMT-1 for a format outside the catalogue
        if (width < 1 || height < 1 || width > ImageDescriptor.MAX_DIMENSION
                || height > ImageDescriptor.MAX_DIMENSION) {
            throw new RuleViolationException(Rule.FMT_1, "image request of " + format + " " + width + "x" + height
                    + ": width and height must be 1 to " + ImageDescriptor.MAX_DIMENSION);
        }
        if (modifiers == null || modifiers.isEmpty() || Lists.hasNull(modifiers)) {
            throw new RuleViolationException(Rule.FMT_7, "image request of " + format + " with "
                    + (modifiers == null ? "a null" : modifiers.isEmpty() ? "an empty" : "a null element in the")
                    + " modifier list: list the acceptable modifiers, or just INVALID for an implicit layout");
        }
        if (targets == null || Lists.hasNull(targets) || constraints == null) {
            throw new RuleViolationException(Rule.NEG_4, "image request of " + format + " with a null "
                    + (constraints == null ? "constraints (pass LayoutConstraints.NONE)" : "target"));
        }
        modifiers = List.copyOf(modifiers);
        targets = List.copyOf(targets);
    }

    /**
     * A request without targets or constraints, every plane in one buffer.
     *
     * @param format the format; in the catalogue
     * @param width pixels per row; positive
     * @param height rows; positive
     * @param modifiers the acceptable modifiers, best first; not empty
     * @return the request
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}, {@link Rule#FMT_7 FMT-7}) as the constructor
     */
    public static ImageRequest of(DrmFormat format, int width, int height, FormatModifier... modifiers) {
        return new ImageRequest(format, width, height, modifiers == null ? null : java.util.Arrays.asList(modifiers),
                List.of(), LayoutConstraints.NONE, false);
    }

    /**
     * A copy for these devices.
     *
     * @param newTargets the targets; not null, elements not null
     * @return the request
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) on a null array or element
     */
    public ImageRequest withTargets(ImageTarget... newTargets) {
        if (newTargets == null) {
            throw new RuleViolationException(Rule.NEG_4, "withTargets(null)");
        }
        return new ImageRequest(format, width, height, modifiers, java.util.Arrays.asList(newTargets), constraints,
                disjoint);
    }

    /**
     * A copy with other constraints.
     *
     * @param newConstraints the constraints; not null
     * @return the request
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) if null
     */
    public ImageRequest withConstraints(LayoutConstraints newConstraints) {
        return new ImageRequest(format, width, height, modifiers, targets, newConstraints, disjoint);
    }

    /**
     * A copy with one buffer per plane ({@code true}) or all planes in one buffer.
     *
     * @param newDisjoint whether the planes get buffers of their own
     * @return the request
     */
    public ImageRequest withDisjointPlanes(boolean newDisjoint) {
        return new ImageRequest(format, width, height, modifiers, targets, constraints, newDisjoint);
    }
}
