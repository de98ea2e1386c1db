package org.dmabuf4j.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.ipc.linux.Poll;
import org.dmabuf4j.ipc.linux.Sockets;

/**
 * A hand-written peer of a {@link BufferChannel}: it does the handshake by the book, then writes whatever bytes and
 * descriptors a test wants, as a buggy or hostile process would.
 */
final class RawPeer implements AutoCloseable {
    final BufferChannel channel;
    final OwnedFd socket;
    final SharedTimeline acquire;
    final SharedTimeline release;
    /** The channel's release timeline, as this peer sees it (to watch release points). */
    final SharedTimeline channelRelease;
    final SharedTimeline channelAcquire;

    private RawPeer(BufferChannel channel, OwnedFd socket, SharedTimeline acquire, SharedTimeline release,
            SharedTimeline channelAcquire, SharedTimeline channelRelease) {
        this.channel = channel;
        this.socket = socket;
        this.acquire = acquire;
        this.release = release;
        this.channelAcquire = channelAcquire;
        this.channelRelease = channelRelease;
    }

    static RawPeer connect(DmaBufSystem sys) {
        MemfdHeap heap = MemfdHeap.of(sys);
        int[] pair = Sockets.seqpacketPair("raw peer");
        OwnedFd mine = OwnedFd.adopt(pair[0], FdKind.SOCKET, "raw peer socket");
        OwnedFd theirs = OwnedFd.adopt(pair[1], FdKind.SOCKET, "channel socket");
        SharedTimeline acq = SharedTimeline.create(sys, "raw-acq");
        SharedTimeline rel = SharedTimeline.create(sys, "raw-rel");
        try (OwnedFd a = acq.exportFd(); OwnedFd r = rel.exportFd()) {
            sendTo(mine, Wire.encode(new Wire.Hello(1, 1, ProcessHandle.current().pid(), "raw")), a, r);
        }
        BufferChannel channel = BufferChannel.accepted(heap, theirs, "under-test");
        Sockets.Received hello = readFrom(mine);
        OwnedFd ca = OwnedFd.adopt(hello.fds()[0], FdKind.UNCHECKED, "channel acquire timeline");
        OwnedFd cr = OwnedFd.adopt(hello.fds()[1], FdKind.UNCHECKED, "channel release timeline");
        return new RawPeer(channel, mine, acq, rel, SharedTimeline.open(sys, ca, "their-acq"),
                SharedTimeline.open(sys, cr, "their-rel"));
    }

    private static void sendTo(OwnedFd socket, byte[] bytes, OwnedFd... fds) {
        int[] numbers = new int[fds.length];
        for (int i = 0; i < fds.length; i++) {
            numbers[i] = fds[i].fd();
        }
        sendGroups(socket, bytes, numbers.length == 0 ? new int[0][] : new int[][] {numbers});
    }

    private static void sendGroups(OwnedFd socket, byte[] bytes, int[][] groups) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long r = Sockets.sendmsg(socket.fd(), data.asSlice(0, bytes.length), groups, 0);
            if (r < 0) {
                throw new AssertionError("raw sendmsg failed: errno " + (-r));
            }
        }
    }

    private static Sockets.Received readFrom(OwnedFd socket) {
        if (Poll.poll(socket.fd(), Poll.POLLIN, Duration.ofSeconds(10).toNanos()) == 0) {
            throw new AssertionError("the channel sent nothing within 10 s");
        }
        try (Arena a = Arena.ofConfined()) {
            return Sockets.recvmsg(socket.fd(), a.allocate(Wire.MAX_MESSAGE + 1), Sockets.SCM_MAX_FD, 0);
        }
    }

    void send(byte[] bytes, OwnedFd... fds) {
        sendTo(socket, bytes, fds);
    }

    void send(Wire.Message m, OwnedFd... fds) {
        sendTo(socket, Wire.encode(m), fds);
    }

    void sendGroups(byte[] bytes, int[][] groups) {
        sendGroups(socket, bytes, groups);
    }

    /** Messages the channel sent, until it is quiet (a bounded poll of zero). */
    List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        while (Poll.poll(socket.fd(), Poll.POLLIN, 0) != 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(Wire.MAX_MESSAGE + 1);
                Sockets.Received r = Sockets.recvmsg(socket.fd(), buf, Sockets.SCM_MAX_FD, 0);
                for (int fd : r.fds()) {
                    OwnedFd.adopt(fd, FdKind.UNCHECKED, "received by the raw peer").close();
                }
                if (r.bytes() <= 0) {
                    break;
                }
                out.add(buf.asSlice(0, r.bytes()).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }

    /** Waits for a REJECT from the channel and returns its reason. */
    String awaitReject() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Poll.poll(socket.fd(), Poll.POLLIN, deadline - System.nanoTime()) == 0) {
                break;
            }
            for (byte[] m : drain()) {
                try {
                    if (Wire.decode(m, 0) instanceof Wire.Reject r) {
                        return r.reason();
                    }
                } catch (Wire.Bad ignored) {
                    // not for this test
                }
            }
        }
        throw new AssertionError("no REJECT from the channel within 10 s");
    }

    @Override
    public void close() {
        channel.close();
        socket.close();
        acquire.close();
        release.close();
        channelAcquire.close();
        channelRelease.close();
    }
}
