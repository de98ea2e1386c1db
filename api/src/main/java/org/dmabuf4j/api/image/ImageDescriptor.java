package org.dmabuf4j.api.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;

/**
 * What every dma-buf image API passes between producer and consumer: format, modifier, width and height in pixels,
 * and per memory plane {buffer, offset, pitch}. An immutable value with no buffer object inside: each plane names its
 * buffer by an index into the image's buffer list, so the descriptor can travel over a socket beside the buffers'
 * file descriptors (SCM_RIGHTS carries them as an array; the indexes point into it) ({@link Rule#FMT_6 FMT-6}).
 *
 * <pre>
 *   NV12 1920x1080, LINEAR, one buffer               NV12 1920x1080, SIM_TILED_CCS, two buffers
 *   buffer 0                                         buffer 0                    buffer 1
 *   +---------------------------+ offset 0           +----------------+ 0        +------+ 0  metadata of Y
 *   | Y   1080 rows x pitch     | plane 0            | Y tiles        | plane 0  | 1 B  |     (1 byte per tile)
 *   +---------------------------+ pitch * 1080       +----------------+          +------+    metadata of UV
 *   | UV  540 rows x pitch      | plane 1            | UV tiles       | plane 1  | 1 B  |
 *   +---------------------------+                    +----------------+          +------+
 *   planes: [0: buf 0 +0, 1: buf 0 +pitch*1080]      planes: [0: buf 0, 1: buf 0, 2: buf 1, 3: buf 1]
 * </pre>
 *
 * <p>The record validates what needs no buffer ({@link Rule#FMT_1 FMT-1}, {@link Rule#FMT_2 FMT-2},
 * {@link Rule#FMT_4 FMT-4}, {@link Rule#FMT_6 FMT-6}): a catalogue format, positive dimensions, 1 to 4 planes and
 * exactly the format's colour planes plus those the modifier adds, pitches and offsets large and aligned enough, buffer
 * indexes 0 to n-1 all used. {@link #checkBuffers} checks the planes against the buffers' sizes
 * ({@link Rule#FMT_5 FMT-5}). One modifier for every plane is the record's shape; {@link #builder} adds planes one at a
 * time, each with its modifier, as linux-dmabuf's {@code add} request does, and refuses a mismatch
 * ({@link Rule#FMT_3 FMT-3}).
 *
 * <p>Extent of a plane (the bytes it occupies from its offset): a linear colour plane {@code pitch * (rows - 1) +
 * rowBytes} (the last row need not be padded, as the kernel's framebuffer check allows), a tiled one
 * {@code pitch * rows rounded up to whole tiles}, a metadata plane {@code pitch * (tileRows - 1) + tilesPerRow}, an
 * auxiliary plane of a modifier whose layout is unknown here one pitch.
 *
 * @param format the pixel format; in the catalogue ({@link Rule#FMT_1 FMT-1})
 * @param modifier the layout of every plane ({@link Rule#FMT_3 FMT-3}); INVALID for an implicit layout
 *     ({@link Rule#NEG_2 NEG-2})
 * @param width pixels per row; 1 to {@value #MAX_DIMENSION}
 * @param height rows of pixels; 1 to {@value #MAX_DIMENSION}
 * @param planes the memory planes: colour planes in format order, then metadata planes; 1 to {@value #MAX_PLANES}
 * @see "Documentation/userspace-api/dma-buf-alloc-exchange.rst: Dimensions and size, Import;
 *     zwp_linux_buffer_params_v1; AVDRMFrameDescriptor; VkImageDrmFormatModifierExplicitCreateInfoEXT"
 */
public record ImageDescriptor(DrmFormat format, FormatModifier modifier, int width, int height, List<Plane> planes) {
    /** The most memory planes an image has, as in every dma-buf import API. */
    public static final int MAX_PLANES = 4;
    /** The largest width or height accepted. */
    public static final int MAX_DIMENSION = 65536;

