package org.dmabuf4j.examples;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.core.DeviceMemory;
import org.dmabuf4j.core.DeviceMemoryCounters;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.RemappingImporter;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * Buffers that move: a frame in a GPU's local memory is read peer-to-peer by an NPU, moved by the GPU's driver,
 * evicted to system memory by a bigger allocation, and shown by a display that cannot reach device memory at all. The
 * importers are {@link RemappingImporter}s: each re-maps lazily after a notification and waits for the copy of the
 * move, so every read sees the frame as rendered.
 *
 * <p>Run: {@code ./mvnw -B -ntp -Pdemo -Ddemo.mainClass=org.dmabuf4j.examples.MovingBuffers -DskipTests -pl examples
 * -am package}.
 */
public final class MovingBuffers {
    private static final int KIB = 1024;

    private MovingBuffers() {
    }

    /**
     * Runs the example on standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Runs the example.
     *
     * @param out where the story is told
     */
    public static void run(PrintStream out) {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            SimulatedDevice gpu = sys.newDevice("gpu").peerToPeer(true).localMemory(256 * KIB).build();
            SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
            SimulatedDevice display = sys.newDevice("display").build();
            DeviceMemory vram = gpu.localMemory();
            byte[] pixels = new byte[128 * KIB];
            Arrays.fill(pixels, (byte) 0x7e);
            try (DmaBuf frame = vram.allocate(pixels.length)) {
                frame.setName("frame");
                try (RemappingImporter render = RemappingImporter.attach(frame, gpu, Direction.BIDIRECTIONAL, true);
                        RemappingImporter infer = RemappingImporter.attach(frame, npu, Direction.TO_DEVICE, true)) {
                    render.use(m -> {
                        gpu.dmaWrite(m.dmaAddress(0), MemorySegment.ofArray(pixels));
                        return null;
                    });
                    out.println("rendered by gpu into its own memory: resident=" + vram.isResident(frame));

                    Mapping peer = infer.mapping();
                    out.println("npu maps it peer-to-peer: CPU pages=" + peer.entries().getFirst().hasCpuPage()
                            + ", frame intact=" + intact(npu, infer, pixels));

                    sys.move(frame).awaitUninterruptibly();
                    out.println("gpu driver moved it: npu notified " + infer.notifications() + " time(s), re-mapped,"
                            + " frame intact=" + intact(npu, infer, pixels));

                    try (DmaBuf big = vram.allocate(192 * KIB)) {
                        big.setName("big");
                        out.println("a 192 KiB allocation evicted it to system memory: resident="
                                + vram.isResident(frame) + ", frame intact=" + intact(npu, infer, pixels));
                    }

                    sys.move(frame).awaitUninterruptibly();
                    out.println("moved back into gpu memory: resident=" + vram.isResident(frame) + ", frame intact="
                            + intact(npu, infer, pixels));

                    try (RemappingImporter scanout = RemappingImporter.attach(frame, display, Direction.TO_DEVICE)) {
                        out.println("display (no peer-to-peer) maps it, which migrates it to system memory: CPU pages="
                                + scanout.mapping().entries().getFirst().hasCpuPage() + ", resident="
                                + vram.isResident(frame) + ", frame intact=" + intact(display, scanout, pixels));
                    }
                    out.println("gpu still renders through its re-made mapping: frame intact="
                            + intact(gpu, render, pixels));
                }
                DeviceMemoryCounters c = vram.counters();
                out.println("counters: moves=" + c.moves() + " evictions=" + c.evictions() + " migrations="
                        + c.migrations() + " bytesCopied=" + c.bytesCopied());
            }
            out.println("live native bytes at the end: " + sys.liveNativeBytes());
        }
    }

    private static boolean intact(SimulatedDevice device, RemappingImporter importer, byte[] expected) {
        byte[] seen = new byte[expected.length];
        importer.use(m -> {
            device.dmaRead(m.dmaAddress(0), MemorySegment.ofArray(seen));
            return null;
        });
        return Arrays.equals(expected, seen);
    }
}
