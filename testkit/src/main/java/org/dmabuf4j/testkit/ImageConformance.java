package org.dmabuf4j.testkit;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatModifierPair;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite for exporters of images (issue #12). Extend it and implement {@link #fixture()}:
 *
 * <pre>{@code
 * class MyImagesTest extends ImageConformance {
 *     protected ImageFixture fixture() { return new MyImageFixture(); }
 * }
 * }</pre>
 *
 * <p>For every (format, modifier) pair the fixture declares, at an odd size (partial tiles, subsampled edges), the
 * suite checks:
 * <ul>
 *   <li><b>the descriptor</b> ({@link Rule#FMT_5 FMT-5}, {@link Rule#FMT_6 FMT-6}, {@link Rule#FMT_7 FMT-7}): the
 *       requested format, size and modifier, planes that fit the buffers, one open buffer per index;</li>
 *   <li><b>per-plane CPU access</b> ({@link Rule#FMT_9 FMT-9}): known samples written through the plane windows read
 *       back byte for byte, through whole and partial windows, and READ windows are read-only;</li>
 *   <li><b>layout round trips</b> ({@link Rule#FMT_10 FMT-10}): a device converts the image into every other layout and
 *       back into a second image of the fixture; the pixels survive byte for byte, so the bytes devices see are the
 *       bytes the descriptor describes.</li>
 * </ul>
 * Each test runs in its own system from {@link ImageFixture#newSystem()}, with a kit device that samples and renders
 * every layout; afterwards no buffer and no IOMMU translation may be left. Failures are {@link ConformanceError}s,
 * printed on the console by display name as the other suites do ({@code -Ddmabuf4j.kit.console=false} turns it off).
 */
public abstract class ImageConformance {
    /** Prints failed and skipped tests by display name, with their messages and reasons, and the suite's counts. */
    @RegisterExtension
    static final KitReport REPORT = new KitReport();

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int WIDTH = 203;
    private static final int HEIGHT = 67;
    private static final List<FormatModifier> LAYOUTS = List.of(FormatModifier.LINEAR, FormatModifier.SIM_TILED,
            FormatModifier.SIM_TILED_CCS);

    private ImageFixture fixture;
    private SimulatedSystem system;
    private SimulatedDevice kit;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** For subclasses. */
    protected ImageConformance() {
    }

    /**
     * The exporter under test. Called once before each test.
     *
     * @return the fixture
     */
    protected abstract ImageFixture fixture();

    @BeforeEach
    final void openImageSession() {
        fixture = fixture();
        system = fixture.newSystem();
        FormatSet.Builder all = FormatSet.builder();
        for (DrmFormat f : DrmFormat.catalogue()) {
            for (FormatModifier m : LAYOUTS) {
                if (m.memoryPlanes(f).getAsInt() <= ImageDescriptor.MAX_PLANES) {
                    all.add(f, m);
                }
            }
        }
        FormatSet everything = all.build().union(fixture.formats());
        kit = system.newDevice("kit-gpu").formats(ImageUsage.SAMPLE, everything)
                .formats(ImageUsage.RENDER, everything).build();
    }

    @AfterEach
    final void closeImageSession() {
        Throwable failure = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception | AssertionError e) {
                failure = failure == null ? e : failure;
            }
        }
        opened.clear();
        try {
            List<Long> live = system.liveBufferIds();
            long translations = kit.liveTranslations();
            if (failure == null && !live.isEmpty()) {
                throw new ConformanceError(Rule.BUF_2, "buffers " + live + " of fixture " + fixture.name()
                        + " are still live after every image, attachment and mapping was closed:\n"
                        + system.describeBuffers(), "that the image's handles are its own shares and that the"
                        + " fixture closes the handles it exported with");
            }
            if (failure == null && translations != 0) {
                throw new ConformanceError(Rule.DEV_9, translations + " IOMMU translation(s) left on the kit device"
                        + " by fixture " + fixture.name(), "the exporter's unmap");
            }
        } finally {
            system.close();
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new ConformanceError(Rule.BUF_2, "closing the test's images failed: " + failure, "the exporter's"
                    + " release and detach", failure);
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        opened.add(c);
        return c;
    }

    private Image export(FormatModifierPair pair) {
        Image img;
        try {
            img = fixture.export(system, pair.format(), WIDTH, HEIGHT, pair.modifier());
        } catch (DmaBufException e) {
            throw new ConformanceError(e.rule(), "fixture " + fixture.name() + " failed to export " + pair + " "
                    + WIDTH + "x" + HEIGHT + ": " + e.getMessage(), "the descriptor the exporter builds for its"
                    + " buffers", e);
        }
        if (img == null) {
            throw new ConformanceError(Rule.FMT_7, "fixture " + fixture.name() + " returned no image for " + pair,
                    "ImageFixture.export");
        }
        return keep(img);
    }

    private List<FormatModifierPair> pairs() {
        List<FormatModifierPair> p = fixture.formats().pairs();
        if (p.isEmpty()) {
            throw new ConformanceError(Rule.FMT_7, "fixture " + fixture.name() + " declares no format",
                    "ImageFixture.formats()");
        }
        return p;
    }

    // ---- descriptor ---------------------------------------------------------------------------------------------

    @Test
    @DisplayName("FMT-7: each exported image has the requested format, size and modifier")
    final void exportedImagesAreWhatWasAskedFor() {
        for (FormatModifierPair pair : pairs()) {
            ImageDescriptor d = export(pair).descriptor();
            if (!d.format().equals(pair.format()) || d.width() != WIDTH || d.height() != HEIGHT
                    || !d.modifier().equals(pair.modifier())) {
                throw new ConformanceError(Rule.FMT_7, "fixture " + fixture.name() + " asked for " + pair + " " + WIDTH
                        + "x" + HEIGHT + " returned " + d, "that the exporter keeps the format and size and uses the"
                        + " modifier it was given");
            }
        }
    }

    @Test
    @DisplayName("FMT-5: each exported image's planes fit its buffers without overlapping")
    final void planesFitTheBuffers() {
        for (FormatModifierPair pair : pairs()) {
            Image img = export(pair);
            List<Long> sizes = new ArrayList<>();
            for (DmaBuf b : img.buffers()) {
                sizes.add(b.size());
            }
            try {
                img.descriptor().checkBuffers(sizes);
            } catch (DmaBufException e) {
                throw new ConformanceError(e.rule(), "image " + img + " of fixture " + fixture.name() + ": "
                        + e.getMessage(), "the offsets and pitches the exporter reports against its buffer sizes", e);
            }
        }
    }

    @Test
    @DisplayName("FMT-6: each exported image holds one open buffer per index its planes name")
    final void oneOpenBufferPerIndex() {
        for (FormatModifierPair pair : pairs()) {
            Image img = export(pair);
            if (img.buffers().size() != img.descriptor().bufferCount()) {
                throw new ConformanceError(Rule.FMT_6, "image " + img + " of fixture " + fixture.name() + " has "
                        + img.buffers().size() + " buffer(s) for " + img.descriptor().bufferCount() + " index(es)",
                        "the buffer list passed to importImage");
            }
            for (DmaBuf b : img.buffers()) {
                if (!b.isOpen()) {
                    throw new ConformanceError(Rule.FMT_6, "image " + img + " of fixture " + fixture.name()
                            + " holds a closed handle " + b, "that the image keeps its own shares of the buffers");
                }
            }
        }
    }

    // ---- per-plane CPU access ----------------------------------------------------------------------------------

    @Test
    @DisplayName("FMT-9: samples written through the plane windows read back byte for byte, whole and in part")
    final void planeWindowsRoundTrip() {
        int seed = 1;
        for (FormatModifierPair pair : pairs()) {
            Image img = export(pair);
            write(img, seed);
            check(img, seed, Rule.FMT_9, "written through the plane windows and read back through them");
            try (ImageAccess part = img.beginCpuAccess(Access.READ_WRITE, Region.rect(WIDTH / 3, HEIGHT / 3,
                    WIDTH / 3, HEIGHT / 3))) {
                for (int p = 0; p < part.planeCount(); p++) {
                    CpuAccess plane = part.plane(p);
                    Region.Rect r = (Region.Rect) plane.region();
                    int bps = img.descriptor().format().plane(p).bytesPerSample();
                    for (int i = 0; i < plane.rowCount(); i++) {
                        MemorySegment row = plane.row(i);
                        for (int b = 0; b < row.byteSize(); b++) {
                            byte want = pattern(seed, p, r.y() + i, r.x() * bps + b);
                            if (row.get(ValueLayout.JAVA_BYTE, b) != want) {
                                throw new ConformanceError(Rule.FMT_9, "a partial window on plane " + p + " of "
                                        + img + " read the wrong byte at row " + (r.y() + i) + ", byte "
                                        + (r.x() * bps + b), "the exporter's CPU access to a region of the buffer");
                            }
                        }
                    }
                }
            }
            seed++;
        }
    }

    @Test
    @DisplayName("FMT-9: READ plane windows are read-only")
    final void readPlaneWindowsAreReadOnly() {
        for (FormatModifierPair pair : pairs()) {
            Image img = export(pair);
            try (ImageAccess r = img.beginCpuAccess(Access.READ)) {
                for (CpuAccess plane : r.planes()) {
                    if (!plane.row(0).isReadOnly()) {
                        throw new ConformanceError(Rule.CPU_6, "a READ window on " + img + " hands out a writable row",
                                "the exporter's beginCpuAccess for READ");
                    }
                }
            }
        }
    }

    // ---- layout round trips -------------------------------------------------------------------------------------

    @Test
    @DisplayName("FMT-10: a device converts the image into every other layout and back, byte for byte")
    final void layoutRoundTripsThroughADevice() {
        int seed = 40;
        for (FormatModifierPair pair : pairs()) {
            Image source = export(pair);
            Image back = export(pair);
            write(source, seed);
            for (FormatModifier other : LAYOUTS) {
                if (other.equals(source.layoutModifier())
                        || other.memoryPlanes(pair.format()).getAsInt() > ImageDescriptor.MAX_PLANES) {
                    continue;
                }
                // the image's own size: a wrong size is FMT-7's business, not the round trip's
                Image middle = keep(system.images().allocate(ImageRequest.of(pair.format(),
                        source.descriptor().width(), source.descriptor().height(), other)));
                convert(source, middle);
                check(middle, seed, Rule.FMT_10, "converted by a device from " + source + " into " + other + ": the"
                        + " bytes the device read are not the bytes the descriptor describes");
                convert(middle, back);
                check(back, seed, Rule.FMT_10, "converted by a device from " + other + " back into " + back);
                write(back, seed + 1); // dirty it again for the next layout
            }
            seed += 2;
        }
    }

    private void convert(Image from, Image to) {
        try (ImageAttachment in = from.attach(kit, ImageUsage.SAMPLE);
             ImageAttachment out = to.attach(kit, ImageUsage.RENDER)) {
            ImageMapping src = in.mapUnlocked(Direction.TO_DEVICE);
            ImageMapping dst = out.mapUnlocked(to.layoutModifier().hasMetadataPlanes() ? Direction.BIDIRECTIONAL
                    : Direction.FROM_DEVICE);
            kit.engine().submit(Job.convert(src, dst)).await(BOUND);
        } catch (FenceFailedException e) {
            throw new ConformanceError(Rule.FMT_10, "the kit device's conversion of " + from + " into " + to
                    + " failed: " + e.getCause(), "the exporter's map: entries covering the buffer in order", e);
        }
    }

    private static byte pattern(int seed, int plane, int row, long xb) {
        return (byte) (seed * 37 + plane * 89 + row * 11 + xb * 5 + (xb >>> 7) + 3);
    }

    private static void write(Image img, int seed) {
        try (ImageAccess w = img.beginCpuAccess(Access.WRITE)) {
            for (int p = 0; p < w.planeCount(); p++) {
                CpuAccess plane = w.plane(p);
                for (int r = 0; r < plane.rowCount(); r++) {
                    MemorySegment row = plane.row(r);
                    for (long i = 0; i < row.byteSize(); i++) {
                        row.set(ValueLayout.JAVA_BYTE, i, pattern(seed, p, r, i));
                    }
                }
            }
        }
    }

    private void check(Image img, int seed, Rule rule, String what) {
        try (ImageAccess r = img.beginCpuAccess(Access.READ)) {
            for (int p = 0; p < r.planeCount(); p++) {
                CpuAccess plane = r.plane(p);
                for (int i = 0; i < plane.rowCount(); i++) {
                    MemorySegment row = plane.row(i);
                    for (long b = 0; b < row.byteSize(); b++) {
                        if (row.get(ValueLayout.JAVA_BYTE, b) != pattern(seed, p, i, b)) {
                            throw new ConformanceError(rule, "image " + img + " of fixture " + fixture.name()
                                    + ": plane " + p + " row " + i + " byte " + b + " is wrong after being " + what,
                                    "that the exporter's CPU access and its device mappings reach the same memory");
                        }
                    }
                }
            }
        }
    }
}