    /**
     * One memory plane: which buffer, where in it, and the bytes from one row to the next.
     *
     * @param buffer the index of the plane's buffer in the image's buffer list; not negative
     * @param offset the first byte of the plane in that buffer; not negative
     * @param pitch bytes from one row to the next (for a tiled plane: of the as-if-linear rows); positive
     */
    public record Plane(int buffer, long offset, long pitch) {
        /**
         * Validates the plane on its own; the descriptor checks it against the format.
         *
         * @throws RuleViolationException ({@link Rule#FMT_6 FMT-6}) on a negative buffer index,
         *     ({@link Rule#FMT_5 FMT-5}) on a negative offset, ({@link Rule#FMT_4 FMT-4}) on a pitch that is not
         *     positive or above 2^32
         */
        public Plane {
            if (buffer < 0) {
                throw new RuleViolationException(Rule.FMT_6, "plane with buffer index " + buffer + ": indexes count"
                        + " from 0 into the image's buffer list");
            }
            if (offset < 0) {
                throw new RuleViolationException(Rule.FMT_5, "plane with offset " + offset + ": must not be negative");
            }
            if (pitch <= 0 || pitch > 1L << 32) {
                throw new RuleViolationException(Rule.FMT_4, "plane with pitch " + pitch + ": must be 1 to 2^32 bytes");
            }
        }
    }

