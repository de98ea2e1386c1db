package org.dmabuf4j.examples.ipc;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.FormatFeedback;
import org.dmabuf4j.ipc.ImagePool;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.PeerGoneException;
import org.dmabuf4j.ipc.ReceivedFrame;
import org.dmabuf4j.ipc.SentFrame;
import org.dmabuf4j.ipc.UnixAddress;

/**
 * A camera process and an encoder process exchanging 1920x1080 NV12 frames through a pool of images, negotiated
 * before the pool exists: the consumer sends its format feedback (linux-dmabuf style tranches), the producer
 * intersects it with what its camera renders, allocates the pool in the best common layout and sends the images'
 * descriptors and memfds once; each frame is then an index, an acquire point and a release point.
 *
 * <pre>
 *   producer (this JVM)                                          consumer (a child JVM)
 *                                    ◄── FORMATS ────────────    tranche 0: SCANOUT on 'display' {NV12: [CCS]}
 *                                                                tranche 1: SAMPLE on 'encoder' {NV12: [CCS, TILED, LINEAR]}
 *   candidates = feedback ∩ camera renders {NV12: [TILED, LINEAR]}  = [SIM_TILED, LINEAR]
 *   pool = createImagePool(3, NV12 1920x1080 [SIM_TILED, LINEAR])
 *                                    ── IMAGE_POOL: 3 descriptors + 3 memfds, once ──►  validated (FMT), imported
 *   loop: i = pool.acquire()         (waits for the release point of the image's last frame)
 *         write Y and UV through per-plane windows (the linear view; the tiles are written at close)
 *         pool.submit(i, render fence) ── FRAME(i, acquire, release) ──►  image.beginCpuAccess(READ) waits for the
 *                                                                         acquire point, checks every sample, the
 *                                                                         encoder imports it (attach + map), release()
 * </pre>
 *
 * <p>Run it: {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples -am package
 * -Ddemo.mainClass=org.dmabuf4j.examples.ipc.Nv12Exchange} (add {@code -Ddemo.frames=600} for a longer run). Both
 * sides print the negotiation and their figures.
 */
