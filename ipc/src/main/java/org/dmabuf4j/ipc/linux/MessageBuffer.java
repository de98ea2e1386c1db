package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The native memory of one sendmsg or recvmsg, made once and reused for every message: the data bytes, the
 * {@code iovec}, the {@code msghdr} and room for {@code maxFds} descriptors in one SCM_RIGHTS control message. A
 * message then costs its system call and nothing else: no arena, no allocation, no zeroing of the data area.
 *
 * <pre>
 *   data     capacity bytes          (a little-endian ByteBuffer view for encoding and decoding)
 *   iov      { data, length }
 *   msghdr   { iov, 1, control, controllen, flags }
 *   control  cmsghdr { len, SOL_SOCKET, SCM_RIGHTS } + maxFds x int
 *   fds      the descriptors of the last receive, in an int array of maxFds
 * </pre>
 *
 * <p>Not thread-safe: one thread (or one lock holder) uses a buffer at a time. Its memory belongs to the arena
 * given at creation; close that arena when the buffer is no longer used.
 *
 * @see "sendmsg(2), recvmsg(2), cmsg(3)"
 */
public final class MessageBuffer {
    private final MemorySegment data;
    private final MemorySegment iov;
    private final MemorySegment msg;
    private final MemorySegment control;
    private final ByteBuffer view;
    private final int maxFds;
    private final int[] fds;
    private int fdCount;
    private int flags;

    /**
     * Allocates the buffer's memory in {@code arena}.
     *
     * @param arena the arena that owns the memory; the caller closes it
     * @param capacity the largest message in bytes; positive
     * @param maxFds the most descriptors one message carries; 1 to {@link Sockets#SCM_MAX_FD}
     * @throws IllegalArgumentException on a bad capacity or descriptor count
     */
    public MessageBuffer(Arena arena, int capacity, int maxFds) {
        if (capacity <= 0 || maxFds < 1 || maxFds > Sockets.SCM_MAX_FD) {
            throw new IllegalArgumentException("message buffer of " + capacity + " bytes and " + maxFds
                    + " descriptors: 1 or more bytes and 1 to " + Sockets.SCM_MAX_FD + " descriptors");
        }
        this.data = arena.allocate(capacity, 8);
        this.iov = arena.allocate(Sockets.IOVEC);
        this.msg = arena.allocate(Sockets.MSGHDR);
        this.control = arena.allocate(Sockets.cmsgSpace(4L * maxFds), 8);
        this.view = data.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.maxFds = maxFds;
        // the control area is 8-aligned: an odd count leaves room for one more, which the kernel fills
        this.fds = new int[(int) ((control.byteSize() - Sockets.CMSG_HDR) / 4)];
    }

    /**
     * The data area as a little-endian buffer over the native bytes: encode a message into it before
     * {@link #send}, decode one from it after {@link #receive}. Its position and limit are the caller's.
     *
     * @return the view (the same object every time)
     */
    public ByteBuffer bytes() {
        return view;
    }

    /**
     * The data area.
     *
     * @return the segment
     */
    public MemorySegment segment() {
        return data;
    }

    /**
     * The descriptors of the last {@link #receive}: entries 0 to {@link #fdCount()} - 1, now owned by the caller.
     *
     * @param i the index
     * @return the descriptor number
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #fdCount()}
     */
    public int fd(int i) {
        if (i < 0 || i >= fdCount) {
            throw new IndexOutOfBoundsException("descriptor " + i + " of " + fdCount + " received");
        }
        return fds[i];
    }

    /**
     * How many descriptors the last {@link #receive} brought (all of them, even when the kernel truncated the rest).
     *
     * @return the count
     */
    public int fdCount() {
        return fdCount;
    }

    /**
     * The {@code msg_flags} of the last {@link #receive} (MSG_TRUNC, MSG_CTRUNC).
     *
     * @return the flags
     */
    public int flags() {
        return flags;
    }

