package org.dmabuf4j.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.ipc.linux.Errno;
import org.dmabuf4j.ipc.linux.Poll;
import org.dmabuf4j.ipc.linux.Sockets;

/**
 * A listening AF_UNIX SOCK_SEQPACKET socket that accepts {@link BufferChannel}s from other processes.
 *
 * <pre>
 *   try (ChannelListener l = ChannelListener.listen(heap, UnixAddress.abstractName("camera"), "camera")) {
 *       try (BufferChannel c = l.accept(Duration.ofSeconds(5)).orElseThrow()) { ... }
 *   }
 * </pre>
 */
public final class ChannelListener implements AutoCloseable {
    private final MemfdHeap heap;
    private final UnixAddress address;
    private final String name;
    private final OwnedFd socket;
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean closed;

    private ChannelListener(MemfdHeap heap, UnixAddress address, String name, OwnedFd socket) {
        this.heap = heap;
        this.address = address;
        this.name = name;
        this.socket = socket;
    }

    /**
     * Binds and listens.
     *
     * @param heap the heap accepted channels use; not null
     * @param address where to listen; not null
     * @param name a name for the accepted channels; not blank
     * @return the listener
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if bind or listen fails (EADDRINUSE: someone listens there)
     */
    public static ChannelListener listen(MemfdHeap heap, UnixAddress address, String name) {
        if (heap == null || address == null || name == null || name.isBlank()) {
            throw new RuleViolationException(Rule.IPC_7, "listen needs a heap, an address and a non-blank name");
        }
        OwnedFd s = OwnedFd.adopt(Sockets.seqpacket("listening at " + address), FdKind.SOCKET,
                "listener '" + name + "' at " + address);
        try {
            int n = s.use("listen");
            try {
                Sockets.bindAndListen(n, address.name(), address.isAbstract(), 16, "of listener '" + name + "' at "
                        + address);
            } finally {
                s.done();
            }
            return new ChannelListener(heap, address, name, s);
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /**
     * Accepts the next connection and does the handshake.
     *
     * @param timeout how long to wait for a peer; not negative
     * @return the channel, or empty on timeout
     * @throws ClosedException ({@link Rule#IPC_13 IPC-13}) if the listener is closed
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if accept fails
     */
    public Optional<BufferChannel> accept(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.IPC_7, "accept(" + timeout + ") on listener '" + name + "'");
        }
        if (closed) {
            throw new ClosedException(Rule.IPC_13, "accept on closed listener '" + name + "'");
        }
        int n = socket.use("accept");
        int fd;
        try {
            short ev = Poll.poll(n, Poll.POLLIN, Timeouts.nanos(timeout));
            if (ev == 0) {
                return Optional.empty();
            }
            fd = Sockets.accept(n);
        } finally {
            socket.done();
        }
        if (fd == -Errno.EAGAIN) {
            return Optional.empty();
        }
        if (fd < 0) {
            throw new SyscallException("accept4", -fd, "on listener '" + name + "' at " + address);
        }
        String channelName = name + "-" + accepted.incrementAndGet();
        OwnedFd s = OwnedFd.adopt(fd, FdKind.SOCKET, "channel '" + channelName + "' socket");
        return Optional.of(BufferChannel.accepted(heap, s, channelName));
    }

    /**
     * The address.
     *
     * @return where it listens
     */
    public UnixAddress address() {
        return address;
    }

    /**
     * Stops listening; a path address's socket file is deleted. Channels already accepted stay open. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.close();
        if (!address.isAbstract()) {
            try {
                Files.deleteIfExists(Path.of(address.name()));
            } catch (IOException ignored) {
                // a stale socket file only makes the next bind fail with EADDRINUSE, which names it
            }
        }
    }
}