public final class Nv12Exchange {
    /** Frame width in pixels. */
    public static final int WIDTH = 1920;
    /** Frame height in pixels. */
    public static final int HEIGHT = 1080;
    private static final Duration WAIT = ConsumerProcess.WAIT;
    /** The camera renders these: not the compressed layout the display would scan out. */
    static final FormatSet CAMERA = FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED, FormatModifier.LINEAR);
    /** The consumer's display scans out only the compressed layout. */
    static final FormatSet DISPLAY = FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED_CCS);
    /** The consumer's encoder samples all three, best first. */
    static final FormatSet ENCODER = FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED_CCS,
            FormatModifier.SIM_TILED, FormatModifier.LINEAR);
    /** A ramp of bytes: row y of frame n is a slice of it, so that rows are written and checked with bulk copies. */
    private static final byte[] RAMP = new byte[256 + WIDTH];

    static {
        for (int i = 0; i < RAMP.length; i++) {
            RAMP[i] = (byte) i;
        }
    }

    private Nv12Exchange() {
    }

    /**
     * Without arguments: the producer, which starts the consumer. With {@code consumer ADDRESS}: the consumer.
     *
     * @param args none, or {@code consumer} and the abstract socket name
     */
    public static void main(String[] args) {
        if (args.length >= 2 && args[0].equals("consumer")) {
            System.exit(consume(UnixAddress.abstractName(args[1]), System.out));
        } else {
            run(Integer.getInteger("frames", 120), System.out);
        }
    }

    /**
     * Runs the producer side: starts the consumer process, negotiates, sends {@code frames} frames, prints both sides'
     * figures.
     *
     * @param frames how many frames; positive
     * @param out where to print
     * @return the consumer's exit code (0 if every frame was intact)
     */
    public static int run(int frames, PrintStream out) {
        return ConsumerProcess.run(Nv12Exchange.class, "camera", (sys, channel) -> produce(sys, channel, frames, out),
                out);
    }

    private static void produce(SimulatedSystem sys, BufferChannel channel, int frames, PrintStream out) {
        SimulatedDevice camera = sys.newDevice("camera").formats(ImageUsage.RENDER, CAMERA).build();
        FormatFeedback feedback = channel.awaitFeedback(WAIT).orElseThrow(
                () -> new IllegalStateException("the consumer sent no format feedback within " + WAIT));
        out.println("producer: consumer feedback, best first: " + feedback.tranches());
        List<FormatModifier> candidates = feedback.modifiers(DrmFormat.NV12, camera.formats(ImageUsage.RENDER));
        out.println("producer: camera renders " + camera.formats(ImageUsage.RENDER) + "; candidates, best first: "
                + candidates);
        if (candidates.isEmpty()) {
            throw new IllegalStateException("no NV12 layout both sides share: convert on a device instead");
        }
        ImageRequest request = new ImageRequest(DrmFormat.NV12, WIDTH, HEIGHT, candidates,
                List.of(new ImageTarget(camera, ImageUsage.RENDER)), LayoutConstraints.NONE, false);
        FenceContext render = sys.fences().newContext("example", "render");
        List<SentFrame> sent = new ArrayList<>();
        long start;
        try (ImagePool pool = channel.createImagePool(3, request, "nv12")) {
            out.println("producer: image pool of " + pool.size() + " x " + pool.descriptor() + " (descriptors and "
                    + pool.size() + " memfds sent once)");
            start = System.nanoTime();
            for (int n = 1; n <= frames; n++) {
                int slot = pool.acquire(WAIT);
                SignalingFence rendered = render.next();
                try (ImageAccess w = pool.image(slot).beginCpuAccess(Access.WRITE)) {
                    writePlane(w.plane(0).segments(), n, 3);
                    writePlane(w.plane(1).segments(), n * 7, 1);
                    MemorySegment first = w.plane(0).segments().getFirst();
                    first.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, n);
                    first.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, System.nanoTime());
                }
                rendered.signal(); // the "camera" finished: the consumer's acquire point signals now
                sent.add(pool.submit(slot, rendered));
            }
            for (SentFrame f : sent) {
                f.released().await(WAIT);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "producer: %d frames of NV12 %dx%d in %.2f s: %.1f frames/s, handed over without a"
                + " copy%n", frames, WIDTH, HEIGHT, seconds, frames / seconds);
    }

    /** Row y of a plane gets bytes {@code (seed + slope * y + i) & 0xff}. */
    private static void writePlane(List<MemorySegment> rows, long seed, int slope) {
        for (int y = 0; y < rows.size(); y++) {
            MemorySegment row = rows.get(y);
            MemorySegment.copy(RAMP, rampOffset(seed, slope, y), row, ValueLayout.JAVA_BYTE, 0, (int) row.byteSize());
        }
    }

    /** The first row of a plane that differs from what {@link #writePlane} wrote, from byte {@code from} of row 0. */
    private static int badRow(List<MemorySegment> rows, long seed, int slope, int from) {
        for (int y = 0; y < rows.size(); y++) {
            MemorySegment row = rows.get(y);
            int skip = y == 0 ? from : 0;
            MemorySegment expected = MemorySegment.ofArray(RAMP).asSlice(rampOffset(seed, slope, y) + skip,
                    row.byteSize() - skip);
            if (row.asSlice(skip).mismatch(expected) >= 0) {
                return y;
            }
        }
        return -1;
    }

    private static int rampOffset(long seed, int slope, int y) {
        return (int) ((seed + (long) slope * y) & 0xff);
    }

    private static int consume(UnixAddress address, PrintStream out) {
        try (SimulatedSystem sys = DmaBufs.newSystem();
             BufferChannel channel = BufferChannel.connect(MemfdHeap.of(sys), address, "encoder")) {
            SimulatedDevice display = sys.newDevice("display").formats(ImageUsage.SCANOUT, DISPLAY).build();
            SimulatedDevice encoder = sys.newDevice("encoder").formats(ImageUsage.SAMPLE, ENCODER).build();
            channel.sendFeedback(FormatFeedback.of(display.tranche(ImageUsage.SCANOUT),
                    encoder.tranche(ImageUsage.SAMPLE)));
            ConsumerStats stats = new ConsumerStats();
            String layout = "?";
            while (true) {
                Optional<ReceivedFrame> next;
                try {
                    next = channel.receive(WAIT);
                } catch (PeerGoneException done) {
                    break;
                }
                if (next.isEmpty()) {
                    out.println("consumer: no frame within " + WAIT);
                    break;
                }
                try (ReceivedFrame f = next.get()) {
                    Image image = f.image().orElseThrow();
                    layout = image.descriptor().pair().toString();
                    long n;
                    long rendered;
                    boolean ok;
                    try (ImageAccess r = image.beginCpuAccess(Access.READ)) { // waits for the acquire point
                        MemorySegment row0 = r.plane(0).segments().getFirst();
                        n = row0.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                        rendered = row0.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
                        ok = n == f.frame() && badRow(r.plane(0).segments(), n, 3, 16) < 0
                                && badRow(r.plane(1).segments(), n * 7, 1, 0) < 0;
                    }
                    try (ImageAttachment a = image.attach(encoder, ImageUsage.SAMPLE);
                         ImageMapping m = a.mapUnlocked(Direction.TO_DEVICE)) {
                        ok &= m.mappings().size() == image.buffers().size();
                    }
                    stats.frame(rendered, ok);
                }
            }
            out.println("consumer: " + stats.summary(layout, "every sample checked through per-plane windows, each"
                    + " imported by 'encoder'"));
            out.flush();
            return stats.exitCode();
        }
    }
}
