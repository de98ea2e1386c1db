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
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceInfo;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncFileInfo;
import org.dmabuf4j.core.Counters;
import org.dmabuf4j.core.DeviceCounters;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.HeapCounters;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A capture, process and encode pipeline on shared buffers, zero copy and asynchronous: devices work on their engines'
 * threads, and fences order everything.
 *
 * <pre>
 *   camera engine (non-coherent, 32-bit DMA): Fill header row + Write sensor image ──► frame buffer (ring of 2)
 *   CPU: draws an overlay into a 2-D region of the frame   (begin waits for the camera's jobs: implicit sync)
 *   encoder engine (coherent): Read frame ──► bitstream    (waits for the camera's sync file: explicit sync)
 *   muxer (CPU): waits for the encoder's sync file, then checks the bitstream
 * </pre>
 *
 * <p>Nobody waits by hand for device work on a buffer: each job's fence sits in the buffer's reservation (WRITE for
 * the camera, READ for the encoder), so the CPU window waits for the camera, and the camera's next frame in the same
 * buffer waits for the encoder still reading the previous one. Sync files carry fences where there is no buffer to
 * hold them: from the camera stage to the encoder (as a separate process would receive them) and from the encoder to
 * the muxer, whose bitstream lives in heap memory. The camera's writes reach the CPU only through cache maintenance
 * (the CPU has a write-back cache in front of a non-coherent device), and the overlay reaches the encoder only because
 * the CPU window is closed (cleaned) before the encoder reads. The CPU touches exactly the overlay's rows: the counters
 * show the bytes synced. Run it with {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples -am package}.
 */
public final class Pipeline {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 4;
    private static final int RING = 2;
    private static final Region OVERLAY = Region.rect(16, 16, 64, 32);
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
                    .withMaxSegmentSize(64 * 1024)).build();
            SimulatedDevice encoder = sys.newDevice("encoder").coherent().build();
            out.println("dmabuf4j pipeline: camera engine (non-coherent, 32-bit) -> CPU overlay (2-D region) ->"
                    + " encoder engine (coherent) -> muxer");
            BufferLayout layout = BufferLayout.linear(WIDTH, HEIGHT, 4);
            DmaBuf[] ring = new DmaBuf[RING];
            Attachment[] cameraSide = new Attachment[RING];
            Attachment[] encoderSide = new Attachment[RING];
            Mapping[] cameraOut = new Mapping[RING];
            Mapping[] encoderIn = new Mapping[RING];
            for (int i = 0; i < RING; i++) {
                ring[i] = sys.systemHeap().allocate(layout);
                cameraSide[i] = ring[i].attach(camera);
                encoderSide[i] = ring[i].attach(encoder);
                // mapped once for the whole run, as drivers do; the engines use the mappings' DMA addresses
                cameraOut[i] = cameraSide[i].mapUnlocked(Direction.FROM_DEVICE);
                encoderIn[i] = encoderSide[i].mapUnlocked(Direction.TO_DEVICE);
            }
            List<Event> events = new ArrayList<>();
            MemorySegment[] bitstreams = new MemorySegment[FRAMES];
            SyncFile[] encoded = new SyncFile[FRAMES];
            long[] synced = new long[FRAMES];
            for (int f = 0; f < FRAMES; f++) {
                DmaBuf buf = ring[f % RING];
                buf.setName("frame-" + f);
                // camera: both jobs wait, without being told, for the encoder still reading this buffer's last frame
                events.add(new Event("camera fill header of frame-" + f, camera.engine().submit(
                        Job.fill(cameraOut[f % RING], 0, layout.stride(), (byte) f))));
                events.add(new Event("camera write image of frame-" + f, camera.engine().submit(
                        Job.write(sensorImage(f, layout), cameraOut[f % RING], layout.stride()))));
                SyncFile captured = buf.exportSyncFile(Access.READ);
                // CPU: beginCpuAccess waits for the camera's jobs (implicit sync)
                long syncedBefore = sys.counters().bytesSynced();
                drawOverlay(buf);
                synced[f] = sys.counters().bytesSynced() - syncedBefore;
                // encoder: told explicitly to wait for the camera's sync file
                bitstreams[f] = MemorySegment.ofArray(new byte[(int) buf.size()]);
                Fence encode = encoder.engine().submit(Job.read(encoderIn[f % RING], 0, bitstreams[f])
                        .after(captured));
                events.add(new Event("encoder read of frame-" + f, encode));
                encoded[f] = sys.fences().syncFile(encode, null);
                if (f == FRAMES - 1) {
                    String dump = sys.describeBuffers();
                    out.println();
                    out.println("--- bufinfo, " + when(encode, f) + " ---");
                    out.print(dump);
                    out.println();
                }
            }
            // muxer: the bitstream is heap memory with no reservation, so it waits for the encoder's sync file
            for (int f = 0; f < FRAMES; f++) {
                String problem;
                try {
                    problem = encoded[f].await(BOUND) ? verify(bitstreams[f], f, layout)
                            : "the encoder did not finish";
                } catch (FenceFailedException failed) {
                    problem = "the encoder failed: " + failed.getCause();
                }
                ok &= problem == null;
                out.printf(Locale.ROOT, "frame %d: camera wrote %d bytes, CPU drew a 64x32 overlay (%d bytes"
                        + " synced), encoder read %d bytes, CRC32 %08x: %s%n", f, ring[f % RING].size(), synced[f],
                        bitstreams[f].byteSize(), checksum(bitstreams[f]), problem == null ? "ok" : problem);
            }
            out.println();
            printTimeline(out, events);
            out.println();
            printSyncFile(out, encoded[FRAMES - 1]);
            for (int i = 0; i < RING; i++) {
                cameraSide[i].unmapUnlocked(cameraOut[i]);
                encoderSide[i].unmapUnlocked(encoderIn[i]);
                cameraSide[i].close();
                encoderSide[i].close();
                ring[i].close();
            }
            out.println();
            out.println("--- counters ---");
            print(out, sys.counters());
            out.println(ok ? "All " + FRAMES + " frames verified." : "SOME FRAMES WERE WRONG.");
        }
        return ok;
    }

    /**
     * What the camera's sensor delivers for a frame: every row but the header row, in heap memory that the camera's
     * engine reads when its write job runs (so a fresh array per frame).
     */
    private static MemorySegment sensorImage(int frame, BufferLayout layout) {
        int[] pixels = new int[layout.width() * (layout.height() - 1)];
        for (int y = 1; y < layout.height(); y++) {
            for (int x = 0; x < layout.width(); x++) {
                pixels[(y - 1) * layout.width() + x] = pixel(frame, x, y);
            }
        }
        return MemorySegment.ofArray(pixels);
    }

    /** The CPU inverts the pixels of the overlay rectangle: it must read the camera's data and write its own. */
    private static void drawOverlay(DmaBuf buf) {
        try (CpuAccess w = buf.beginCpuAccess(Access.READ_WRITE, OVERLAY)) {
            for (MemorySegment row : w.segments()) {
                for (long i = 0; i < row.byteSize() / 4; i++) {
                    row.setAtIndex(ValueLayout.JAVA_INT, i, ~row.getAtIndex(ValueLayout.JAVA_INT, i));
                }
            }
        }
    }

    private static int pixel(int frame, int x, int y) {
        return frame << 24 | y << 12 | x;
    }

    /**
     * When a dump taken just before was taken, said truthfully: a fence that is still pending after the dump was
     * pending during it (fences never un-signal); one that has signaled may have done so before.
     */
    static String when(Fence encode, int f) {
        return encode.isSignaled() ? "after frame " + f + " was handed to the encoder (its job may have finished)"
                : "while frame " + f + " is queued at the encoder";
    }

    private static String verify(MemorySegment frame, int f, BufferLayout layout) {
        for (int x = 0; x < layout.stride(); x++) {
            byte seen = frame.get(ValueLayout.JAVA_BYTE, x);
            if (seen != (byte) f) {
                return String.format(Locale.ROOT, "WRONG header byte %d: %02x, expected %02x", x, seen, f);
            }
        }
        Region.Rect r = (Region.Rect) OVERLAY;
        for (int y = 1; y < layout.height(); y++) {
            for (int x = 0; x < layout.width(); x++) {
                boolean inOverlay = x >= r.x() && x < r.x() + r.width() && y >= r.y() && y < r.y() + r.height();
                int expected = inOverlay ? ~pixel(f, x, y) : pixel(f, x, y);
                int seen = frame.get(ValueLayout.JAVA_INT_UNALIGNED, y * layout.stride() + x * 4L);
                if (seen != expected) {
                    return String.format(Locale.ROOT, "WRONG pixel (%d, %d): %08x, expected %08x", x, y, seen,
                            expected);
                }
            }
        }
        return null;
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

    private static long checksum(MemorySegment s) {
        CRC32 crc = new CRC32();
        crc.update(s.toArray(ValueLayout.JAVA_BYTE));
        return crc.getValue();
    }

    private static void print(PrintStream out, Counters c) {
        out.printf(Locale.ROOT, "buffers: %d exported, %d released, %d live; live native bytes %d%n", c.exports(),
                c.releases(), c.liveBuffers(), c.liveNativeBytes());
        out.printf(Locale.ROOT, "maps %d, unmaps %d, CPU accesses %d, syncs %d (%d bytes)%n", c.maps(), c.unmaps(),
                c.cpuAccesses(), c.syncs(), c.bytesSynced());
        for (HeapCounters h : c.heaps()) {
            out.printf(Locale.ROOT, "heap %-10s: %d allocations (%d reused), %d live, %d bytes synced%n", h.name(),
                    h.allocations(), h.reusedAllocations(), h.liveBuffers(), h.bytesSynced());
        }
        for (DeviceCounters d : c.devices()) {
            out.printf(Locale.ROOT, "device %-8s: %d maps, %d unmaps, %d DMA reads (%d bytes), %d DMA writes (%d"
                    + " bytes), %d faults, %d bytes synced, %d translations live%n", d.name(), d.maps(), d.unmaps(),
                    d.dmaReads(), d.bytesRead(), d.dmaWrites(), d.bytesWritten(), d.faults(), d.bytesSynced(),
                    d.liveTranslations());
        }
    }
}
