package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * One colour plane of a {@link DrmFormat}: how many bytes one sample takes and how many image pixels one sample
 * covers. A sample of a plane covers {@code hsub x vsub} pixels of the image:
 *
 * <pre>
 *   NV12, 4x2 pixels                      plane 0 (Y):  1 byte per sample, 1x1 pixel
 *     Y Y Y Y       UV    UV              plane 1 (UV): 2 bytes per sample (U, V), 2x2 pixels
 *     Y Y Y Y
 *   YUYV, 4x1 pixels                      plane 0:      4 bytes per sample (Y0 U Y1 V), 2x1 pixels
 *     [Y0 U Y1 V] [Y2 U Y3 V]
 * </pre>
 *
 * A plane of an image {@code width x height} has {@code ceil(width / hsub)} samples per row and
 * {@code ceil(height / vsub)} rows, as the kernel's {@code drm_format_info_plane_width/height} compute them.
 *
 * @param bytesPerSample bytes of one sample; 1 to 16
 * @param hsub pixels one sample covers horizontally; 1, 2 or 4
 * @param vsub pixels one sample covers vertically; 1, 2 or 4
 * @see "include/drm/drm_fourcc.h: struct drm_format_info (cpp, hsub, vsub)"
 */
public record FormatPlane(int bytesPerSample, int hsub, int vsub) {
    /**
     * Validates the plane.
     *
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if a value is out of range
     */
    public FormatPlane {
        if (bytesPerSample < 1 || bytesPerSample > 16 || !subsampling(hsub) || !subsampling(vsub)) {
            throw new RuleViolationException(Rule.FMT_1, "format plane of " + bytesPerSample + " bytes per sample, "
                    + hsub + "x" + vsub + " subsampling: bytes per sample must be 1..16, subsampling 1, 2 or 4");
        }
    }

    private static boolean subsampling(int s) {
        return s == 1 || s == 2 || s == 4;
    }

    /**
     * Samples per row of this plane for an image of {@code imageWidth} pixels.
     *
     * @param imageWidth the image's width in pixels; positive
     * @return {@code ceil(imageWidth / hsub)}
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a negative width
     */
    public int width(int imageWidth) {
        checkDimension(imageWidth, "width");
        return (int) (((long) imageWidth + hsub - 1) / hsub);
    }

    /**
     * Rows of this plane for an image of {@code imageHeight} pixels.
     *
     * @param imageHeight the image's height in pixels; positive
     * @return {@code ceil(imageHeight / vsub)}
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a negative height
     */
    public int height(int imageHeight) {
        checkDimension(imageHeight, "height");
        return (int) (((long) imageHeight + vsub - 1) / vsub);
    }

    /**
     * The bytes of one row of this plane's samples, without padding: the smallest pitch a linear plane may have.
     *
     * @param imageWidth the image's width in pixels; positive
     * @return {@code width(imageWidth) * bytesPerSample}
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a negative width
     */
    public long rowBytes(int imageWidth) {
        return (long) width(imageWidth) * bytesPerSample;
    }

    /** FMT-1: an image dimension is not negative (zero, an empty image's, gives zero samples). */
    private void checkDimension(int pixels, String what) {
        if (pixels < 0) {
            throw new RuleViolationException(Rule.FMT_1, what + "(" + pixels + ") of plane " + this
                    + ": an image's width and height are 1 to " + ImageDescriptor.MAX_DIMENSION);
        }
    }
}
