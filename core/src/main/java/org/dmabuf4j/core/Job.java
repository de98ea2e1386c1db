package org.dmabuf4j.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.image.FormatPlane;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;

/**
 * A unit of work for a {@link DeviceEngine}: which bytes it reads and writes, through which mappings, and which
 * fences it must wait for besides the implicit ones ({@link Rule#DEV_8 DEV-8}).
 *
 * <p>A job reaches buffer memory only through mappings of its engine's device, by DMA address; offsets are buffer
 * offsets within the mapping. Heap-side segments ({@link Read#into()}, {@link Write#from()}) are touched when the job
 * runs, on the engine's thread: they must be reachable from any thread (heap, global, automatic or shared memory, not
 * a confined arena's) and stay alive and unchanged by others until the job's fence signals. Jobs are immutable values;
 * {@link #after(Fence...)} returns a copy with more explicit dependencies.
 *
 * <pre>
 *   Fence copied = engine.submit(Job.copy(srcMapping, 0, dstMapping, 0, 4096).after(cameraDone));
 *   Fence blit = gpu.engine().submit(Job.convert(tiledFrame, linearFrame));     // image mappings: layouts converted
 * </pre>
 *
 * <p>{@link ImageCopy} and {@link ImageFill} work on images ({@link ImageMapping}s of image attachments) and understand
 * their layouts ({@link Rule#FMT_10 FMT-10}): the blit a compositor does when negotiation found no shared layout.
 */
public sealed interface Job permits Job.Copy, Job.Fill, Job.Read, Job.Write, Job.ImageCopy, Job.ImageFill {
    /**
     * The explicit dependencies: fences (leaves or containers) the job waits for besides the implicit ones.
     *
     * @return an immutable list
     */
    List<Fence> after();

    /**
     * A copy of this job that also waits for {@code fences}.
     *
     * @param fences more dependencies; not null, elements not null
     * @return the new job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null array or element
     */
    Job after(Fence... fences);

    /**
     * A copy of this job that also waits for the fence of a sync file (explicit synchronisation).
     *
     * @param syncFile the sync file; not null
     * @return the new job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) if null
     */
    default Job after(SyncFile syncFile) {
        if (syncFile == null) {
            throw new RuleViolationException(Rule.DEV_8, "after(null sync file) for " + this
                    + ": pass a sync file, or no dependency at all");
        }
        return after(syncFile.fence());
    }

    /**
     * The number of bytes the job moves or fills.
     *
     * @return a positive count
     */
    long length();

    /**
     * A device copy from one mapping to another (both of the engine's device; the same buffer is allowed).
     *
     * @param src the source mapping; allows device reads ({@link Rule#DEV_4 DEV-4})
     * @param srcOffset the first source byte
     * @param dst the destination mapping; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param dstOffset the first destination byte
     * @param length the bytes; positive
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null mapping or a range outside a mapping,
     *     ({@link Rule#DEV_4 DEV-4}) on a mapping whose direction does not allow the access
     */
    static Copy copy(Mapping src, long srcOffset, Mapping dst, long dstOffset, long length) {
        return new Copy(src, srcOffset, dst, dstOffset, length, List.of());
    }

