package org.dmabuf4j.api.image;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * What a device needs of a layout beyond its format and modifier: no modifier expresses these, yet an image that
 * misses them cannot be imported even when the (format, modifier) pair is shared ({@link Rule#NEG_3 NEG-3}). The
 * allocator meets the merged constraints of the request and of every target device ({@link Rule#NEG_4 NEG-4}).
 *
 * <pre>
 *   pitchAlignment 256:  pitch = 4000 (1000 px x 4 B) is refused, 4096 is fine
 *   heightAlignment 16:  a 1080-row NV12 image must have room for 1088 rows per plane (a decoder writes them):
 *                        the UV plane starts at pitch * 1088 or later, and the buffer holds the padded rows
 *   offsetAlignment 4096: every plane starts on a page
 * </pre>
 *
 * @param pitchAlignment every plane's pitch is a multiple of it; a power of two, 1 to 65536
 * @param offsetAlignment every plane's offset is a multiple of it; a power of two, 1 to 65536
 * @param heightAlignment every colour plane has room for the height rounded up to it; a power of two, 1 to 256
 * @see "Documentation/userspace-api/dma-buf-alloc-exchange.rst: alignment of stride or offset is out of scope of
 *     modifiers; height padding (1080 to 1088)"
 */
public record LayoutConstraints(int pitchAlignment, int offsetAlignment, int heightAlignment) {
    /** No constraint. */
    public static final LayoutConstraints NONE = new LayoutConstraints(1, 1, 1);

    /**
     * Validates the constraints.
     *
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) unless each is a power of two in range
     */
    public LayoutConstraints {
        check(pitchAlignment, 65536, "pitch alignment");
        check(offsetAlignment, 65536, "offset alignment");
        check(heightAlignment, 256, "height alignment");
    }

    private static void check(int value, int max, String what) {
        if (value < 1 || value > max || Integer.bitCount(value) != 1) {
            throw new RuleViolationException(Rule.NEG_4, what + " " + value + ": must be a power of two from 1 to "
                    + max);
        }
    }

    /**
     * A copy with another pitch alignment.
     *
     * @param bytes a power of two, 1 to 65536
     * @return the constraints
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) if out of range
     */
    public LayoutConstraints withPitchAlignment(int bytes) {
        return new LayoutConstraints(bytes, offsetAlignment, heightAlignment);
    }

    /**
     * A copy with another offset alignment.
     *
     * @param bytes a power of two, 1 to 65536
     * @return the constraints
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) if out of range
     */
    public LayoutConstraints withOffsetAlignment(int bytes) {
        return new LayoutConstraints(pitchAlignment, bytes, heightAlignment);
    }

    /**
     * A copy with another height alignment.
     *
     * @param rows a power of two, 1 to 256
     * @return the constraints
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) if out of range
     */
    public LayoutConstraints withHeightAlignment(int rows) {
        return new LayoutConstraints(pitchAlignment, offsetAlignment, rows);
    }

    /**
     * The constraints that satisfy both: the larger of each alignment (all are powers of two).
     *
     * @param other the other constraints; not null
     * @return the merge
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) if {@code other} is null
     */
    public LayoutConstraints merge(LayoutConstraints other) {
        if (other == null) {
            throw new RuleViolationException(Rule.NEG_4, "LayoutConstraints.merge(null): pass LayoutConstraints.NONE");
        }
        return new LayoutConstraints(Math.max(pitchAlignment, other.pitchAlignment),
                Math.max(offsetAlignment, other.offsetAlignment), Math.max(heightAlignment, other.heightAlignment));
    }

    /**
     * Why an image does not meet these constraints: each plane's pitch and offset alignment, and room for the padded
     * height in every colour plane (before the next plane of its buffer and before the buffer's end).
     *
     * @param image the descriptor; not null
     * @param bufferSizes the sizes of the image's buffers, by index; not null, as many as the descriptor names
     * @return one sentence per violation; empty if the image meets the constraints
     * @throws RuleViolationException ({@link Rule#NEG_4 NEG-4}) on a null argument, ({@link Rule#FMT_6 FMT-6}) on a
     *     wrong number of sizes or a size that is null, zero or negative
     */
    public List<String> violations(ImageDescriptor image, List<Long> bufferSizes) {
        if (image == null || bufferSizes == null) {
            throw new RuleViolationException(Rule.NEG_4, "LayoutConstraints.violations with a null "
                    + (image == null ? "image" : "size list"));
        }
        if (bufferSizes.size() != image.bufferCount()) {
            throw new RuleViolationException(Rule.FMT_6, "image " + image + " names " + image.bufferCount()
                    + " buffer(s), " + bufferSizes.size() + " size(s) given");
        }
        for (int b = 0; b < bufferSizes.size(); b++) {
            Long size = bufferSizes.get(b);
            if (size == null || size < 1) {
                throw new RuleViolationException(Rule.FMT_6, "image " + image + ": buffer " + b + " has size " + size
                        + "; a buffer size is positive");
            }
        }
        List<String> out = new ArrayList<>();
        List<ImageDescriptor.Plane> planes = image.planes();
        int paddedHeight = (int) Math.min(ImageDescriptor.MAX_DIMENSION + 255L,
                ((long) image.height() + heightAlignment - 1) / heightAlignment * heightAlignment);
        for (int p = 0; p < planes.size(); p++) {
            ImageDescriptor.Plane pl = planes.get(p);
            if (pl.pitch() % pitchAlignment != 0) {
                out.add("plane " + p + " has pitch " + pl.pitch() + ", not a multiple of " + pitchAlignment);
            }
            if (pl.offset() % offsetAlignment != 0) {
                out.add("plane " + p + " has offset " + pl.offset() + ", not a multiple of " + offsetAlignment);
            }
            if (heightAlignment == 1 || image.isMetadataPlane(p)) {
                continue;
            }
            long end = pl.offset() + image.planeExtent(p, paddedHeight);
            long limit = bufferSizes.get(pl.buffer());
            String next = "the end of buffer " + pl.buffer();
            for (int q = 0; q < planes.size(); q++) {
                ImageDescriptor.Plane o = planes.get(q);
                if (q != p && o.buffer() == pl.buffer() && o.offset() > pl.offset() && o.offset() < limit) {
                    limit = o.offset();
                    next = "plane " + q + " at offset " + o.offset();
                }
            }
            if (end > limit) {
                out.add("plane " + p + " has no room for " + paddedHeight + " rows (the height " + image.height()
                        + " aligned to " + heightAlignment + "): they end at " + end + ", past " + next);
            }
        }
        return List.copyOf(out);
    }
}
