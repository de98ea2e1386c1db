package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad images and bad format feedback on the socket (IPC-17, IPC-18), in the manner of {@link WireFormatTest}: a
 * {@link RawPeer} sends what a buggy or hostile process could, and the channel must refuse the descriptor with the FMT
 * rule it breaks (the cause of the {@link WireFormatException}), close every descriptor that came with it, import and
 * map nothing, fail the frame's release point, and stay usable.
 *
 * <p>The image of most cases: NV12 160x72 LINEAR in one 20480-byte memfd, Y at 0 (pitch 160, 72 rows), UV at 11520
 * (pitch 160, 36 rows), 17280 bytes used.
 */
@ExtendWith(NoLeaks.class)
class ImageWireFormatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int W = 160;
    private static final int H = 72;
    private static final long SIZE = 20480;

    private static Wire.Sync sync(long frame) {
        return new Wire.Sync(frame, List.of(new Wire.Point(0, 0)), frame);
    }

    private static Wire.Desc buffer(long token, int fdIndex, long size) {
        return new Wire.Desc(token, fdIndex, size, "img", Optional.empty());
    }

    private static List<Wire.PlaneDesc> nv12Planes() {
        return List.of(new Wire.PlaneDesc(0, 0, W), new Wire.PlaneDesc(0, (long) W * H, W));
    }

    private static Wire.ImageDesc image(int fourcc, long modifier, List<Wire.PlaneDesc> planes, Wire.Desc... buffers) {
        return new Wire.ImageDesc(fourcc, modifier, W, H, planes, List.of(buffers));
    }

    private static Wire.ImageDesc good(long token) {
        return image(DrmFormat.NV12.fourcc(), 0, nv12Planes(), buffer(token, 0, SIZE));
    }

    /** A good image frame after the bad message arrives intact: the channel is still usable. */
    private static void assertUsable(SimulatedSystem sys, RawPeer peer, long frame) {
        try (DmaBuf b = MemfdHeap.of(sys).allocate(SIZE); OwnedFd fd = MemfdHeap.of(sys).exportFd(b)) {
            peer.send(new Wire.ImageFrame(good(100 + frame), sync(frame)), fd);
        }
        try (ReceivedFrame f = peer.channel.receive(WAIT).orElseThrow()) {
            assertEquals(frame, f.frame());
            assertEquals(DrmFormat.NV12, f.image().orElseThrow().descriptor().format());
        }
    }

    /**
     * Sends an IMAGE as frame 1 with {@code buffers} memfds of {@code SIZE} bytes and checks the refusal: the rule of
     * the cause, nothing imported (a refused descriptor is never mapped: no export happened), every received
     * descriptor closed, release point 1 failed, the channel usable.
     *
     * @return the exception
     */
    private static WireFormatException assertRefused(Wire.ImageDesc bad, int buffers, Rule cause) {
        return assertRefused(bad, buffers, cause, 0);
    }

    /**
     * As {@link #assertRefused(Wire.ImageDesc, int, Rule)}, for a refusal after {@code importedFirst} buffers were
     * imported (and released again).
     */
    private static WireFormatException assertRefused(Wire.ImageDesc bad, int buffers, Rule cause, int importedFirst) {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            MemfdHeap heap = MemfdHeap.of(sys);
            long memfds = FdReport.current().count("memfd:dmabuf4j:buffer");
            DmaBuf[] own = new DmaBuf[buffers];
            OwnedFd[] fds = new OwnedFd[buffers];
            for (int i = 0; i < buffers; i++) {
                own[i] = heap.allocate(SIZE);
                fds[i] = heap.exportFd(own[i]);
            }
            long exports = sys.counters().exports();
            peer.send(new Wire.ImageFrame(bad, sync(1)), fds);
            for (int i = 0; i < buffers; i++) {
                fds[i].close();
            }
            WireFormatException e = assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
            assertEquals(Rule.IPC_7, e.rule());
            assertFalse(e.channelClosed(), "a bad descriptor is a content error");
            assertEquals(cause, ((DmaBufException) e.getCause()).rule(), e.getMessage());
            assertEquals(buffers, heap.liveBuffers(), "nothing was imported: only the sender's own buffers live");
            assertEquals(0, peer.channel.importedBuffers());
            assertEquals(importedFirst, sys.counters().exports() - exports, "buffers imported (mapped) before the"
                    + " refusal: none for a descriptor the FMT rules refuse");
            assertEquals(memfds + buffers, FdReport.current().count("memfd:dmabuf4j:buffer"),
                    "the received descriptors are closed; only the sender's own memfds are open");
            assertEquals(FenceStatus.ERROR, peer.channelRelease.point(1).awaitStatus(WAIT),
                    "the sender learns through release point 1 that the image was rejected");
            assertTrue(peer.awaitReject().contains(cause.id()), "the sender is told which rule");
            Arrays.stream(own).forEach(DmaBuf::close);
            assertUsable(sys, peer, 2);
            return e;
        }
    }

    @Test
    @DisplayName("IPC-17: an image of a fourcc outside the catalogue is refused with FMT-1 and its descriptor closed")
    void anUnknownFourccIsRefused() {
        WireFormatException e = assertRefused(image(0x20202020, 0, nv12Planes(), buffer(1, 0, SIZE)), 1, Rule.FMT_1);
        assertTrue(e.getMessage().contains("catalogue"), e.getMessage());
    }

    @Test
    @DisplayName("IPC-17: an NV12 image with one plane is refused with FMT-2")
    void aWrongPlaneCountIsRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, W)), buffer(1, 0, SIZE)), 1,
                Rule.FMT_2);
    }

    @Test
    @DisplayName("IPC-17: a plane whose pitch is less than its row of samples is refused with FMT-4")
    void aShortPitchIsRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, 100),
                new Wire.PlaneDesc(0, 11520, W)), buffer(1, 0, SIZE)), 1, Rule.FMT_4);
    }

    @Test
    @DisplayName("IPC-17: a plane that ends past its buffer is refused with FMT-5 before the buffer is mapped")
    void aPlanePastItsBufferIsRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, W),
                new Wire.PlaneDesc(0, 16000, W)), buffer(1, 0, SIZE)), 1, Rule.FMT_5);
    }

    @Test
    @DisplayName("IPC-17: a tiled plane at an offset that is not a whole tile is refused with FMT-4")
    void aMisalignedTiledPlaneIsRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), FormatModifier.SIM_TILED.value(), List.of(
                new Wire.PlaneDesc(0, 0, 256), new Wire.PlaneDesc(0, 8192 + 128, 256)), buffer(1, 0, 6 * 4096)), 1,
                Rule.FMT_4);
    }

    @Test
    @DisplayName("IPC-17: planes naming a buffer the image does not send are refused with FMT-6")
    void aMissingBufferIsRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, W),
                new Wire.PlaneDesc(1, 0, W)), buffer(1, 0, SIZE)), 1, Rule.FMT_6);
    }

    @Test
    @DisplayName("IPC-17: a plane offset above 2^63 (a negative long on the wire) is refused with FMT-5")
    void aHugeOffsetIsRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, W),
                new Wire.PlaneDesc(0, Long.MIN_VALUE, W)), buffer(1, 0, SIZE)), 1, Rule.FMT_5);
    }

    @Test
    @DisplayName("IPC-4: a valid descriptor whose second buffer's size is wrong imports nothing: the first import is released")
    void aSizeMismatchOfOneBufferImportsNothing() {
        WireFormatException e = assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(
                new Wire.PlaneDesc(0, 0, W), new Wire.PlaneDesc(1, 0, W)), buffer(1, 0, SIZE),
                buffer(2, 1, SIZE + 4096)), 2, Rule.IPC_4, 1);
        assertInstanceOf(ImportRejectedException.class, e.getCause());
    }

    @Test
    @DisplayName("IPC-7: two buffers of an image naming one descriptor are refused before anything is imported")
    void twoBuffersOnOneDescriptorAreRefused() {
        assertRefused(image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, W),
                new Wire.PlaneDesc(1, 0, W)), buffer(1, 0, SIZE), buffer(2, 0, SIZE)), 2, Rule.IPC_7);
    }

    @Test
    @DisplayName("IPC-7: a truncated IMAGE payload is a content error: its descriptor closed, the channel usable")
    void aTruncatedImageIsRefused() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            byte[] whole = Wire.encode(new Wire.ImageFrame(good(1), sync(1)));
            byte[] cut = Arrays.copyOf(whole, whole.length - 9);
            java.nio.ByteBuffer.wrap(cut).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(8, cut.length);
            try (DmaBuf b = MemfdHeap.of(sys).allocate(SIZE); OwnedFd fd = MemfdHeap.of(sys).exportFd(b)) {
                peer.send(cut, fd);
                WireFormatException e = assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
                assertFalse(e.channelClosed());
                assertTrue(e.getMessage().contains("IMAGE payload ends early"), e.getMessage());
                assertEquals(1, MemfdHeap.of(sys).liveBuffers(), "only the sender's own buffer");
            }
            assertUsable(sys, peer, 1);
        }
    }

    @Test
    @DisplayName("IPC-17: an image pool with one bad descriptor imports none of its images, and its frames are refused")
    void anImagePoolWithABadDescriptorImportsNothing() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            MemfdHeap heap = MemfdHeap.of(sys);
            Wire.ImageDesc bad = image(DrmFormat.NV12.fourcc(), 0, List.of(new Wire.PlaneDesc(0, 0, 100),
                    new Wire.PlaneDesc(0, 11520, W)), buffer(2, 1, SIZE));
            try (DmaBuf b0 = heap.allocate(SIZE); DmaBuf b1 = heap.allocate(SIZE);
                 OwnedFd f0 = heap.exportFd(b0); OwnedFd f1 = heap.exportFd(b1)) {
                peer.send(new Wire.ImagePool(7, List.of(good(1), bad)), f0, f1);
                WireFormatException e = assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
                assertEquals(Rule.FMT_4, ((DmaBufException) e.getCause()).rule());
                assertEquals(2, heap.liveBuffers(), "not even the good image's buffer was imported");
                peer.send(new Wire.Frame(7, 0, sync(1)));
                WireFormatException frame = assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
                assertEquals(Rule.IPC_9, ((DmaBufException) frame.getCause()).rule());
            }
            assertUsable(sys, peer, 2);
        }
    }

    @Test
    @DisplayName("IPC-9: a pool frame naming an index beyond the image pool is refused; the pool's other frames arrive")
    void aFrameBeyondTheImagePoolIsRefused() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            MemfdHeap heap = MemfdHeap.of(sys);
            try (DmaBuf b0 = heap.allocate(SIZE); OwnedFd f0 = heap.exportFd(b0)) {
                peer.send(new Wire.ImagePool(3, List.of(good(1))), f0);
            }
            peer.send(new Wire.Frame(3, 1, sync(1)));
            WireFormatException e = assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
            assertEquals(Rule.IPC_9, ((DmaBufException) e.getCause()).rule());
            peer.send(new Wire.Frame(3, 0, sync(2)));
            try (ReceivedFrame f = peer.channel.receive(WAIT).orElseThrow()) {
                assertEquals(0, f.poolIndex().orElseThrow());
                assertEquals(W, f.image().orElseThrow().descriptor().width());
            }
            peer.send(new Wire.PoolEnd(3));
        }
    }

    @Test
    @DisplayName("IPC-18: feedback with an unknown usage is refused and the previous feedback kept")
    void badFeedbackKeepsThePrevious() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            Wire.TrancheDesc good = new Wire.TrancheDesc(ImageUsage.SAMPLE.ordinal(), "gpu",
                    new int[] {DrmFormat.NV12.fourcc()}, new long[] {FormatModifier.SIM_TILED.value()});
            peer.send(new Wire.Formats(List.of(good)));
            FormatFeedback first = peer.channel.awaitFeedback(WAIT).orElseThrow();
            assertEquals(FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED),
                    first.tranches().getFirst().formats());
            peer.send(new Wire.Formats(List.of(new Wire.TrancheDesc(7, "gpu", new int[0], new long[0]))));
            WireFormatException e = assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
            assertFalse(e.channelClosed());
            assertTrue(e.getMessage().contains("usage 7"), e.getMessage());
            assertEquals(first, peer.channel.awaitFeedback(Duration.ZERO).orElseThrow(), "the previous one stays");
            assertUsable(sys, peer, 1);
        }
    }
}
