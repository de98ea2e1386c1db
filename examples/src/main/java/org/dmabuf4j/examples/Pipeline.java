package org.dmabuf4j.examples;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceInfo;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncFileInfo;
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
import org.dmabuf4j.api.image.NegotiatedImages;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.api.image.NegotiationResult;
import org.dmabuf4j.core.Counters;
import org.dmabuf4j.core.DeviceCounters;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.ImageCounters;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A capture, process and encode pipeline on shared NV12 frames, zero copy and asynchronous: the camera and the encoder
 * negotiate a layout both import, devices work on their engines' threads, and fences order everything.
 *
 * <pre>
 *   negotiation: camera renders {NV12: SIM_TILED, LINEAR}, encoder samples {NV12: SIM_TILED_CCS, SIM_TILED, LINEAR}
 *                -&gt; NV12:SIM_TILED, shared zero copy (a ring of 2 frames)
 *   camera engine (non-coherent, 32-bit DMA): image fill of the header rows (Y = frame, UV = grey) and an image copy
 *                of the sensor's linear NV12 picture into the tiled frame (the ISP's layout conversion)
 *   CPU: inverts a 64x32 overlay on the Y and UV planes through per-plane windows (the linear view of the tiles;
 *        begin waits for the camera's jobs: implicit sync)
 *   encoder engine (coherent): image copy of the tiled frame into its linear input (waits for the camera's sync
 *        file: explicit sync)
 *   muxer (CPU): waits for the encoder's sync file, then checks every sample of both planes
 * </pre>
 *
 * <p>Nobody waits by hand for device work on a frame: each job's fence sits in the frame's reservation, so the CPU
 * windows wait for the camera, and the camera's next frame in the same buffer waits for the encoder still reading the
 * previous one. The camera's writes reach the CPU only through cache maintenance of exactly the overlay's bytes of
 * both planes (the counters show them), and the overlay reaches the encoder only because the windows are closed
 * (retiled and cleaned) before the encoder reads. Run it with {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples
 * -am package}.
 */
public final class Pipeline {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 4;
    private static final int RING = 2;
    private static final int HEADER_ROWS = 2;
    private static final Region.Rect OVERLAY = new Region.Rect(16, 16, 64, 32);
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** A fence with what it stands for, for the timeline. */
    private record Event(String what, Fence fence) {
    }

    private Pipeline() {
    }

    /**
     * Runs the pipeline, printing to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        if (!run(System.out)) {
            System.exit(1);
        }
    }

    /**
     * Runs the pipeline.
     *
     * @param out where the report goes
     * @return true if every frame arrived intact at the muxer
     */
    public static boolean run(PrintStream out) {
        boolean ok = true;
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            SimulatedDevice camera = sys.newDevice("camera").nonCoherent().constraints(DmaConstraints.bits32()
                    .withMaxSegmentSize(64 * 1024))
                    .formats(ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED,
                            FormatModifier.LINEAR))
                    .build();
            SimulatedDevice encoder = sys.newDevice("encoder").coherent()
                    .formats(ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED_CCS,
                            FormatModifier.SIM_TILED, FormatModifier.LINEAR))
                    .build();
            out.println("dmabuf4j pipeline: camera engine (non-coherent, 32-bit) -> CPU overlay on Y and UV ->"
                    + " encoder engine (coherent) -> muxer, NV12 " + WIDTH + "x" + HEIGHT);

            // negotiation: the encoder's one tranche, intersected with what the camera renders (NEG-1, NEG-5)
            NegotiatedImages negotiated = sys.images().negotiate(NegotiationRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    camera.tranche(ImageUsage.RENDER), encoder.tranche(ImageUsage.SAMPLE)));
            NegotiationResult result = negotiated.result();
            out.println("negotiation: camera renders " + camera.formats(ImageUsage.RENDER) + ", encoder samples "
                    + encoder.formats(ImageUsage.SAMPLE));
            out.println("  " + result.describe());
            FormatModifier chosen = result.producer().modifier();

            Image[] ring = new Image[RING];
            ring[0] = negotiated.producerImage();
            for (int i = 1; i < RING; i++) {
                ring[i] = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT, chosen)
                        .withTargets(new ImageTarget(camera, ImageUsage.RENDER),
                                new ImageTarget(encoder, ImageUsage.SAMPLE)));
            }
            out.println("frame layout: " + ring[0].descriptor());

            // the sensor's picture: linear NV12 the camera's engine converts into the tiled frame
            Image sensor = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    FormatModifier.LINEAR).withTargets(new ImageTarget(camera, ImageUsage.SAMPLE)));
            // the encoder's linear input, where its engine converts each frame to
            Image[] encoded = new Image[FRAMES];
            ImageAttachment[] encodedSide = new ImageAttachment[FRAMES];
            ImageAttachment sensorSide = sensor.attach(camera, ImageUsage.SAMPLE);
            ImageMapping sensorIn = sensorSide.mapUnlocked(Direction.TO_DEVICE);
            ImageAttachment[] cameraSide = new ImageAttachment[RING];
            ImageAttachment[] encoderSide = new ImageAttachment[RING];
            ImageMapping[] cameraOut = new ImageMapping[RING];
            ImageMapping[] encoderIn = new ImageMapping[RING];
            for (int i = 0; i < RING; i++) {
                // imported once for the whole run, as drivers do; the device checks the layout (NEG-3)
                cameraSide[i] = ring[i].attach(camera, ImageUsage.RENDER);
                encoderSide[i] = ring[i].attach(encoder, ImageUsage.SAMPLE);
                cameraOut[i] = cameraSide[i].mapUnlocked(Direction.FROM_DEVICE);
                encoderIn[i] = encoderSide[i].mapUnlocked(Direction.TO_DEVICE);
            }

            List<Event> events = new ArrayList<>();
            SyncFile[] encodedFences = new SyncFile[FRAMES];
            long[] synced = new long[FRAMES];
            for (int f = 0; f < FRAMES; f++) {
                Image frame = ring[f % RING];
                frame.buffers().getFirst().setName("frame-" + f);
                // the sensor's next picture; the CPU window waits for the camera still converting the last one
                sensorPicture(sensor, f);
                // camera: both jobs wait, without being told, for the encoder still reading this frame's last use
                events.add(new Event("camera header rows of frame-" + f, camera.engine().submit(Job.fill(
                        cameraOut[f % RING], new Region.Rect(0, 0, WIDTH, HEADER_ROWS), f, 0x8080))));
                events.add(new Event("camera ISP copy into frame-" + f, camera.engine().submit(Job.convert(sensorIn,
                        cameraOut[f % RING], new Region.Rect(0, HEADER_ROWS, WIDTH, HEIGHT - HEADER_ROWS)))));
                SyncFile captured = frame.buffers().getFirst().exportSyncFile(Access.READ);
                // CPU: the plane windows wait for the camera's jobs (implicit sync)
                long syncedBefore = sys.counters().bytesSynced();
                drawOverlay(frame);
                synced[f] = sys.counters().bytesSynced() - syncedBefore;
                // encoder: told explicitly to wait for the camera's sync file
                encoded[f] = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                        FormatModifier.LINEAR).withTargets(new ImageTarget(encoder, ImageUsage.RENDER)));
                encodedSide[f] = encoded[f].attach(encoder, ImageUsage.RENDER);
                ImageMapping into = encodedSide[f].mapUnlocked(Direction.FROM_DEVICE);
                Fence encode = encoder.engine().submit(Job.convert(encoderIn[f % RING], into).after(captured));
                events.add(new Event("encoder read of frame-" + f, encode));
                encodedFences[f] = sys.fences().syncFile(encode, null);
                if (f == FRAMES - 1) {
                    String dump = sys.describeBuffers();
                    out.println();
                    out.println("--- bufinfo, " + when(encode, f) + " ---");
                    out.print(dump);
                    out.println();
                }
            }
            // muxer: the encoder's output carries its fence, but the muxer is told by a sync file, as across processes
            for (int f = 0; f < FRAMES; f++) {
                String problem;
                try {
                    problem = encodedFences[f].await(BOUND) ? verify(encoded[f], f) : "the encoder did not finish";
                } catch (FenceFailedException failed) {
                    problem = "the encoder failed: " + failed.getCause();
                }
                ok &= problem == null;
                out.printf(Locale.ROOT, "frame %d: camera wrote NV12:%s, CPU inverted a 64x32 overlay on Y and UV (%d"
                        + " bytes synced), encoder read %d bytes, CRC32 %08x: %s%n", f, chosen, synced[f],
                        size(encoded[f]), checksum(encoded[f]), problem == null ? "ok" : problem);
            }
            out.println();
            printTimeline(out, events);
            out.println();
            printSyncFile(out, encodedFences[FRAMES - 1]);
            for (ImageAttachment e : encodedSide) {
                e.close(); // after the muxer saw the encoder's fences: unmapping earlier would fault the job
            }
            for (int i = 0; i < RING; i++) {
                cameraSide[i].close();
                encoderSide[i].close();
            }
            sensorSide.close();
            sensor.close();
            negotiated.close();
            for (int i = 1; i < RING; i++) {
                ring[i].close();
            }
            for (Image e : encoded) {
                e.close();
            }
            out.println();
            out.println("--- counters ---");
            print(out, sys.counters(), sys.images().counters());
            out.println(ok ? "All " + FRAMES + " frames verified." : "SOME FRAMES WERE WRONG.");
        }
        return ok;
    }

    /** The sensor's picture of a frame: the CPU writes the linear sensor image, Y and UV. */
    private static void sensorPicture(Image sensor, int frame) {
        try (ImageAccess w = sensor.beginCpuAccess(Access.WRITE)) {
            for (int p = 0; p < 2; p++) {
                CpuAccess plane = w.plane(p);
                for (int y = 0; y < plane.rowCount(); y++) {
                    MemorySegment row = plane.row(y);
                    for (int x = 0; x < row.byteSize(); x++) {
                        row.set(ValueLayout.JAVA_BYTE, x, sample(frame, p, y, x));
                    }
                }
            }
        }
    }

    /** The CPU inverts the overlay's samples on both planes: it must read the camera's data and write its own. */
    private static void drawOverlay(Image frame) {
        try (ImageAccess w = frame.beginCpuAccess(Access.READ_WRITE, OVERLAY)) {
            for (CpuAccess plane : w.planes()) {
                for (MemorySegment row : plane.segments()) {
                    for (long i = 0; i < row.byteSize(); i++) {
                        row.set(ValueLayout.JAVA_BYTE, i, (byte) ~row.get(ValueLayout.JAVA_BYTE, i));
                    }
                }
            }
        }
    }

    private static byte sample(int frame, int plane, int y, int xb) {
        return (byte) (frame * 29 + plane * 101 + y * 3 + xb * 7);
    }

    /** What the muxer expects at byte {@code xb} of row {@code y} of plane {@code p}. */
    private static byte expected(int frame, int p, int y, int xb) {
        int sub = p == 0 ? 1 : 2;
        byte v;
        if (y * sub < HEADER_ROWS) {
            v = p == 0 ? (byte) frame : (byte) 0x80;
        } else {
            v = sample(frame, p, y, xb);
        }
        int bps = p == 0 ? 1 : 2;
        int x = xb / bps;
        boolean inOverlay = x >= OVERLAY.x() / sub && x < (OVERLAY.x() + OVERLAY.width()) / sub
                && y >= OVERLAY.y() / sub && y < (OVERLAY.y() + OVERLAY.height()) / sub;
        return inOverlay ? (byte) ~v : v;
    }

    /**
     * When a dump taken just before was taken, said truthfully: a fence that is still pending after the dump was
     * pending during it (fences never un-signal); one that has signaled may have done so before.
     */
    static String when(Fence encode, int f) {
        return encode.isSignaled() ? "after frame " + f + " was handed to the encoder (its job may have finished)"
                : "while frame " + f + " is queued at the encoder";
    }

    private static String verify(Image encoded, int f) {
        try (ImageAccess r = encoded.beginCpuAccess(Access.READ)) {
            for (int p = 0; p < 2; p++) {
                CpuAccess plane = r.plane(p);
                for (int y = 0; y < plane.rowCount(); y++) {
                    MemorySegment row = plane.row(y);
                    for (int xb = 0; xb < row.byteSize(); xb++) {
                        byte seen = row.get(ValueLayout.JAVA_BYTE, xb);
                        byte want = expected(f, p, y, xb);
                        if (seen != want) {
                            return String.format(Locale.ROOT, "WRONG %s byte (%d, %d): %02x, expected %02x",
                                    p == 0 ? "Y" : "UV", xb, y, seen, want);
                        }
                    }
                }
            }
        }
        return null;
    }

    private static long size(Image image) {
        long n = 0;
        for (int p = 0; p < image.descriptor().colourPlaneCount(); p++) {
            n += image.descriptor().planeRowBytes(p) * image.descriptor().planeRows(p);
        }
        return n;
    }

    /** Every device job's fence, in the order they signaled, with the time since the first. */
    private static void printTimeline(PrintStream out, List<Event> events) {
        out.println("--- fence timeline (in signal order) ---");
        List<Event> sorted = new ArrayList<>(events);
        sorted.removeIf(e -> !e.fence.isSignaled());
        sorted.sort(Comparator.comparingLong(e -> e.fence.timestampNanos())); // stable: ties keep submission order
        long t0 = sorted.isEmpty() ? 0 : sorted.getFirst().fence.timestampNanos();
        for (Event e : sorted) {
            Fence f = e.fence;
            String at = String.format(Locale.ROOT, "+%.3f ms", (f.timestampNanos() - t0) / 1e6);
            out.printf(Locale.ROOT, "  %12s  %-8s %-8s seqno %-3d %-9s %s%n", at, f.driverName(), f.timelineName(),
                    f.seqno(), f.status().name().toLowerCase(Locale.ROOT), e.what);
        }
    }

    private static void printSyncFile(PrintStream out, SyncFile s) {
        SyncFileInfo info = s.info();
        out.println("--- sync file handed from the encoder to the muxer for the last frame ---");
        out.println("  name '" + info.name() + "', status " + info.status().name().toLowerCase(Locale.ROOT));
        for (FenceInfo f : info.fences()) {
            out.println("  fence: driver " + f.driverName() + ", timeline " + f.timelineName() + ", "
                    + f.status().name().toLowerCase(Locale.ROOT));
        }
    }

    private static long checksum(Image image) {
        CRC32 crc = new CRC32();
        try (ImageAccess r = image.beginCpuAccess(Access.READ)) {
            for (CpuAccess plane : r.planes()) {
                for (MemorySegment row : plane.segments()) {
                    crc.update(row.toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
        return crc.getValue();
    }

    private static void print(PrintStream out, Counters c, ImageCounters i) {
        out.printf(Locale.ROOT, "buffers: %d exported, %d released, %d live; live native bytes %d%n", c.exports(),
                c.releases(), c.liveBuffers(), c.liveNativeBytes());
        out.printf(Locale.ROOT, "maps %d, unmaps %d, CPU accesses %d, syncs %d (%d bytes)%n", c.maps(), c.unmaps(),
                c.cpuAccesses(), c.syncs(), c.bytesSynced());
        out.printf(Locale.ROOT, "images: %d allocated, %d plane windows, %d bytes detiled, %d retiled, %d image copy"
                + " jobs, %d fill jobs, %d bytes converted, %d negotiation(s)%n", i.allocations(), i.planeWindows(),
                i.bytesDetiled(), i.bytesRetiled(), i.copyJobs(), i.fillJobs(), i.bytesConverted(),
                i.negotiations());
        for (DeviceCounters d : c.devices()) {
            out.printf(Locale.ROOT, "device %-8s: %d maps, %d unmaps, %d DMA reads (%d bytes), %d DMA writes (%d"
                    + " bytes), %d faults, %d bytes synced, %d translations live%n", d.name(), d.maps(), d.unmaps(),
                    d.dmaReads(), d.bytesRead(), d.dmaWrites(), d.bytesWritten(), d.faults(), d.bytesSynced(),
                    d.liveTranslations());
        }
    }
}