    /**
     * A device fill of a range with one byte value.
     *
     * @param dst the mapping written; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param offset the first byte
     * @param length the bytes; positive
     * @param value the byte written
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null mapping or a range outside it,
     *     ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static Fill fill(Mapping dst, long offset, long length, byte value) {
        return new Fill(dst, offset, length, value, List.of());
    }

    /**
     * A device read of buffer memory into a heap-side segment (device memory to heap).
     *
     * @param src the mapping read; allows device reads ({@link Rule#DEV_4 DEV-4})
     * @param offset the first byte
     * @param into where the bytes go: {@code into.byteSize()} of them; writable, reachable from any thread
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null argument, an empty or read-only segment or a
     *     range outside the mapping, ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static Read read(Mapping src, long offset, MemorySegment into) {
        return new Read(src, offset, into, List.of());
    }

    /**
     * A device write of a heap-side segment into buffer memory (heap to device memory).
     *
     * @param from the bytes to write: all {@code from.byteSize()} of them; reachable from any thread
     * @param dst the mapping written; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param offset the first byte written
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null argument, an empty segment or a range outside
     *     the mapping, ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static Write write(MemorySegment from, Mapping dst, long offset) {
        return new Write(from, dst, offset, List.of());
    }

    /**
     * A device copy of a whole image into another layout of the same format and size ({@link Rule#FMT_10 FMT-10}):
     * detiles, retiles, honours and writes compression metadata.
     *
     * @param src the source image's mapping; allows device reads ({@link Rule#DEV_4 DEV-4})
     * @param dst the destination image's mapping; allows device writes, and reads too if it is compressed
     *     ({@link Rule#DEV_4 DEV-4})
     * @return the job
     * @throws RuleViolationException ({@link Rule#FMT_10 FMT-10}) on a null mapping, different formats or sizes,
     *     ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static ImageCopy convert(ImageMapping src, ImageMapping dst) {
        return new ImageCopy(src, dst, Region.WHOLE, List.of());
    }

    /**
     * A device copy of a rectangle of pixels from one image to the same place of another of the same format, each in
     * its own layout ({@link Rule#FMT_10 FMT-10}).
     *
     * @param src the source image's mapping; allows device reads ({@link Rule#DEV_4 DEV-4})
     * @param dst the destination image's mapping; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param region WHOLE (same sizes) or a Rect in pixels within both images
     * @return the job
     * @throws RuleViolationException ({@link Rule#FMT_10 FMT-10}) on a null argument, different formats, a region that
     *     does not fit both, ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static ImageCopy convert(ImageMapping src, ImageMapping dst, Region region) {
        return new ImageCopy(src, dst, region, List.of());
    }

    /**
     * A device fill of a rectangle of an image, one sample value per colour plane ({@link Rule#FMT_10 FMT-10}); on a
     * compressed image, a zero fill of whole tiles is a fast clear (metadata only).
     *
     * <pre>
     *   Job.fill(nv12, Region.WHOLE, 16, 0x8080)            // black: Y = 16, U = V = 128
     *   Job.fill(xrgb, Region.rect(0, 0, 64, 64), 0xff0000)  // red
     * </pre>
     *
     * @param dst the image's mapping; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param region WHOLE or a Rect in pixels within the image
     * @param planeValues per colour plane, a sample's bytes, little endian (the low {@code bytesPerSample} bytes)
     * @return the job
     * @throws RuleViolationException ({@link Rule#FMT_10 FMT-10}) on a null argument, a region outside the image or a
     *     wrong number of values, ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static ImageFill fill(ImageMapping dst, Region region, long... planeValues) {
        if (planeValues == null) {
            throw new RuleViolationException(Rule.FMT_10, "image fill job with a null value array: pass one sample"
                    + " value per colour plane");
        }
        List<Long> values = new ArrayList<>(planeValues.length);
        for (long v : planeValues) {
            values.add(v);
        }
        return new ImageFill(dst, region, values, List.of());
    }

    /**
     * A device copy between two images, each in its real layout.
     *
     * @param src the source image's mapping
     * @param dst the destination image's mapping
     * @param region WHOLE or a Rect in pixels
     * @param after explicit dependencies
     */
    record ImageCopy(ImageMapping src, ImageMapping dst, Region region, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#FMT_10 FMT-10}, {@link Rule#DEV_4 DEV-4},
         *     {@link Rule#DEV_8 DEV-8}) as {@link Job#convert(ImageMapping, ImageMapping, Region)}
         */
        public ImageCopy {
            if (src == null || dst == null || region == null) {
                throw new RuleViolationException(Rule.FMT_10, "image copy job with a null "
                        + (src == null ? "source" : dst == null ? "destination" : "region") + ": pass two image"
                        + " mappings of the engine's device and Region.WHOLE or a Rect");
            }
            ImageDescriptor s = src.descriptor();
            ImageDescriptor d = dst.descriptor();
            if (!s.format().equals(d.format())) {
                throw new RuleViolationException(Rule.FMT_10, "image copy job from " + s.format() + " to " + d.format()
                        + ": an image copy converts layouts (modifiers) of one format, not formats");
            }
            checkImageRegion("copy", region, s);
            checkImageRegion("copy", region, d);
            if (region == Region.WHOLE && (s.width() != d.width() || s.height() != d.height())) {
                throw new RuleViolationException(Rule.FMT_10, "image copy job of the whole " + s.width() + "x"
                        + s.height() + " image into a " + d.width() + "x" + d.height() + " one: copy a Rect that fits"
                        + " both");
            }
            checkImageDirection("copy", "source", src, false);
            checkImageDirection("copy", "destination", dst, true);
            after = fences(after, "image copy");
        }

        @Override
        public long length() {
            return sampleBytes(dst.descriptor(), region);
        }

        @Override
        public ImageCopy after(Fence... fences) {
            return new ImageCopy(src, dst, region, append(after, fences, "image copy"));
        }
    }

    /**
     * A device fill of an image region with one sample value per colour plane.
     *
     * @param dst the image's mapping
     * @param region WHOLE or a Rect in pixels
     * @param planeValues per colour plane, the sample's bytes, little endian
     * @param after explicit dependencies
     */
    record ImageFill(ImageMapping dst, Region region, List<Long> planeValues, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#FMT_10 FMT-10}, {@link Rule#DEV_4 DEV-4},
         *     {@link Rule#DEV_8 DEV-8}) as {@link Job#fill(ImageMapping, Region, long...)}
         */
        public ImageFill {
            if (dst == null || region == null || planeValues == null) {
                throw new RuleViolationException(Rule.FMT_10, "image fill job with a null "
                        + (dst == null ? "destination" : region == null ? "region" : "value list"));
            }
            ImageDescriptor d = dst.descriptor();
            planeValues = List.copyOf(planeValues);
            if (planeValues.size() != d.colourPlaneCount()) {
                throw new RuleViolationException(Rule.FMT_10, "image fill job of " + d.format() + " with "
                        + planeValues.size() + " value(s): give one sample value per colour plane ("
                        + d.colourPlaneCount() + ")");
            }
            checkImageRegion("fill", region, d);
            checkImageDirection("fill", "destination", dst, true);
            after = fences(after, "image fill");
        }

        @Override
        public long length() {
            return sampleBytes(dst.descriptor(), region);
        }

        @Override
        public ImageFill after(Fence... fences) {
            return new ImageFill(dst, region, planeValues, append(after, fences, "image fill"));
        }
    }

    private static void checkImageRegion(String job, Region region, ImageDescriptor d) {
        if (region instanceof Region.Rect r) {
            if ((long) r.x() + r.width() > d.width() || (long) r.y() + r.height() > d.height()) {
                throw new RuleViolationException(Rule.FMT_10, "image " + job + " job: rect " + r.width() + "x"
                        + r.height() + " at (" + r.x() + ", " + r.y() + ") does not fit the " + d.width() + "x"
                        + d.height() + " image");
            }
        } else if (region != Region.WHOLE) {
            throw new RuleViolationException(Rule.FMT_10, "image " + job + " job with " + region + ": pass Region.WHOLE"
                    + " or a Region.Rect in pixels");
        }
    }

    private static void checkImageDirection(String job, String role, ImageMapping m, boolean write) {
        if (write && m.layoutModifier().hasMetadataPlanes() && !m.direction().allowsDeviceRead()) {
            throw new RuleViolationException(Rule.DEV_4, "image " + job + " job writes its " + role + ", laid out "
                    + m.layoutModifier() + ", through a " + m.direction() + " mapping of " + m.attachment() + ": the"
                    + " engine reads and rewrites a compressed image's metadata, so map it BIDIRECTIONAL");
        }
        if (write ? !m.direction().allowsDeviceWrite() : !m.direction().allowsDeviceRead()) {
            throw new RuleViolationException(Rule.DEV_4, "image " + job + " job " + (write ? "writes" : "reads")
                    + " its " + role + " through a " + m.direction() + " mapping of " + m.attachment() + ": map it "
                    + (write ? "FROM_DEVICE or BIDIRECTIONAL (an image attached for RENDER)" : "TO_DEVICE or"
                    + " BIDIRECTIONAL"));
        }
    }

    /** The bytes of samples a region covers over every colour plane, each plane's rectangle rounded outward. */
    private static long sampleBytes(ImageDescriptor d, Region region) {
        long n = 0;
        for (FormatPlane p : d.format().planes()) {
            if (region instanceof Region.Rect r) {
                long w = ((long) r.x() + r.width() + p.hsub() - 1) / p.hsub() - r.x() / p.hsub();
                long h = ((long) r.y() + r.height() + p.vsub() - 1) / p.vsub() - r.y() / p.vsub();
                n += w * h * p.bytesPerSample();
            } else {
                n += p.rowBytes(d.width()) * p.height(d.height());
            }
        }
        return n;
    }

    /**
     * A device copy between two mappings of the engine's device.
     *
     * @param src the source mapping
     * @param srcOffset the first source byte
     * @param dst the destination mapping
     * @param dstOffset the first destination byte
     * @param length the bytes
     * @param after explicit dependencies
     */
    record Copy(Mapping src, long srcOffset, Mapping dst, long dstOffset, long length, List<Fence> after)
            implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#copy}
         */
        public Copy {
            checkRange("copy", "source", src, srcOffset, length, false);
            checkRange("copy", "destination", dst, dstOffset, length, true);
            after = fences(after, "copy");
        }

        @Override
        public Copy after(Fence... fences) {
            return new Copy(src, srcOffset, dst, dstOffset, length, append(after, fences, "copy"));
        }
    }

    /**
     * A device fill of a range with one byte value.
     *
     * @param dst the mapping written
     * @param offset the first byte
     * @param length the bytes
     * @param value the byte written
     * @param after explicit dependencies
     */
    record Fill(Mapping dst, long offset, long length, byte value, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#fill}
         */
        public Fill {
            checkRange("fill", "destination", dst, offset, length, true);
            after = fences(after, "fill");
        }

        @Override
        public Fill after(Fence... fences) {
            return new Fill(dst, offset, length, value, append(after, fences, "fill"));
        }
    }

    /**
     * A device read of buffer memory into a heap-side segment.
     *
     * @param src the mapping read
     * @param offset the first byte
     * @param into where the bytes go
     * @param after explicit dependencies
     */
    record Read(Mapping src, long offset, MemorySegment into, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#read}
         */
        public Read {
            if (into == null || into.byteSize() == 0 || into.isReadOnly()) {
                throw new RuleViolationException(Rule.DEV_8, "read job into " + (into == null ? "a null segment"
                        : into.byteSize() == 0 ? "an empty segment" : "a read-only segment")
                        + ": pass a writable segment of the bytes to read");
            }
            checkRange("read", "source", src, offset, into.byteSize(), false);
            after = fences(after, "read");
        }

        @Override
        public long length() {
            return into.byteSize();
        }

        @Override
        public Read after(Fence... fences) {
            return new Read(src, offset, into, append(after, fences, "read"));
        }
    }

    /**
     * A device write of a heap-side segment into buffer memory.
     *
     * @param from the bytes to write
     * @param dst the mapping written
     * @param offset the first byte written
     * @param after explicit dependencies
     */
    record Write(MemorySegment from, Mapping dst, long offset, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#write}
         */
        public Write {
            if (from == null || from.byteSize() == 0) {
                throw new RuleViolationException(Rule.DEV_8, "write job from " + (from == null ? "a null segment"
                        : "an empty segment") + ": pass the bytes to write");
            }
            checkRange("write", "destination", dst, offset, from.byteSize(), true);
            after = fences(after, "write");
        }

        @Override
        public long length() {
            return from.byteSize();
        }

        @Override
        public Write after(Fence... fences) {
            return new Write(from, dst, offset, append(after, fences, "write"));
        }
    }

    private static void checkRange(String job, String role, Mapping m, long offset, long length, boolean write) {
        if (m == null) {
            throw new RuleViolationException(Rule.DEV_8, job + " job with a null " + role
                    + " mapping: pass a mapping of an attachment to the engine's device");
        }
        if (length <= 0 || offset < 0 || offset > m.size() - length) {
            throw new RuleViolationException(Rule.DEV_8, job + " job: the " + role + " range [" + offset + ", "
                    + offset + " + " + length + ") is not within the " + m.size() + " bytes of the mapping of "
                    + m.attachment() + "; a job touches memory only through its mappings, with a positive length");
        }
        if (write ? !m.direction().allowsDeviceWrite() : !m.direction().allowsDeviceRead()) {
            // The usual cause is a mapping made for another device's job (a TO_DEVICE mapping of the encoder given to
            // a camera job): remapping in the other direction would only lead to DEV-8 at submit, so say that first.
            String device = m.attachment().device().name();
            throw new RuleViolationException(Rule.DEV_4, job + " job " + (write ? "writes" : "reads") + " through a "
                    + m.direction() + " mapping of " + m.attachment() + ", which does not allow a device "
                    + (write ? "write" : "read") + ". A job runs only on an engine of the mapping's own device (DEV-8):"
                    + " for another device's engine, use a mapping of an attachment to that device; for an engine of '"
                    + device + "', map " + (write ? "FROM_DEVICE" : "TO_DEVICE") + " or BIDIRECTIONAL");
        }
    }

    private static List<Fence> fences(List<Fence> after, String job) {
        if (after == null) {
            throw new RuleViolationException(Rule.DEV_8, job + " job with a null dependency list: pass List.of()");
        }
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i) == null) {
                throw new RuleViolationException(Rule.DEV_8, job + " job: dependency " + i + " is null");
            }
        }
        return List.copyOf(after);
    }

    private static List<Fence> append(List<Fence> after, Fence[] more, String job) {
        if (more == null) {
            throw new RuleViolationException(Rule.DEV_8, job + " job: after(null); pass fences");
        }
        List<Fence> all = new ArrayList<>(after.size() + more.length);
        all.addAll(after);
        for (int i = 0; i < more.length; i++) {
            if (more[i] == null) {
                throw new RuleViolationException(Rule.DEV_8, job + " job: dependency " + i + " given to after() is"
                        + " null");
            }
            all.add(more[i]);
        }
        return List.copyOf(all);
    }
}
