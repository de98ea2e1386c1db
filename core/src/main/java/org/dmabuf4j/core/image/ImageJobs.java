package org.dmabuf4j.core.image;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;

/**
 * Runs image copy and fill jobs on an engine's thread (FMT-10): plane by plane, in bands of 32 rows (one tile row),
 * the device reads the source's stored bytes through its IOMMU (whole tiles of a tiled source, the rows' hull of a
 * linear one), converts them to linear rows with {@link PlaneCodec}, and writes them in the destination's layout:
 * exact rows for a linear destination, exactly the band's row pieces (whole tiles when it covers them) for a tiled
 * one, and for a compressed one its metadata and tiles read, patched and written back, which is why a compressed
 * destination is mapped BIDIRECTIONAL. DMA addresses come from the runs the engine took at submission, so a mapping
 * unmapped since faults (DEV-8).
 */
public final class ImageJobs {
    private ImageJobs() {
    }

    /**
     * Checks an image mapping given to a job at submission: one made by an image attachment of this library (whose
     * import was checked, NEG-3) and still mapped.
     *
     * @param m the mapping
     * @param role "source" or "destination", for messages
     * @return the mapping's buffer mappings, by buffer index
     * @throws RuleViolationException (FMT-10) if it is not one of this library's image mappings, or is unmapped
     */
    public static List<org.dmabuf4j.api.Mapping> mappings(ImageMapping m, String role) {
        if (!(m instanceof ImageMappingImpl impl)) {
            throw new RuleViolationException(Rule.FMT_10, "the " + role + " of an image job is " + m + ", not a"
                    + " mapping made by Image.attach(...).mapUnlocked(...): only those passed the device's import"
                    + " checks (NEG-3). Nothing was queued");
        }
        if (!impl.isValid()) {
            throw new RuleViolationException(Rule.FMT_10, "the " + role + " mapping " + m + " of an image job is"
                    + " unmapped or invalidated; map the image again. Nothing was queued");
        }
        return impl.mappings();
    }

    /**
     * Runs an image copy.
     *
     * @param device the engine's device
     * @param job the job
     * @param srcRuns per source buffer, its mapping's DMA runs over the whole buffer
     * @param dstRuns per destination buffer, likewise
     */
    public static void copy(SimulatedDeviceImpl device, Job.ImageCopy job, long[][] srcRuns, long[][] dstRuns) {
        ImageMappingImpl src = (ImageMappingImpl) job.src();
        ImageMappingImpl dst = (ImageMappingImpl) job.dst();
        ImageStats stats = dst.stats();
        for (int p = 0; p < src.planes().size(); p++) {
            PlaneLayout s = src.planes().get(p);
            PlaneLayout d = dst.planes().get(p);
            Region.Rect r = s.samples(job.region());
            for (Region.Rect band : bands(r)) {
                MemorySegment linear = MemorySegment.ofArray(new byte[(int) (s.rowBytes(band) * band.height())]);
                List<Span> sSpans = s.tiled() ? s.tileSpans(band) : List.of(hull(s.linearSpans(band)));
                SpanSegments sData = load(device, srcRuns[s.buffer], sSpans);
                SpanSegments sMeta = null;
                if (s.compressed) {
                    sMeta = load(device, srcRuns[s.metaBuffer], s.metaSpans(band));
                }
                PlaneCodec.unpack(s, band, sData, sMeta, linear, 0);
                store(device, d, band, linear, dstRuns, stats);
                stats.bytesConverted.add(linear.byteSize());
            }
        }
        stats.copyJobs.increment();
    }

