package org.dmabuf4j.examples;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Locale;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.NegotiatedImages;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.ImageCounters;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A failed negotiation and its fallbacks, as a Wayland compositor meets them: a client GPU that renders only a
 * compressed layout, a display that scans out only plain tiles, a compositor renderer that samples only linear and
 * tiled images.
 *
 * <pre>
 *   1. the client's compressed frame offered to the display as is:    refused, NEG-3 (it names what it accepts)
 *   2. negotiation with the display's and the renderer's tranches:    nothing shared (NEG-1, recorded)
 *      -&gt; two images, converted every frame by a 2-D engine that samples SIM_TILED_CCS and renders SIM_TILED:
 *         route DEVICE_BLIT
 *   3. the same without the 2-D engine:                               route CPU_COPY through per-plane windows
 *   4. a legacy encoder without modifiers (INVALID) and a LINEAR producer: INVALID is not LINEAR, CPU_COPY again
 * </pre>
 *
 * Every route delivers the client's pixels byte for byte (NEG-6); the example checks them. Run it with
 * {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples -am package -Ddemo.mainClass=org.dmabuf4j.examples.FormatFallback}.
 */
public final class FormatFallback {
    private static final int WIDTH = 256;
    private static final int HEIGHT = 144;
    private static final Duration BOUND = Duration.ofSeconds(30);

    private FormatFallback() {
    }

    /**
     * Runs the example, printing to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        if (!run(System.out)) {
            System.exit(1);
        }
    }

    /**
     * Runs the example.
     *
     * @param out where the report goes
     * @return true if every route delivered the client's frames intact
     */
    public static boolean run(PrintStream out) {
        boolean ok = true;
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            FormatSet compressed = FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED_CCS);
            SimulatedDevice client = sys.newDevice("client-gpu").formats(ImageUsage.RENDER, compressed).build();
            SimulatedDevice display = sys.newDevice("display")
                    .formats(ImageUsage.SCANOUT, FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED)).build();
            SimulatedDevice renderer = sys.newDevice("renderer").formats(ImageUsage.SAMPLE,
                    FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR, FormatModifier.SIM_TILED)).build();
            SimulatedDevice twoD = sys.newDevice("2d-engine").formats(ImageUsage.SAMPLE, compressed)
                    .formats(ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED)).build();
            out.println("dmabuf4j format fallback: client renders " + client.formats(ImageUsage.RENDER)
                    + ", display scans out " + display.formats(ImageUsage.SCANOUT) + ", renderer samples "
                    + renderer.formats(ImageUsage.SAMPLE));

            out.println();
            out.println("1. the client's frame offered to the display as it is");
            try (Image frame = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    FormatModifier.SIM_TILED_CCS))) {
                try (ImageAttachment refused = frame.attach(display, ImageUsage.SCANOUT)) {
                    out.println("   the display imported " + refused.image() + " (it should not have)");
                    ok = false;
                } catch (AttachRefusedException e) {
                    out.println("   " + e.getMessage());
                }
            }

            out.println();
            out.println("2. negotiation: display (scanout), then renderer (sampling); a 2-D engine may convert");
            ok &= negotiate(out, sys, NegotiationRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    client.tranche(ImageUsage.RENDER), display.tranche(ImageUsage.SCANOUT),
                    renderer.tranche(ImageUsage.SAMPLE)).withBlitters(renderer, twoD), display, ImageUsage.SCANOUT);

            out.println();
            out.println("3. the same without the 2-D engine");
            ok &= negotiate(out, sys, NegotiationRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    client.tranche(ImageUsage.RENDER), display.tranche(ImageUsage.SCANOUT),
                    renderer.tranche(ImageUsage.SAMPLE)), display, ImageUsage.SCANOUT);

            out.println();
            out.println("4. a legacy encoder without modifiers (INVALID) and a producer that renders LINEAR");
            SimulatedDevice producer = sys.newDevice("producer")
                    .formats(ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR)).build();
            SimulatedDevice legacy = sys.newDevice("legacy-encoder")
                    .formats(ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12, FormatModifier.INVALID)).build();
            ok &= negotiate(out, sys, NegotiationRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    producer.tranche(ImageUsage.RENDER), legacy.tranche(ImageUsage.SAMPLE)), legacy,
                    ImageUsage.SAMPLE);

            ImageCounters c = sys.images().counters();
            out.println();
            out.printf(Locale.ROOT, "counters: %d negotiations, %d candidates given up, %d blits, %d CPU copies,"
                    + " %d refused imports, %d bytes converted by engines, %d bytes detiled by the CPU%n",
                    c.negotiations(), c.fallbacks(), c.blits(), c.cpuCopies(), c.refusedImports(), c.bytesConverted(),
                    c.bytesDetiled());
            out.println(ok ? "Every route delivered the frames intact." : "SOME FRAMES WERE WRONG.");
        }
        return ok;
    }

    /** Negotiates, prints the result, moves three frames across and checks them on the consumer's side. */
    private static boolean negotiate(PrintStream out, SimulatedSystem sys, NegotiationRequest request,
            SimulatedDevice consumer, ImageUsage usage) {
        boolean ok = true;
        try (NegotiatedImages n = sys.images().negotiate(request)) {
            out.println("   " + n.result().describe().replace(System.lineSeparator(), System.lineSeparator() + "   "));
            try (ImageAttachment imported = n.consumerImage().attach(consumer, usage)) {
                out.println("   '" + consumer.name() + "' imports " + imported.image().descriptor().pair() + " for "
                        + usage);
            }
            for (int frame = 0; frame < 3; frame++) {
                draw(n.producerImage(), frame);
                n.transfer().await(BOUND);
                String problem = check(n.consumerImage(), frame);
                ok &= problem == null;
                out.println("   frame " + frame + " via " + n.result().route() + ": " + (problem == null ? "ok"
                        : problem));
            }
        }
        return ok;
    }

    /** The client draws a frame through its per-plane windows (the CPU's linear view of the compressed tiles). */
    private static void draw(Image image, int frame) {
        try (ImageAccess w = image.beginCpuAccess(Access.WRITE)) {
            for (int p = 0; p < w.planeCount(); p++) {
                CpuAccess plane = w.plane(p);
                for (int y = 0; y < plane.rowCount(); y++) {
                    MemorySegment row = plane.row(y);
                    for (int x = 0; x < row.byteSize(); x++) {
                        row.set(ValueLayout.JAVA_BYTE, x, value(frame, p, y, x));
                    }
                }
            }
        }
    }

    private static String check(Image image, int frame) {
        try (ImageAccess r = image.beginCpuAccess(Access.READ)) {
            for (int p = 0; p < r.planeCount(); p++) {
                CpuAccess plane = r.plane(p);
                for (int y = 0; y < plane.rowCount(); y++) {
                    MemorySegment row = plane.row(y);
                    for (int x = 0; x < row.byteSize(); x++) {
                        if (row.get(ValueLayout.JAVA_BYTE, x) != value(frame, p, y, x)) {
                            return "WRONG byte " + x + " of row " + y + " of plane " + p;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static byte value(int frame, int plane, int y, int x) {
        return (byte) (frame * 17 + plane * 61 + y * 5 + x * 3);
    }
}