    /**
     * Validates everything that needs no buffer.
     *
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a null or unknown format or bad dimensions,
     *     ({@link Rule#FMT_2 FMT-2}) on a null modifier or plane list, a null plane or a wrong plane count,
     *     ({@link Rule#FMT_4 FMT-4}) on a pitch or offset too small or misaligned, ({@link Rule#FMT_6 FMT-6}) if the
     *     buffer indexes are not 0 to n-1
     */
    public ImageDescriptor {
        if (format == null) {
            throw new RuleViolationException(Rule.FMT_1, "image descriptor with a null format");
        }
        if (!format.isKnown()) {
            format.planes(); // throws FMT-1 naming the catalogue
        }
        if (modifier == null || planes == null) {
            throw new RuleViolationException(Rule.FMT_2, "image descriptor of " + format + " with a null "
                    + (modifier == null ? "modifier (pass FormatModifier.INVALID for an implicit layout)" : "plane list"));
        }
        if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new RuleViolationException(Rule.FMT_1, "image descriptor of " + format + " " + width + "x" + height
                    + ": width and height must be 1 to " + MAX_DIMENSION);
        }
        planes = List.copyOf(nonNull(planes, format));
        checkPlaneCount(format, modifier, planes.size());
        checkIndexes(format, planes);
        for (int p = 0; p < planes.size(); p++) {
            checkPitch(format, modifier, width, planes, p);
        }
    }

    private static List<Plane> nonNull(List<Plane> planes, DrmFormat format) {
        for (int i = 0; i < planes.size(); i++) {
            if (planes.get(i) == null) {
                throw new RuleViolationException(Rule.FMT_2, "plane " + i + " of an image descriptor of " + format
                        + " is null");
            }
        }
        return planes;
    }

    private static void checkPlaneCount(DrmFormat format, FormatModifier modifier, int n) {
        if (n < 1 || n > MAX_PLANES) {
            throw new RuleViolationException(Rule.FMT_2, "image descriptor of " + format + ":" + modifier + " with "
                    + n + " planes: an image has 1 to " + MAX_PLANES + " memory planes");
        }
        OptionalInt expected = modifier.memoryPlanes(format);
        if (expected.isPresent() && expected.getAsInt() != n) {
            throw new RuleViolationException(Rule.FMT_2, "image descriptor of " + format + ":" + modifier + " with " + n
                    + " plane(s): " + format + " has " + format.planeCount() + " colour plane(s)"
                    + (modifier.hasMetadataPlanes() ? " and " + modifier + " adds a metadata plane to each" : "")
                    + ", so it needs exactly " + expected.getAsInt()
                    + (expected.getAsInt() > MAX_PLANES ? ", more than " + MAX_PLANES + ": " + modifier
                    + " cannot be used with " + format : ""));
        }
        if (expected.isEmpty() && n < format.planeCount()) {
            throw new RuleViolationException(Rule.FMT_2, "image descriptor of " + format + ":" + modifier + " with " + n
                    + " plane(s): " + format + " has " + format.planeCount() + " colour planes");
        }
    }

    private static void checkIndexes(DrmFormat format, List<Plane> planes) {
        BitSet used = new BitSet();
        for (Plane p : planes) {
            used.set(p.buffer());
        }
        if (used.nextClearBit(0) != used.length()) {
            throw new RuleViolationException(Rule.FMT_6, "image descriptor of " + format + " uses buffer indexes "
                    + used + ": planes must name buffers 0 to n-1, each at least once, so that the buffer list has"
                    + " no hole");
        }
    }

    private static void checkPitch(DrmFormat format, FormatModifier modifier, int width, List<Plane> planes, int p) {
        Plane plane = planes.get(p);
        int colour = format.planeCount();
        if (p >= colour) {
            if (!modifier.hasMetadataPlanes()) {
                return; // another vendor's auxiliary plane: its layout is unknown here
            }
            long tilesPerRow = tilesPerRow(planes.get(p - colour).pitch());
            if (plane.pitch() < tilesPerRow) {
                throw new RuleViolationException(Rule.FMT_4, "metadata plane " + p + " of " + format + ":" + modifier
                        + " has pitch " + plane.pitch() + ", less than the " + tilesPerRow + " tiles per row of colour"
                        + " plane " + (p - colour));
            }
            return;
        }
        FormatPlane fp = format.plane(p);
        long rowBytes = fp.rowBytes(width);
        if (plane.pitch() < rowBytes) {
            throw new RuleViolationException(Rule.FMT_4, "plane " + p + " of " + format + ":" + modifier + " " + width
                    + " pixels wide has pitch " + plane.pitch() + ", less than its " + fp.width(width) + " samples x "
                    + fp.bytesPerSample() + " bytes = " + rowBytes + "; the pitch is at least the row's bytes");
        }
        if (tiled(modifier) instanceof Tiling.Tiled t) {
            if (plane.pitch() % t.widthBytes() != 0 || plane.offset() % t.tileBytes() != 0) {
                throw new RuleViolationException(Rule.FMT_4, "plane " + p + " of " + format + ":" + modifier
                        + " has pitch " + plane.pitch() + " and offset " + plane.offset() + ": a " + modifier
                        + " plane's pitch is a multiple of its " + t.widthBytes() + "-byte tile width and its offset"
                        + " of the " + t.tileBytes() + "-byte tile");
            }
        } else if (plane.pitch() % fp.bytesPerSample() != 0 || plane.offset() % fp.bytesPerSample() != 0) {
            throw new RuleViolationException(Rule.FMT_4, "plane " + p + " of " + format + ":" + modifier + " has pitch "
                    + plane.pitch() + " and offset " + plane.offset() + ": both must be multiples of its "
                    + fp.bytesPerSample() + "-byte samples");
        }
    }

    private static Tiling tiled(FormatModifier modifier) {
        return modifier.tiling().orElse(Tiling.LINEAR);
    }

    private static long tilesPerRow(long pitch) {
        return (pitch + 127) / 128;
    }

    /**
     * Starts a descriptor plane by plane, as linux-dmabuf's {@code zwp_linux_buffer_params_v1} does: each plane comes
     * with its own modifier, and {@link Builder#build()} refuses planes that disagree ({@link Rule#FMT_3 FMT-3}).
     *
     * @param format the format; not null
     * @param width pixels per row; positive
     * @param height rows; positive
     * @return a builder
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) on a null format, one outside the catalogue, or bad
     *     dimensions: up front, as the record's constructor would at {@code build()}
     */
    public static Builder builder(DrmFormat format, int width, int height) {
        if (format == null) {
            throw new RuleViolationException(Rule.FMT_1, "ImageDescriptor.builder with a null format");
        }
        format.planes(); // FMT-1 for a format outside the catalogue
        if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new RuleViolationException(Rule.FMT_1, "ImageDescriptor.builder of " + format + " " + width + "x"
                    + height + ": width and height must be 1 to " + MAX_DIMENSION);
        }
        return new Builder(format, width, height);
    }

    /**
     * The format and modifier.
     *
     * @return the pair
     */
    public FormatModifierPair pair() {
        return new FormatModifierPair(format, modifier);
    }

    /**
     * The number of colour planes: the format's.
     *
     * @return 1 to 3
     */
    public int colourPlaneCount() {
        return format.planeCount();
    }

    /**
     * Whether a plane is a modifier's metadata plane rather than a colour plane.
     *
     * @param plane the plane index; 0 to planes().size() - 1
     * @return true for the planes after the colour planes
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the index is out of range
     */
    public boolean isMetadataPlane(int plane) {
        return checkPlane(plane) >= format.planeCount();
    }

    /**
     * The number of buffers the planes name.
     *
     * @return the highest buffer index plus one
     */
    public int bufferCount() {
        int max = 0;
        for (Plane p : planes) {
            max = Math.max(max, p.buffer());
        }
        return max + 1;
    }

    /**
     * Samples per row of a plane (for a metadata plane: tiles per row of its colour plane; for another vendor's
     * auxiliary plane, whose layout is unknown: its pitch).
     *
     * @param plane the plane index
     * @return the count
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the index is out of range
     */
    public int planeWidth(int plane) {
        int p = checkPlane(plane);
        if (p >= format.planeCount() && !modifier.hasMetadataPlanes()) {
            return (int) Math.min(Integer.MAX_VALUE, planes.get(p).pitch());
        }
        if (p >= format.planeCount()) {
            return (int) tilesPerRow(planes.get(p - format.planeCount()).pitch());
        }
        return format.plane(p).width(width);
    }

    /**
     * Rows of a plane (for a metadata plane: tile rows of its colour plane; for another vendor's auxiliary plane: 1).
     *
     * @param plane the plane index
     * @return the count
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the index is out of range
     */
    public int planeRows(int plane) {
        int p = checkPlane(plane);
        if (p >= format.planeCount() && !modifier.hasMetadataPlanes()) {
            return 1;
        }
        if (p >= format.planeCount()) {
            return (format.plane(p - format.planeCount()).height(height) + 31) / 32;
        }
        return format.plane(p).height(height);
    }

    /**
     * The bytes of one row of a plane without padding.
     *
     * @param plane the plane index
     * @return samples per row times bytes per sample (1 byte per tile for a metadata plane)
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the index is out of range
     */
    public long planeRowBytes(int plane) {
        int p = checkPlane(plane);
        if (p >= format.planeCount()) {
            return planeWidth(p);
        }
        return format.plane(p).rowBytes(width);
    }

    /**
     * The bytes a plane occupies from its offset (see the class comment).
     *
     * @param plane the plane index
     * @return the extent
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the index is out of range
     */
    public long planeExtent(int plane) {
        return planeExtent(plane, height);
    }

    /**
     * The bytes a plane occupies from its offset for an image of {@code rows} pixel rows: as {@link #planeExtent(int)}
     * for a height padded to {@code rows} (a producer's or consumer's height alignment, which no modifier expresses).
     *
     * @param plane the plane index
     * @param imageRows the padded height in pixels; at least {@link #height()}
     * @return the extent
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the index is out of range,
     *     ({@link Rule#FMT_1 FMT-1}) if {@code imageRows} is less than the height
     */
    public long planeExtent(int plane, int imageRows) {
        int p = checkPlane(plane);
        if (imageRows < height) {
            throw new RuleViolationException(Rule.FMT_1, "planeExtent for " + imageRows + " rows of a " + height
                    + "-row image");
        }
        Plane pl = planes.get(p);
        int colour = format.planeCount();
        if (p >= colour && !modifier.hasMetadataPlanes()) {
            return pl.pitch(); // another vendor's auxiliary plane: one row is all that is known
        }
        if (p >= colour) {
            long tileRows = (format.plane(p - colour).height(imageRows) + 31) / 32;
            return pl.pitch() * (tileRows - 1) + planeRowBytes(p);
        }
        long rows = format.plane(p).height(imageRows);
        if (tiled(modifier) instanceof Tiling.Tiled t) {
            return pl.pitch() * ((rows + t.heightRows() - 1) / t.heightRows() * t.heightRows());
        }
        return pl.pitch() * (rows - 1) + planeRowBytes(p);
    }

    /**
     * Checks the planes against the sizes of the image's buffers ({@link Rule#FMT_5 FMT-5}, {@link Rule#FMT_6 FMT-6}):
     * as many buffers as the planes name, every plane within its buffer, and planes of one buffer not overlapping.
     *
     * @param bufferSizes the size of each buffer, by index; not null
     * @throws RuleViolationException ({@link Rule#FMT_6 FMT-6}) if the count differs from {@link #bufferCount()},
     *     ({@link Rule#FMT_5 FMT-5}) if a plane ends past its buffer or two planes overlap
     */
    public void checkBuffers(List<Long> bufferSizes) {
        if (bufferSizes == null || bufferSizes.size() != bufferCount()) {
            throw new RuleViolationException(Rule.FMT_6, "image " + this + " names " + bufferCount() + " buffer(s) but "
                    + (bufferSizes == null ? "no buffer list" : bufferSizes.size() + " buffer(s)") + " were given");
        }
        long[][] extents = new long[planes.size()][];
        for (int p = 0; p < planes.size(); p++) {
            Plane pl = planes.get(p);
            long size = bufferSizes.get(pl.buffer());
            long extent = planeExtent(p);
            if (pl.offset() > size || extent > size - pl.offset()) {
                throw new RuleViolationException(Rule.FMT_5, "plane " + p + " of image " + this + " occupies bytes ["
                        + pl.offset() + ", " + (pl.offset() + extent) + ") of buffer " + pl.buffer() + ", which has "
                        + size + " bytes; the offset, pitch and rows must fit the buffer");
            }
            extents[p] = new long[] {pl.offset(), pl.offset() + extent};
            for (int q = 0; q < p; q++) {
                if (planes.get(q).buffer() == pl.buffer() && extents[q][0] < extents[p][1]
                        && extents[p][0] < extents[q][1]) {
                    throw new RuleViolationException(Rule.FMT_5, "planes " + q + " " + Arrays.toString(extents[q])
                            + " and " + p + " " + Arrays.toString(extents[p]) + " of image " + this + " overlap in"
                            + " buffer " + pl.buffer() + "; each plane needs its own bytes");
                }
            }
        }
    }

    private int checkPlane(int plane) {
        if (plane < 0 || plane >= planes.size()) {
            throw new RuleViolationException(Rule.FMT_2, "plane " + plane + " of image " + this + ", which has "
                    + planes.size() + " plane(s)");
        }
        return plane;
    }

    /**
     * The descriptor in one line.
     *
     * @return for example {@code NV12:LINEAR 1920x1080 [0: buffer 0 +0 pitch 1920, 1: buffer 0 +2073600 pitch 1920]}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(format).append(':').append(modifier).append(' ').append(width)
                .append('x').append(height).append(" [");
        for (int i = 0; i < planes.size(); i++) {
            Plane p = planes.get(i);
            sb.append(i == 0 ? "" : ", ").append(i).append(": buffer ").append(p.buffer()).append(" +")
                    .append(p.offset()).append(" pitch ").append(p.pitch());
        }
        return sb.append(']').toString();
    }

    /**
     * Collects planes one at a time, each with its modifier, like linux-dmabuf's {@code zwp_linux_buffer_params_v1}
     * ({@code add} per plane, then {@code create}): a plane set twice or out of range is refused at once, a missing
     * plane or a plane whose modifier differs from plane 0's at {@link #build()} ({@link Rule#FMT_3 FMT-3}). Not
     * thread-safe.
     */
    public static final class Builder {
        private final DrmFormat format;
        private final int width;
        private final int height;
        private final Plane[] planes = new Plane[MAX_PLANES];
        private final FormatModifier[] modifiers = new FormatModifier[MAX_PLANES];

        private Builder(DrmFormat format, int width, int height) {
            this.format = format;
            this.width = width;
            this.height = height;
        }

        /**
         * Adds one plane ({@code zwp_linux_buffer_params_v1.add}).
         *
         * @param index the plane index; 0 to 3
         * @param buffer the index of its buffer; not negative
         * @param offset its first byte in the buffer; not negative
         * @param pitch bytes per row; positive
         * @param modifier the plane's modifier; not null
         * @return this builder
         * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) on an index out of range or a null modifier,
         *     ({@link Rule#FMT_3 FMT-3}) if the plane was already added; the builder is unchanged. As
         *     {@link Plane#Plane} on a bad buffer, offset or pitch.
         */
        public Builder plane(int index, int buffer, long offset, long pitch, FormatModifier modifier) {
            if (index < 0 || index >= MAX_PLANES) {
                throw new RuleViolationException(Rule.FMT_2, "plane index " + index + " for an image of " + format
                        + ": must be 0 to " + (MAX_PLANES - 1) + " (linux-dmabuf PLANE_IDX)");
            }
            if (modifier == null) {
                throw new RuleViolationException(Rule.FMT_2, "plane " + index + " of an image of " + format
                        + " with a null modifier: pass FormatModifier.INVALID for an implicit layout");
            }
            if (planes[index] != null) {
                throw new RuleViolationException(Rule.FMT_3, "plane " + index + " of an image of " + format
                        + " was already added (linux-dmabuf PLANE_SET)");
            }
            Plane p = new Plane(buffer, offset, pitch);
            planes[index] = p;
            modifiers[index] = modifier;
            return this;
        }

        /**
         * The descriptor ({@code zwp_linux_buffer_params_v1.create}).
         *
         * @return the validated descriptor
         * @throws RuleViolationException ({@link Rule#FMT_3 FMT-3}) if planes 0 to n-1 are not all present or their
         *     modifiers differ; as the descriptor's constructor otherwise
         */
        public ImageDescriptor build() {
            List<Plane> list = new ArrayList<>();
            int n = 0;
            while (n < MAX_PLANES && planes[n] != null) {
                list.add(planes[n]);
                n++;
            }
            for (int i = n; i < MAX_PLANES; i++) {
                if (planes[i] != null) {
                    throw new RuleViolationException(Rule.FMT_3, "plane " + i + " of an image of " + format
                            + " was added but plane " + n + " was not: planes are 0 to n-1 (linux-dmabuf INCOMPLETE)");
                }
            }
            if (n == 0) {
                throw new RuleViolationException(Rule.FMT_3, "an image of " + format + " without any plane"
                        + " (linux-dmabuf INCOMPLETE)");
            }
            for (int i = 1; i < n; i++) {
                if (!modifiers[i].equals(modifiers[0])) {
                    throw new RuleViolationException(Rule.FMT_3, "plane " + i + " of an image of " + format
                            + " has modifier " + modifiers[i] + " but plane 0 has " + modifiers[0] + ": every plane of"
                            + " an image has the same modifier (linux-dmabuf INVALID_FORMAT); the modifier describes"
                            + " the whole image's layout");
                }
            }
            return new ImageDescriptor(format, modifiers[0], width, height, list);
        }
    }
}
