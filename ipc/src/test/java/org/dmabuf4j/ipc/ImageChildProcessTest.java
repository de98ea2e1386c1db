package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Images between this JVM and a real second process ({@link ChildMain} {@code images} in a child JVM): format
 * feedback first, then NV12 images in LINEAR, SIM_TILED (a buffer per plane) and SIM_TILED_CCS with their own
 * descriptors, then an image pool allocated with the modifiers the feedback allows; the child checks every sample,
 * imports each image into its encoder, and answers with images of its own, which this side checks. Every wait is
 * bounded.
 */
@ExtendWith(NoLeaks.class)
class ImageChildProcessTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int WIDTH = 320;
    private static final int HEIGHT = 180;

    @Test
    @DisplayName("IPC-17: NV12 images cross byte-exact both ways between two JVMs, linear, tiled and compressed, fd per frame and in a pool negotiated by feedback")
    void imagesCrossByteExactBothWays() {
        UnixAddress address = UnixAddress.abstractName("dmabuf4j-test-" + ProcessHandle.current().pid()
                + "-images-" + System.nanoTime());
        try (SimulatedSystem sys = DmaBufs.newSystem();
             ChannelListener listener = ChannelListener.listen(MemfdHeap.of(sys), address, "parent");
             ChildJvm child = ChildJvm.start("images", address.name())) {
            MemfdHeap heap = MemfdHeap.of(sys);
            SimulatedDevice camera = sys.newDevice("camera").formats(ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12,
                    FormatModifier.LINEAR, FormatModifier.SIM_TILED, FormatModifier.SIM_TILED_CCS)).build();
            List<SentFrame> sent = new ArrayList<>();
            List<FormatModifier> expected = new ArrayList<>();
            try (BufferChannel c = listener.accept(START).orElseThrow(() -> new AssertionError(
                    "the child did not connect:\n" + child.output()))) {
                FormatFeedback feedback = c.awaitFeedback(WAIT).orElseThrow(() -> new AssertionError(
                        "no feedback:\n" + child.output()));
                assertEquals(ChildMain.ENCODER_FORMATS, feedback.tranches().getFirst().formats());
                List<FormatModifier> candidates = feedback.modifiers(DrmFormat.NV12,
                        camera.formats(ImageUsage.RENDER));
                assertEquals(List.of(FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED, FormatModifier.LINEAR),
                        candidates, "the encoder's order, within what the camera renders");
                long frame = 0;
                for (FormatModifier m : List.of(FormatModifier.LINEAR, FormatModifier.SIM_TILED,
                        FormatModifier.SIM_TILED_CCS)) {
                    frame++;
                    try (Image image = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT, m)
                            .withDisjointPlanes(m.equals(FormatModifier.SIM_TILED)), heap)) {
                        ImagePatterns.fill(image, frame);
                        sent.add(c.send(image, null));
                        expected.add(m);
                    }
                }
                ImageRequest negotiated = new ImageRequest(DrmFormat.NV12, WIDTH, HEIGHT, candidates,
                        List.of(new ImageTarget(camera, ImageUsage.RENDER)),
                        org.dmabuf4j.api.image.LayoutConstraints.NONE, false);
                try (ImagePool pool = c.createImagePool(2, negotiated, "nv12")) {
                    assertEquals(FormatModifier.SIM_TILED_CCS, pool.descriptor().modifier(),
                            "the best candidate the camera can allocate");
                    for (int i = 0; i < 4; i++) {
                        frame++;
                        int slot = pool.acquire(WAIT);
                        ImagePatterns.fill(pool.image(slot), frame);
                        sent.add(pool.submit(slot, null));
                        expected.add(pool.descriptor().modifier());
                    }
                    for (int n = 1; n <= frame; n++) {
                        try (ReceivedFrame reply = c.receive(WAIT).orElseThrow(() -> new AssertionError(
                                "no reply:\n" + child.output()))) {
                            Image got = reply.image().orElseThrow();
                            assertEquals(n, reply.frame());
                            assertEquals(expected.get(n - 1), got.descriptor().modifier());
                            assertNull(ImagePatterns.firstMismatch(got, 1000 + n),
                                    "reply " + n + " differs from the child's pattern");
                        }
                    }
                    for (SentFrame f : sent) {
                        assertTrue(f.released().await(WAIT), "release point " + f.frame() + " of the child");
                    }
                }
            }
            for (int n = 1; n <= 7; n++) {
                String line = child.expect("IMAGE " + n + " ", WAIT);
                assertTrue(line.endsWith(" OK"), line + "\n" + child.output());
                assertTrue(line.contains(expected.get(n - 1).toString()), line);
            }
            String leaks = child.expect("LEAKS ", WAIT);
            assertTrue(leaks.startsWith("LEAKS 0 memfd=0 socket=0 eventfd=0 pidfd=0 owned=0 memfdMappings=0"),
                    "the child left something: " + leaks + "\n" + child.output());
            assertEquals(0, child.awaitExit(WAIT), child.output());
            assertEquals(0, heap.liveBuffers(), "every buffer released once the channel closed");
        }
    }
}