    /**
     * Runs an image fill.
     *
     * @param device the engine's device
     * @param job the job
     * @param dstRuns per destination buffer, its mapping's DMA runs over the whole buffer
     */
    public static void fill(SimulatedDeviceImpl device, Job.ImageFill job, long[][] dstRuns) {
        ImageMappingImpl dst = (ImageMappingImpl) job.dst();
        ImageStats stats = dst.stats();
        for (int p = 0; p < dst.planes().size(); p++) {
            PlaneLayout d = dst.planes().get(p);
            long value = job.planeValues().get(p);
            Region.Rect r = d.samples(job.region());
            for (Region.Rect band : bands(r)) {
                long bytes = d.rowBytes(band) * band.height();
                if (value == 0 && d.compressed) {
                    stats.tilesFastCleared.add(fastClear(device, d, band, dstRuns));
                } else {
                    MemorySegment linear = MemorySegment.ofArray(new byte[(int) bytes]);
                    for (long i = 0; i < bytes; i++) {
                        linear.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i,
                                (byte) (value >>> (8 * (i % d.bytesPerSample))));
                    }
                    store(device, d, band, linear, dstRuns, stats);
                }
                stats.bytesConverted.add(bytes);
            }
        }
        stats.fillJobs.increment();
    }

    private static int fastClear(SimulatedDeviceImpl device, PlaneLayout d, Region.Rect band, long[][] runs) {
        List<Span> metaSpans = d.metaSpans(band);
        SpanSegments meta = load(device, runs[d.metaBuffer], metaSpans);
        boolean whole = wholeTiles(d, band);
        List<Span> dataSpans = d.tileSpans(band);
        // whole tiles only: the fast clear touches metadata alone, the data bytes stay as they are (stale)
        SpanSegments data = whole ? null : load(device, runs[d.buffer], dataSpans);
        int cleared = PlaneCodec.clear(d, band, data, meta);
        if (data != null) {
            writeBack(device, runs[d.buffer], dataSpans, data);
        }
        writeBack(device, runs[d.metaBuffer], metaSpans, meta);
        return cleared;
    }

    private static void store(SimulatedDeviceImpl device, PlaneLayout d, Region.Rect band, MemorySegment linear,
            long[][] runs, ImageStats stats) {
        if (!d.tiled()) {
            long rowBytes = d.rowBytes(band);
            long xb0 = (long) band.x() * d.bytesPerSample;
            if (rowBytes == d.pitch) {
                // unpadded full rows follow each other: the band is one run
                dma(device, runs[d.buffer], d.stored(band.y(), xb0), linear, true);
                return;
            }
            for (int i = 0; i < band.height(); i++) {
                dma(device, runs[d.buffer], d.stored(band.y() + i, xb0), linear.asSlice(i * rowBytes, rowBytes),
                        true);
            }
            return;
        }
        if (!d.compressed) {
            // written, never read: whole tiles when the band covers them, else exactly the band's row pieces
            List<Span> spans = wholeTiles(d, band) ? d.tileSpans(band) : d.exactStoredSpans(band);
            SpanSegments data = bounce(spans);
            PlaneCodec.pack(d, band, linear, 0, data, null);
            writeBack(device, runs[d.buffer], spans, data);
            return;
        }
        // compressed: the metadata is read, modified and written back, and so are the tiles (a cleared tile that the
        // band covers in part is resolved whole)
        List<Span> spans = d.tileSpans(band);
        SpanSegments data = load(device, runs[d.buffer], spans);
        SpanSegments meta = null;
        List<Span> metaSpans = null;
        if (d.compressed) {
            metaSpans = d.metaSpans(band);
            meta = load(device, runs[d.metaBuffer], metaSpans);
        }
        stats.tilesResolved.add(PlaneCodec.pack(d, band, linear, 0, data, meta));
        writeBack(device, runs[d.buffer], spans, data);
        if (meta != null) {
            writeBack(device, runs[d.metaBuffer], metaSpans, meta);
        }
    }

    /** Whether the band covers every tile under it whole. */
    private static boolean wholeTiles(PlaneLayout d, Region.Rect band) {
        long xb0 = (long) band.x() * d.bytesPerSample;
        long xb1 = xb0 + d.rowBytes(band);
        return xb0 % PlaneLayout.TILE_WIDTH == 0 && xb1 % PlaneLayout.TILE_WIDTH == 0
                && band.y() % PlaneLayout.TILE_ROWS == 0 && band.height() == PlaneLayout.TILE_ROWS;
    }

    /** The rectangle cut at tile-row boundaries: at most 32 rows each. */
    private static List<Region.Rect> bands(Region.Rect r) {
        List<Region.Rect> out = new ArrayList<>();
        int end = r.y() + r.height();
        for (int y = r.y(); y < end;) {
            int next = Math.min(end, (y / PlaneLayout.TILE_ROWS + 1) * PlaneLayout.TILE_ROWS);
            out.add(new Region.Rect(r.x(), y, r.width(), next - y));
            y = next;
        }
        return out;
    }

    private static Span hull(List<Span> spans) {
        return new Span(spans.getFirst().offset(), spans.getLast().end() - spans.getFirst().offset());
    }

    private static SpanSegments bounce(List<Span> spans) {
        List<MemorySegment> segs = new ArrayList<>(spans.size());
        for (Span s : spans) {
            segs.add(MemorySegment.ofArray(new byte[(int) s.length()]));
        }
        return new SpanSegments(spans, segs);
    }

    /** Reads the spans of a buffer through the device's IOMMU into bounce memory. */
    private static SpanSegments load(SimulatedDeviceImpl device, long[] runs, List<Span> spans) {
        List<MemorySegment> segs = new ArrayList<>(spans.size());
        for (Span s : spans) {
            MemorySegment b = MemorySegment.ofArray(new byte[(int) s.length()]);
            dma(device, runs, s.offset(), b, false);
            segs.add(b);
        }
        return new SpanSegments(spans, segs);
    }

    private static void writeBack(SimulatedDeviceImpl device, long[] runs, List<Span> spans, SpanSegments data) {
        for (Span s : spans) {
            MemorySegment b = MemorySegment.ofArray(new byte[(int) s.length()]);
            data.read(s.offset(), b, 0, s.length());
            dma(device, runs, s.offset(), b, true);
        }
    }

    /**
     * One device access per DMA run the bytes {@code [offset, offset + segment.byteSize())} of the buffer cross.
     * {@code runs} are {@code (dmaAddress, length)} pairs covering the buffer from byte 0.
     */
    private static void dma(SimulatedDeviceImpl device, long[] runs, long offset, MemorySegment segment,
            boolean write) {
        long end = offset + segment.byteSize();
        long runStart = 0;
        for (int i = 0; i < runs.length && runStart < end; i += 2) {
            long runEnd = runStart + runs[i + 1];
            if (runEnd > offset) {
                long from = Math.max(offset, runStart);
                long len = Math.min(end, runEnd) - from;
                long address = runs[i] + (from - runStart);
                MemorySegment piece = segment.asSlice(from - offset, len);
                if (write) {
                    device.dmaWrite(address, piece);
                } else {
                    device.dmaRead(address, piece);
                }
            }
            runStart = runEnd;
        }
    }
}
