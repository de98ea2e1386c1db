package org.dmabuf4j.examples;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.zip.CRC32;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.Counters;
import org.dmabuf4j.core.DeviceCounters;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.HeapCounters;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A capture, process and encode pipeline on shared buffers, zero copy:
 *
 * <pre>
 *   camera (non-coherent, 32-bit DMA) ── writes a frame ──► buffer ◄── CPU draws an overlay into a 2-D region
 *                                                            │
 *                                        encoder (coherent) ─┘ reads the frame and checks it
 * </pre>
 *
 * <p>The camera's writes reach the CPU only through cache maintenance (the CPU has a write-back cache in front of a
 * non-coherent device), and the overlay reaches the encoder only because the CPU window is closed (cleaned) before
 * the encoder reads. The CPU touches exactly the overlay's rows: the counters show the bytes synced. Run it with
 * {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples -am package}.
 */
public final class Pipeline {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 4;
    private static final Region OVERLAY = Region.rect(16, 16, 64, 32);

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
     * @return true if every frame arrived intact at the encoder
     */
    public static boolean run(PrintStream out) {
        boolean ok = true;
        try (SimulatedSystem sys = DmaBufs.newSystem(); Arena scratch = Arena.ofConfined()) {
            SimulatedDevice camera = sys.newDevice("camera").nonCoherent().constraints(DmaConstraints.bits32()
                    .withMaxSegmentSize(64 * 1024)).build();
            SimulatedDevice encoder = sys.newDevice("encoder").coherent().build();
            out.println("dmabuf4j pipeline: camera (non-coherent, 32-bit) -> CPU overlay (2-D region) -> encoder"
                    + " (coherent)");
            BufferLayout layout = BufferLayout.linear(WIDTH, HEIGHT, 4);
            DmaBuf[] ring = {sys.systemHeap().allocate(layout), sys.systemHeap().allocate(layout)};
            Attachment[] cameraSide = {ring[0].attach(camera), ring[1].attach(camera)};
            Attachment[] encoderSide = {ring[0].attach(encoder), ring[1].attach(encoder)};
            MemorySegment line = scratch.allocate(layout.rowBytes());
            MemorySegment encoded = scratch.allocate(ring[0].size());
            try (Timeline cameraTimeline = sys.fences().newTimeline("camera")) {
                for (int f = 0; f < FRAMES; f++) {
                    DmaBuf buf = ring[f % 2];
                    buf.setName("frame-" + f);
                    capture(buf, cameraSide[f % 2], camera, cameraTimeline, f, layout, line);
                    long syncedBefore = sys.counters().bytesSynced();
                    drawOverlay(buf);
                    long synced = sys.counters().bytesSynced() - syncedBefore;
                    Mapping in = encoderSide[f % 2].mapUnlocked(Direction.TO_DEVICE);
                    if (f == FRAMES - 1) {
                        out.println();
                        out.println("--- bufinfo, while frame " + f + " is mapped by the encoder ---");
                        out.print(sys.describeBuffers());
                        out.println();
                    }
                    encoder.dmaRead(in.dmaAddress(0), encoded);
                    encoderSide[f % 2].unmapUnlocked(in);
                    String problem = verify(encoded, f, layout);
                    ok &= problem == null;
                    out.printf(Locale.ROOT, "frame %d: camera wrote %d bytes, CPU drew a 64x32 overlay (%d bytes"
                            + " synced), encoder read %d bytes, CRC32 %08x: %s%n", f, buf.size(), synced,
                            encoded.byteSize(), checksum(encoded), problem == null ? "ok" : problem);
                }
            }
            for (int i = 0; i < 2; i++) {
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

    /** The camera writes a frame through its IOMMU, publishing its work as a WRITE fence. */
    private static void capture(DmaBuf buf, Attachment att, SimulatedDevice camera, Timeline timeline, int frame,
            BufferLayout layout, MemorySegment line) {
        buf.reservation().lock();
        try {
            buf.reservation().reserveFences(1);
            buf.reservation().addFence(timeline.point(frame + 1), FenceUsage.WRITE);
        } finally {
            buf.reservation().unlock();
        }
        Mapping out = att.mapUnlocked(Direction.FROM_DEVICE);
        for (int y = 0; y < layout.height(); y++) {
            for (int x = 0; x < layout.width(); x++) {
                line.setAtIndex(ValueLayout.JAVA_INT, x, pixel(frame, x, y));
            }
            camera.dmaWrite(out.dmaAddress(y * layout.stride()), line);
        }
        att.unmapUnlocked(out);
        timeline.advance(1);
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

    private static String verify(MemorySegment frame, int f, BufferLayout layout) {
        Region.Rect r = (Region.Rect) OVERLAY;
        for (int y = 0; y < layout.height(); y++) {
            for (int x = 0; x < layout.width(); x++) {
                boolean inOverlay = x >= r.x() && x < r.x() + r.width() && y >= r.y() && y < r.y() + r.height();
                int expected = inOverlay ? ~pixel(f, x, y) : pixel(f, x, y);
                int seen = frame.get(ValueLayout.JAVA_INT, y * layout.stride() + x * 4L);
                if (seen != expected) {
                    return String.format(Locale.ROOT, "WRONG pixel (%d, %d): %08x, expected %08x", x, y, seen,
                            expected);
                }
            }
        }
        return null;
    }

    private static long checksum(MemorySegment s) {
        CRC32 crc = new CRC32();
        crc.update(s.asByteBuffer());
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