    /**
     * sendmsg(2) of the first {@code length} bytes of the data area with {@code count} descriptors of {@code fds}
     * in one SCM_RIGHTS message, MSG_NOSIGNAL, retrying on EINTR.
     *
     * @param socket the socket
     * @param length bytes of the data area to send
     * @param fdNumbers descriptors to pass; may be longer than {@code count}
     * @param count how many of them; 0 to the buffer's maximum
     * @param moreFlags more flags (MSG_DONTWAIT)
     * @return bytes sent, or -errno
     * @throws IllegalArgumentException if {@code length} or {@code count} exceed the buffer
     */
    public long send(int socket, int length, int[] fdNumbers, int count, int moreFlags) {
        if (length < 0 || length > data.byteSize() || count < 0 || count > maxFds) {
            throw new IllegalArgumentException("send of " + length + " bytes and " + count + " descriptors from a "
                    + data.byteSize() + "-byte buffer with room for " + maxFds);
        }
        iov.set(ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, length);
        msg.fill((byte) 0);
        msg.set(ADDRESS, Sockets.MSG_IOV, iov);
        msg.set(JAVA_LONG, Sockets.MSG_IOVLEN, 1);
        if (count > 0) {
            long dataBytes = 4L * count;
            control.set(JAVA_LONG, 0, Sockets.CMSG_HDR + dataBytes);
            control.set(JAVA_INT, 8, Sockets.SOL_SOCKET);
            control.set(JAVA_INT, 12, Sockets.SCM_RIGHTS);
            for (int i = 0; i < count; i++) {
                control.set(JAVA_INT, Sockets.CMSG_HDR + 4L * i, fdNumbers[i]);
            }
            msg.set(ADDRESS, Sockets.MSG_CONTROL, control);
            msg.set(JAVA_LONG, Sockets.MSG_CONTROLLEN, Sockets.cmsgSpace(dataBytes));
        }
        return Sockets.sendmsg(socket, msg, moreFlags);
    }

    /**
     * recvmsg(2) of one message into the data area, MSG_CMSG_CLOEXEC, retrying on EINTR; the descriptors that
     * arrived are then {@link #fd(int)}, the flags {@link #flags()}.
     *
     * @param socket the socket
     * @param moreFlags more flags (MSG_DONTWAIT to poll)
     * @return bytes received (0: the peer hung up), or -errno (-EAGAIN: nothing pending with MSG_DONTWAIT)
     */
    public long receive(int socket, int moreFlags) {
        iov.set(ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, data.byteSize());
        msg.fill((byte) 0);
        msg.set(ADDRESS, Sockets.MSG_IOV, iov);
        msg.set(JAVA_LONG, Sockets.MSG_IOVLEN, 1);
        msg.set(ADDRESS, Sockets.MSG_CONTROL, control);
        msg.set(JAVA_LONG, Sockets.MSG_CONTROLLEN, control.byteSize());
        fdCount = 0;
        flags = 0;
        long r = Sockets.recvmsg(socket, msg, moreFlags);
        if (r < 0) {
            return r;
        }
        flags = msg.get(JAVA_INT, Sockets.MSG_FLAGS);
        long controlLen = msg.get(JAVA_LONG, Sockets.MSG_CONTROLLEN);
        long off = 0;
        while (off + Sockets.CMSG_HDR <= controlLen) {
            long len = control.get(JAVA_LONG, off);
            if (len < Sockets.CMSG_HDR || off + len > controlLen) {
                break;
            }
            if (control.get(JAVA_INT, off + 8) == Sockets.SOL_SOCKET
                    && control.get(JAVA_INT, off + 12) == Sockets.SCM_RIGHTS) {
                int n = (int) ((len - Sockets.CMSG_HDR) / 4);
                for (int i = 0; i < n && fdCount < fds.length; i++) {
                    fds[fdCount++] = control.get(JAVA_INT, off + Sockets.CMSG_HDR + 4L * i);
                }
            }
            off += (len + 7) & ~7L;
        }
        return r;
    }
}
