package org.dmabuf4j.examples;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * The README's quick start: export, attach, map, CPU access and fences, in one short program.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * Runs the quick start.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Runs the quick start, printing to {@code out}.
     *
     * @param out where to print
     * @return the byte the encoder read at the overlay's first pixel
     * @throws org.dmabuf4j.api.FenceFailedException (FENCE-13) if the encoder's job failed
     */
    public static byte run(PrintStream out) {
        // --8<-- [quickstart]
        try (SimulatedSystem system = DmaBufs.newSystem()) {
            SimulatedDevice camera = system.newDevice("camera").nonCoherent().build();
            SimulatedDevice encoder = system.newDevice("encoder").build();

            // Export: a 640x480 RGBA frame from the system heap (zeroed, page-rounded, scattered chunks).
            try (DmaBuf frame = system.systemHeap().allocate(BufferLayout.linear(640, 480, 4))) {
                frame.setName("frame-0");

                // Attach + map: addresses in the camera's own IOMMU; its engine fills the frame asynchronously and
                // adds the job's fence to the frame's reservation (WRITE usage). Closing the mapping unmaps it,
                // before the attachment detaches (try-with-resources closes in reverse order).
                try (Attachment cam = frame.attach(camera);
                     Mapping m = cam.mapUnlocked(Direction.FROM_DEVICE)) {
                    camera.engine().submit(Job.fill(m, 0, frame.size(), (byte) 0x20));

                    // CPU access: begin waits for the camera's fence (implicit sync) and invalidates exactly the
                    // 2-D region in the simulated CPU cache; close() cleans exactly those 64x8 pixels.
                    try (CpuAccess overlay = frame.beginCpuAccess(Access.READ_WRITE, Region.rect(16, 16, 64, 8))) {
                        for (MemorySegment row : overlay.segments()) {
                            row.fill((byte) 0xff);
                        }
                    }
                }

                // Fences: the encoder's read job waits for everything before it, then signals its own fence.
                // await() throws FenceFailedException (the job's error is its cause) if the job failed.
                try (Attachment enc = frame.attach(encoder);
                     Mapping m = enc.mapUnlocked(Direction.TO_DEVICE);
                     Arena arena = Arena.ofShared()) {
                    MemorySegment bitstream = arena.allocate(frame.size());
                    Fence encoded = encoder.engine().submit(Job.read(m, 0, bitstream));
                    encoded.await();
                    byte pixel = bitstream.get(JAVA_BYTE, 16L * 640 * 4 + 16 * 4);
                    out.printf("encoder read %d bytes; overlay pixel = 0x%02x, background = 0x%02x%n",
                            bitstream.byteSize(), pixel, bitstream.get(JAVA_BYTE, 0));
                    out.print(system.describeBuffers());
                    return pixel;
                }
            }
        }
        // --8<-- [quickstart]
    }
}
