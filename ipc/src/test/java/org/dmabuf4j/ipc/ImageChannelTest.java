package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.Tranche;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Images over a channel between two ends in one process (IPC-17, IPC-18): the descriptor and one descriptor per
 * distinct buffer cross, the receiver gets an explicit-layout import with the same descriptor, per-plane windows see
 * the sender's samples, and format feedback crosses before a pool is made.
 */
@ExtendWith(NoLeaks.class)
class ImageChannelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private interface Body {
        void run(SimulatedSystem sys, MemfdHeap heap, BufferChannel a, BufferChannel b) throws Exception;
    }

    private static void withPair(Body body) throws Exception {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            BufferChannel[] p = BufferChannel.pair(heap, "img");
            try (BufferChannel a = p[0]; BufferChannel b = p[1]) {
                body.run(sys, heap, a, b);
            }
            assertEquals(0, heap.liveBuffers(), "every buffer released once both ends are closed");
        }
    }

    private static Image nv12(SimulatedSystem sys, MemfdHeap heap, FormatModifier modifier, boolean disjoint) {
        return sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 160, 72, modifier).withDisjointPlanes(disjoint),
                heap);
    }

    /** The raw bytes of a buffer, to compare both sides' memory without any layout in between. */
    private static byte[] raw(DmaBuf b) {
        try (CpuAccess r = b.beginCpuAccess(Access.READ)) {
            return r.segments().getFirst().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    @DisplayName("IPC-17: an NV12 image crosses with one descriptor for its one buffer, and its planes arrive byte-exact")
    void anNv12ImageCrossesByteExact() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (Image sent = nv12(sys, heap, FormatModifier.LINEAR, false)) {
                ImagePatterns.fill(sent, 7);
                long before = OwnedFd.counters().created();
                SentFrame f = a.send(sent, null);
                try (ReceivedFrame r = b.receive(WAIT).orElseThrow()) {
                    Image got = r.image().orElseThrow();
                    assertEquals(sent.descriptor(), got.descriptor(), "the same descriptor, planes sharing one buffer");
                    assertEquals(1, got.buffers().size());
                    assertEquals(got.buffers(), r.buffers());
                    assertNull(ImagePatterns.firstMismatch(got, 7));
                    assertTrue(java.util.Arrays.equals(raw(sent.buffers().getFirst()), raw(got.buffers().getFirst())),
                            "the receiver maps the sender's pages");
                }
                assertEquals(2, OwnedFd.counters().created() - before,
                        "one descriptor for the one buffer: the sender's duplicate and the received one");
                assertTrue(f.released().await(WAIT));
                f.remoteClosed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(0, a.remoteHandles(), "IPC-10: the receiver's last handle closed, the sender's too");
            }
        });
    }

    @Test
    @DisplayName("IPC-17: a compressed image with a buffer per plane crosses with four descriptors, tiles and metadata byte-exact")
    void aCompressedImageWithDisjointPlanesCrosses() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (Image sent = nv12(sys, heap, FormatModifier.SIM_TILED_CCS, true)) {
                assertEquals(4, sent.buffers().size(), "Y, UV and their metadata planes, each in its own buffer");
                ImagePatterns.fill(sent, 11);
                a.send(sent, null);
                try (ReceivedFrame r = b.receive(WAIT).orElseThrow()) {
                    Image got = r.image().orElseThrow();
                    assertEquals(sent.descriptor(), got.descriptor());
                    assertEquals(FormatModifier.SIM_TILED_CCS, got.layoutModifier());
                    for (int i = 0; i < 4; i++) {
                        assertTrue(java.util.Arrays.equals(raw(sent.buffers().get(i)), raw(got.buffers().get(i))),
                                "buffer " + i + ": the stored tiles and metadata are the sender's");
                    }
                    assertNull(ImagePatterns.firstMismatch(got, 11), "the linear view through the receiver's codec");
                }
            }
        });
    }

    @Test
    @DisplayName("IPC-9: an image pool crosses once; its frames carry an index and sync points, no descriptor")
    void anImagePoolCrossesOnce() throws Exception {
        withPair((sys, heap, a, b) -> {
            ImageRequest request = ImageRequest.of(DrmFormat.NV12, 160, 72, FormatModifier.SIM_TILED);
            try (ImagePool pool = a.createImagePool(2, request, "tiles")) {
                assertEquals(FormatModifier.SIM_TILED, pool.descriptor().modifier());
                long before = -1;
                for (int n = 1; n <= 6; n++) {
                    int slot = pool.acquire(WAIT);
                    ImagePatterns.fill(pool.image(slot), n);
                    pool.submit(slot, null);
                    try (ReceivedFrame r = b.receive(WAIT).orElseThrow()) {
                        if (before < 0) {
                            before = OwnedFd.counters().created(); // the pool's descriptors came with the first frame
                        }
                        assertEquals(slot, r.poolIndex().orElseThrow());
                        Image got = r.image().orElseThrow();
                        assertEquals(pool.descriptor(), got.descriptor());
                        assertNull(ImagePatterns.firstMismatch(got, n), "frame " + n);
                    }
                }
                assertEquals(before, OwnedFd.counters().created(), "no descriptor was made or received per frame");
                assertEquals(2, b.importedBuffers(), "one buffer per image, imported once");
            }
        });
    }

    @Test
    @DisplayName("IPC-11: a received image's buffers all carry the acquire point; the sender's carry the release point")
    void theFencesAreInEveryBuffersReservation() throws Exception {
        withPair((sys, heap, a, b) -> {
            SignalingFence rendered = sys.fences().newContext("test", "render").next();
            try (Image sent = nv12(sys, heap, FormatModifier.LINEAR, true)) {
                SentFrame f = a.send(sent, rendered);
                try (ReceivedFrame r = b.receive(WAIT).orElseThrow()) {
                    for (DmaBuf buf : r.buffers()) {
                        assertFalse(buf.isReady(Access.READ), "the acquire point is in " + buf + "'s reservation");
                    }
                    for (DmaBuf buf : sent.buffers()) {
                        assertFalse(buf.isReady(Access.WRITE), "the release point is in " + buf + "'s reservation");
                    }
                    rendered.signal();
                    assertTrue(r.awaitAcquire(WAIT));
                    for (DmaBuf buf : r.buffers()) {
                        assertTrue(buf.isReady(Access.READ));
                    }
                }
                assertTrue(f.released().await(WAIT));
                for (DmaBuf buf : sent.buffers()) {
                    assertTrue(buf.isReady(Access.WRITE));
                }
            }
        });
    }

    @Test
    @DisplayName("NEG-3: a received image attaches to a device that imports its pair and is refused by one that does not")
    void aReceivedImageIsImportedByDevicesThatTakeItsPair() throws Exception {
        withPair((sys, heap, a, b) -> {
            SimulatedDevice encoder = sys.newDevice("encoder").formats(ImageUsage.SAMPLE,
                    FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED)).build();
            SimulatedDevice linearOnly = sys.newDevice("linear-only").build();
            try (Image sent = nv12(sys, heap, FormatModifier.SIM_TILED, false)) {
                a.send(sent, null);
                try (ReceivedFrame r = b.receive(WAIT).orElseThrow()) {
                    Image got = r.image().orElseThrow();
                    try (ImageAttachment at = got.attach(encoder, ImageUsage.SAMPLE)) {
                        assertEquals(1, at.attachments().size());
                    }
                    AttachRefusedException e = assertThrows(AttachRefusedException.class,
                            () -> got.attach(linearOnly, ImageUsage.SAMPLE));
                    assertEquals(Rule.NEG_3, e.rule());
                }
            }
        });
    }

    @Test
    @DisplayName("IPC-16: an image whose buffers are not memfd buffers is refused before anything is sent")
    void anImageOutsideTheMemfdHeapIsRefused() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (Image plain = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.LINEAR))) {
                RuleViolationException e = assertThrows(RuleViolationException.class, () -> a.send(plain, null));
                assertEquals(Rule.IPC_16, e.rule());
                assertEquals(0, a.remoteHandles(), "nothing is held for the peer");
                assertTrue(b.receive(Duration.ZERO).isEmpty(), "nothing was sent");
            }
            assertThrows(RuleViolationException.class, () -> a.send((Image) null, null));
        });
    }

    @Test
    @DisplayName("NEG-2: an implicit image laid out in tiles is refused, since the receiver would read it as LINEAR")
    void anImplicitTiledImageIsRefused() throws Exception {
        withPair((sys, heap, a, b) -> {
            SimulatedDevice gpu = sys.newDevice("gpu").implicitModifier(FormatModifier.SIM_TILED)
                    .formats(ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, FormatModifier.INVALID)).build();
            try (Image implicit = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.INVALID)
                    .withTargets(new ImageTarget(gpu, ImageUsage.RENDER)), heap)) {
                assertEquals(FormatModifier.SIM_TILED, implicit.layoutModifier());
                RuleViolationException e = assertThrows(RuleViolationException.class, () -> a.send(implicit, null));
                assertEquals(Rule.NEG_2, e.rule());
                assertTrue(e.getMessage().contains("SIM_TILED"), e.getMessage());
                assertEquals(0, a.remoteHandles());
            }
        });
    }

    @Test
    @DisplayName("IPC-18: format feedback crosses tranche by tranche, the latest replaces the earlier one")
    void feedbackCrossesAndTheLatestWins() throws Exception {
        withPair((sys, heap, a, b) -> {
            assertTrue(a.awaitFeedback(Duration.ZERO).isEmpty(), "none sent yet");
            SimulatedDevice display = sys.newDevice("display").formats(ImageUsage.SCANOUT,
                    FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED)).build();
            SimulatedDevice gpu = sys.newDevice("gpu").formats(ImageUsage.SAMPLE,
                    FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED, FormatModifier.LINEAR)).build();
            FormatFeedback first = FormatFeedback.of(new Tranche(display, ImageUsage.SCANOUT,
                    display.formats(ImageUsage.SCANOUT)), gpu.tranche(ImageUsage.SAMPLE));
            b.sendFeedback(first);
            FormatFeedback got = a.awaitFeedback(WAIT).orElseThrow();
            assertEquals(first, got);
            assertEquals(List.of("display", "gpu"), got.tranches().stream().map(FormatFeedback.Tranche::device)
                    .toList());
            FormatFeedback second = FormatFeedback.of(gpu.tranche(ImageUsage.SAMPLE));
            b.sendFeedback(second);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!a.awaitFeedback(Duration.ZERO).orElseThrow().equals(second) && System.nanoTime() < deadline) {
                // the reader thread takes the second FORMATS: a bounded poll of its result, no sleep
                Thread.onSpinWait();
            }
            assertEquals(second, a.awaitFeedback(Duration.ZERO).orElseThrow());
        });
    }

    @Test
    @DisplayName("IPC-18: the candidates keep the tranches' order and only pairs both sides have; INVALID meets only INVALID")
    void theCandidatesKeepTheConsumersOrder() {
        FormatFeedback feedback = new FormatFeedback(List.of(
                new FormatFeedback.Tranche("display", ImageUsage.SCANOUT, FormatSet.of(DrmFormat.NV12,
                        FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED)),
                new FormatFeedback.Tranche("gpu", ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12,
                        FormatModifier.INVALID, FormatModifier.LINEAR, FormatModifier.SIM_TILED))));
        FormatSet camera = FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR, FormatModifier.SIM_TILED,
                FormatModifier.SIM_TILED_CCS);
        assertEquals(List.of(FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED, FormatModifier.LINEAR),
                feedback.modifiers(DrmFormat.NV12, camera));
        assertEquals(List.of(), feedback.modifiers(DrmFormat.XRGB8888, camera), "no tranche has the format");
        assertEquals(List.of(FormatModifier.LINEAR), feedback.modifiers(DrmFormat.NV12,
                FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR)), "INVALID is not LINEAR");
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> new FormatFeedback.Tranche(
                "a-device-name-that-is-longer-than-31-bytes", ImageUsage.SAMPLE, FormatSet.EMPTY));
        assertEquals(Rule.IPC_18, e.rule());
    }

    @Test
    @DisplayName("IPC-17: a frame handler gets image frames on the reader thread, and a failing one has its frame released")
    void imageFramesReachAHandler() throws Exception {
        withPair((sys, heap, a, b) -> {
            java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
            b.onFrame(frame -> {
                try (frame) {
                    seen.add(String.valueOf(ImagePatterns.firstMismatch(frame.image().orElseThrow(), 3)));
                }
            });
            try (ImagePool pool = a.createImagePool(1, ImageRequest.of(DrmFormat.NV12, 160, 72,
                    FormatModifier.LINEAR), "h")) {
                for (int i = 0; i < 3; i++) {
                    int slot = pool.acquire(WAIT);
                    ImagePatterns.fill(pool.image(slot), 3);
                    pool.submit(slot, null);
                    assertEquals("null", seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "frame " + i);
                }
            }
        });
    }
}
