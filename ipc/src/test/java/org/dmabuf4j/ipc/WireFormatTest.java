package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.linux.EventFd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input on the socket (IPC-7, IPC-8, IPC-9): a {@link RawPeer} writes what a buggy or hostile process could, and
 * the channel must reject it with a specific error, close every descriptor that came with it, and either stay usable
 * or close cleanly.
 */
@ExtendWith(NoLeaks.class)
class WireFormatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Wire.Sync sync(long frame) {
        return new Wire.Sync(frame, List.of(new Wire.Point(0, 0)), frame);
    }

    private static Wire.Buffer buffer(long frame, long size) {
        return new Wire.Buffer(new Wire.Desc(frame, 0, size, "raw", Optional.empty()), sync(frame));
    }

    /** The channel is still usable: a good frame after the bad message arrives intact. */
    private static void assertUsable(SimulatedSystem sys, RawPeer peer, long frame) {
        try (DmaBuf good = MemfdHeap.of(sys).allocate(4096); OwnedFd fd = MemfdHeap.of(sys).exportFd(good)) {
            peer.send(buffer(frame, 4096), fd);
        }
        try (ReceivedFrame f = peer.channel.receive(WAIT).orElseThrow()) {
            assertEquals(frame, f.frame());
        }
    }

    private static WireFormatException rejected(RawPeer peer) {
        return assertThrows(WireFormatException.class, () -> peer.channel.receive(WAIT));
    }

    @Test
    @DisplayName("IPC-7: a message of an unknown kind is rejected, the sender told, and the channel stays usable")
    void anUnknownKindIsRejectedAndTheChannelStaysUsable() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            peer.send(Wire.raw(Wire.MAGIC, 99, Wire.VERSION, Wire.HEADER, 0, new byte[0]));
            WireFormatException e = rejected(peer);
            assertEquals(Rule.IPC_7, e.rule());
            assertFalse(e.channelClosed());
            assertTrue(e.getMessage().contains("unknown message kind 99"), e.getMessage());
            assertTrue(peer.awaitReject().contains("unknown message kind 99"));
            assertUsable(sys, peer, 1);
        }
    }

    @Test
    @DisplayName("IPC-7: descriptors that the header does not announce are closed with their rejected message")
    void unannouncedDescriptorsAreClosed() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            long eventfds = FdReport.current().count("[eventfd]");
            try (OwnedFd extra = OwnedFd.adopt(EventFd.create("extra"), FdKind.EVENTFD, "extra")) {
                peer.send(Wire.raw(Wire.MAGIC, Wire.Kind.BYE.code, Wire.VERSION, Wire.HEADER, 0, new byte[0]),
                        extra, extra, extra);
            }
            WireFormatException e = rejected(peer);
            assertTrue(e.getMessage().contains("announces 0 descriptors but 3 arrived"), e.getMessage());
            assertEquals(eventfds, FdReport.current().count("[eventfd]"), "the three received copies are closed");
            assertUsable(sys, peer, 1);
        }
    }

    @Test
    @DisplayName("IPC-7: a buffer whose descriptor is not a memfd is rejected, closed, and its release point failed")
    void aDescriptorOfTheWrongKindIsRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            try (OwnedFd wrong = OwnedFd.adopt(EventFd.create("wrong"), FdKind.EVENTFD, "not a memfd")) {
                peer.send(buffer(1, 4096), wrong);
            }
            WireFormatException e = rejected(peer);
            assertInstanceOf(ImportRejectedException.class, e.getCause());
            assertEquals(FenceStatus.ERROR, peer.channelRelease.point(1).awaitStatus(WAIT),
                    "the sender learns through release point 1 that the frame was rejected");
            assertEquals(0, FdReport.current().count("[eventfd]"));
            assertUsable(sys, peer, 2);
        }
    }

    @Test
    @DisplayName("IPC-7: a buffer whose size does not match its descriptor is rejected and nothing is imported")
    void aSizeMismatchIsRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            try (DmaBuf b = MemfdHeap.of(sys).allocate(4096); OwnedFd fd = MemfdHeap.of(sys).exportFd(b)) {
                peer.send(buffer(1, 8192), fd);
                WireFormatException e = rejected(peer);
                assertTrue(e.getCause().getMessage().contains("holds 4096 bytes but was announced with 8192"),
                        e.getMessage());
                assertEquals(1, MemfdHeap.of(sys).liveBuffers(), "only the sender's own buffer");
            }
            assertUsable(sys, peer, 2);
        }
    }

    @Test
    @DisplayName("IPC-9: a frame naming an unknown pool or index is rejected and the channel stays usable")
    void aFrameOfAnUnknownPoolIsRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            peer.send(new Wire.Frame(42, 0, sync(1)));
            WireFormatException e = rejected(peer);
            assertEquals(Rule.IPC_7, e.rule());
            assertEquals(Rule.IPC_9, ((DmaBufException) e.getCause()).rule());
            assertUsable(sys, peer, 2);
        }
    }

    @Test
    @DisplayName("IPC-7: a bad magic is a framing error: the channel is closed cleanly")
    void aBadMagicClosesTheChannel() {
        assertFramingError(Wire.raw(0x12345678, Wire.Kind.BYE.code, Wire.VERSION, Wire.HEADER, 0, new byte[0]),
                "bad magic");
    }

    @Test
    @DisplayName("IPC-7: another wire version is a framing error: the channel is closed cleanly")
    void anotherVersionClosesTheChannel() {
        assertFramingError(Wire.raw(Wire.MAGIC, Wire.Kind.BYE.code, 2, Wire.HEADER, 0, new byte[0]),
                "wire version 2");
    }

    @Test
    @DisplayName("IPC-7: a truncated message is a framing error: the channel is closed cleanly")
    void aTruncatedMessageClosesTheChannel() {
        assertFramingError(Wire.raw(Wire.MAGIC, Wire.Kind.RELEASED.code, Wire.VERSION, Wire.HEADER + 8, 0,
                new byte[3]), "announces 24 bytes but 19 arrived");
    }

    @Test
    @DisplayName("IPC-8: a message longer than the receive buffer (MSG_TRUNC) closes the channel")
    void anOversizedMessageClosesTheChannel() {
        assertFramingError(new byte[Wire.MAX_MESSAGE + 100], "MSG_TRUNC");
    }

    @Test
    @DisplayName("IPC-8: truncated descriptors (MSG_CTRUNC) close the channel, and those that arrived are closed")
    void truncatedDescriptorsCloseTheChannel() {
        int room = BufferChannel.receiveFdRoom;
        BufferChannel.receiveFdRoom = 1;
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            try (OwnedFd e1 = OwnedFd.adopt(EventFd.create("x"), FdKind.EVENTFD, "x")) {
                peer.send(Wire.raw(Wire.MAGIC, Wire.Kind.BYE.code, Wire.VERSION, Wire.HEADER, 5, new byte[0]),
                        e1, e1, e1, e1, e1);
            }
            WireFormatException e = rejected(peer);
            assertEquals(Rule.IPC_8, e.rule());
            assertTrue(e.channelClosed());
            assertTrue(e.getMessage().contains("MSG_CTRUNC"), e.getMessage());
            assertEquals(0, FdReport.current().count("[eventfd]"), "the descriptors that arrived are closed");
        } finally {
            BufferChannel.receiveFdRoom = room;
        }
    }

    private static void assertFramingError(byte[] bytes, String expected) {
        try (SimulatedSystem sys = DmaBufs.newSystem(); RawPeer peer = RawPeer.connect(sys)) {
            try (DmaBuf b = MemfdHeap.of(sys).allocate(4096); OwnedFd fd = MemfdHeap.of(sys).exportFd(b)) {
                peer.send(bytes, fd);
            }
            WireFormatException e = rejected(peer);
            assertTrue(e.channelClosed(), "a framing error closes the channel");
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            assertThrows(PeerGoneException.class, () -> peer.channel.receive(WAIT));
            try (DmaBuf b = MemfdHeap.of(sys).allocate(4096)) {
                assertThrows(PeerGoneException.class, () -> peer.channel.send(b, null));
            }
            assertEquals(0, MemfdHeap.of(sys).liveBuffers(), "nothing was imported");
        }
    }
}
