package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * AF_UNIX SOCK_SEQPACKET sockets and sendmsg / recvmsg with SCM_RIGHTS. Every socket is created close-on-exec, and
 * received descriptors are close-on-exec (MSG_CMSG_CLOEXEC).
 *
 * <pre>
 *   struct iovec   { void *base; size_t len; }                                   16 bytes
 *   struct msghdr  { void *name; u32 namelen; (pad 4); struct iovec *iov; size_t iovlen;
 *                    void *control; size_t controllen; int flags; (pad 4) }       56 bytes
 *   struct cmsghdr { size_t len; int level; int type; } + data, 8-aligned          16 bytes + data
 *   struct ucred   { int pid; int uid; int gid; }                                  12 bytes
 *   struct sockaddr_un { u16 family; char path[108]; }                             110 bytes
 * </pre>
 * The layouts are the LP64 glibc ones, the same on x86-64 and aarch64.
 *
 * @see "unix(7), sendmsg(2), recvmsg(2), cmsg(3)"
 */
public final class Sockets {
    /** AF_UNIX. */
    public static final int AF_UNIX = 1;
    /** SOCK_SEQPACKET: reliable, ordered, message boundaries kept. */
    public static final int SOCK_SEQPACKET = 5;
    /** SOCK_CLOEXEC. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** SOL_SOCKET. */
    public static final int SOL_SOCKET = 1;
    /** SCM_RIGHTS. */
    public static final int SCM_RIGHTS = 1;
    /** SO_PEERCRED. */
    public static final int SO_PEERCRED = 17;
    /** recvmsg flag: the message was longer than the buffer. */
    public static final int MSG_TRUNC = 0x20;
    /** recvmsg flag: the ancillary data was longer than the buffer (descriptors lost). */
    public static final int MSG_CTRUNC = 0x8;
    /** Do not block. */
    public static final int MSG_DONTWAIT = 0x40;
    /** Do not raise SIGPIPE. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** Received descriptors are close-on-exec. */
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** shutdown both directions. */
    public static final int SHUT_RDWR = 2;
    /** The most descriptors one message may carry (the kernel's SCM_MAX_FD). */
    public static final int SCM_MAX_FD = 253;

    static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("base"), JAVA_LONG.withName("len"));
    static final StructLayout MSGHDR = MemoryLayout.structLayout(ADDRESS.withName("name"),
            JAVA_INT.withName("namelen"), MemoryLayout.paddingLayout(4), ADDRESS.withName("iov"),
            JAVA_LONG.withName("iovlen"), ADDRESS.withName("control"), JAVA_LONG.withName("controllen"),
            JAVA_INT.withName("flags"), MemoryLayout.paddingLayout(4));
    static final StructLayout UCRED = MemoryLayout.structLayout(JAVA_INT.withName("pid"), JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid"));
    static final long CMSG_HDR = 16;
    private static final long SUN_PATH = 108;
    static final long MSG_IOV = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("controllen"));
    static final long MSG_FLAGS = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("flags"));

    private static final MethodHandle SOCKET = Native.errnoCall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = Native.errnoCall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = Native.errnoCall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.errnoCall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Native.errnoCall("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = Native.errnoCall("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = Native.errnoCall("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = Native.errnoCall("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Native.errnoCall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = Native.errnoCall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private Sockets() {
    }

    /**
     * What one recvmsg returned.
     *
     * @param bytes bytes of data received (0: the peer hung up), or -errno
     * @param flags msg_flags (MSG_TRUNC, MSG_CTRUNC)
     * @param fds the descriptors that arrived, each now owned by the caller; never null
     */
    public record Received(long bytes, int flags, int[] fds) {
        /**
         * Copies the descriptors.
         */
        public Received {
            fds = fds.clone();
        }

        @Override
        public int[] fds() {
            return fds.clone();
        }
    }

    /**
     * A socket's peer, as the kernel recorded it at connect.
     *
     * @param pid the peer's process id (in this pid namespace)
     * @param uid its user id
     * @param gid its group id
     */
    public record Credentials(long pid, int uid, int gid) {
    }

    private static int check(String call, MemorySegment st, int r, String context) {
        if (r < 0) {
            throw Native.fail(call, st, context);
        }
        return r;
    }

    /**
     * socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC).
     *
     * @param context for the message
     * @return the two connected descriptors
     */
    public static int[] seqpacketPair(String context) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sv = a.allocate(JAVA_INT, 2);
            MemorySegment st = Native.state();
            int r;
            try {
                r = (int) SOCKETPAIR.invokeExact(st, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            check("socketpair(AF_UNIX, SOCK_SEQPACKET)", st, r, context);
            return new int[] {sv.get(JAVA_INT, 0), sv.get(JAVA_INT, 4)};
        }
    }

    /**
     * socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC).
     *
     * @param context for the message
     * @return the descriptor
     */
    public static int seqpacket(String context) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) SOCKET.invokeExact(st, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return check("socket(AF_UNIX, SOCK_SEQPACKET)", st, r, context);
    }

    /**
     * Builds a sockaddr_un: an abstract name (leading NUL, Linux only) or a filesystem path.
     *
     * @param a where to allocate
     * @param name the name or path
     * @param abstractName whether it is an abstract name
     * @return the address; its size is the socklen to pass
     * @throws IllegalArgumentException if longer than sun_path allows
     */
    static MemorySegment address(Arena a, String name, boolean abstractName) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        long pathLen = abstractName ? 1 + bytes.length : bytes.length + 1;
        if (pathLen > SUN_PATH) {
            throw new IllegalArgumentException("a unix socket address holds at most " + (SUN_PATH - 1)
                    + " bytes, '" + name + "' has " + bytes.length);
        }
        MemorySegment sa = a.allocate(2 + pathLen, 2);
        sa.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, sa, JAVA_BYTE, abstractName ? 3 : 2, bytes.length);
        return sa;
    }

    /**
     * bind(2) then listen(2).
     *
     * @param fd a fresh socket
     * @param name the address
     * @param abstractName whether it is an abstract name
     * @param backlog the listen backlog
     * @param context for the message
     */
    public static void bindAndListen(int fd, String name, boolean abstractName, int backlog, String context) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = address(a, name, abstractName);
            MemorySegment st = Native.state();
            int r;
            try {
                r = (int) BIND.invokeExact(st, fd, sa, (int) sa.byteSize());
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            check("bind", st, r, context);
            try {
                r = (int) LISTEN.invokeExact(st, fd, backlog);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            check("listen", st, r, context);
        }
    }

    /**
     * connect(2), retrying on EINTR.
     *
     * @param fd a fresh socket
     * @param name the address
     * @param abstractName whether it is an abstract name
     * @param context for the message
     */
    public static void connect(int fd, String name, boolean abstractName, String context) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = address(a, name, abstractName);
            MemorySegment st = Native.state();
            while (true) {
                int r;
                try {
                    r = (int) CONNECT.invokeExact(st, fd, sa, (int) sa.byteSize());
                } catch (Throwable t) {
                    throw Native.unexpected(t);
                }
                if (r == 0) {
                    return;
                }
                if (Native.errno(st) != Errno.EINTR) {
                    throw Native.fail("connect", st, context);
                }
            }
        }
    }

    /**
     * accept4(2) with SOCK_CLOEXEC; call after poll said the listener is readable.
     *
     * @param fd the listening socket
     * @return the new connection, or -errno (EAGAIN if nothing was pending)
     */
    public static int accept(int fd) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return r < 0 ? -Native.errno(st) : r;
    }

    /**
     * getsockopt(SO_PEERCRED).
     *
     * @param fd a connected socket
     * @param context for the message
     * @return the peer's credentials
     */
    public static Credentials peerCredentials(int fd, String context) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cred = a.allocate(UCRED);
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) UCRED.byteSize());
            MemorySegment st = Native.state();
            int r;
            try {
                r = (int) GETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_PEERCRED, cred, len);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            check("getsockopt(SO_PEERCRED)", st, r, context);
            return new Credentials(cred.get(JAVA_INT, 0), cred.get(JAVA_INT, 4), cred.get(JAVA_INT, 8));
        }
    }

    /**
     * shutdown(SHUT_RDWR): wakes a thread blocked in recvmsg on this socket and tells the peer. Errors are ignored
     * (a socket whose peer is gone is already shut down).
     *
     * @param fd the socket
     */
    public static void shutdown(int fd) {
        MemorySegment st = Native.state();
        try {
            int ignored = (int) SHUTDOWN.invokeExact(st, fd, SHUT_RDWR);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    static long cmsgSpace(long dataBytes) {
        return CMSG_HDR + ((dataBytes + 7) & ~7L);
    }

    /**
     * sendmsg(2) of one message with descriptors, MSG_NOSIGNAL, retrying on EINTR.
     *
     * @param fd the socket
     * @param data the message
     * @param fds descriptors to pass (SCM_RIGHTS); may be empty
     * @param flags more flags (MSG_DONTWAIT)
     * @return bytes sent, or -errno
     */
    public static long sendmsg(int fd, MemorySegment data, int[] fds, int flags) {
        return sendmsg(fd, data, fds.length == 0 ? new int[0][] : new int[][] {fds}, flags);
    }

    /**
     * sendmsg(2) with several SCM_RIGHTS control messages, one per group (what a hostile peer can do to overflow
     * the receiver's control buffer: the receiver sees MSG_CTRUNC).
     *
     * @param fd the socket
     * @param data the message
     * @param groups descriptor groups, one control message each
     * @param flags more flags
     * @return bytes sent, or -errno
     */
    public static long sendmsg(int fd, MemorySegment data, int[][] groups, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(IOVEC);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, data.byteSize());
            MemorySegment msg = a.allocate(MSGHDR);
            msg.set(ADDRESS, MSG_IOV, iov);
            msg.set(JAVA_LONG, MSG_IOVLEN, 1);
            long total = 0;
            for (int[] g : groups) {
                total += cmsgSpace(4L * g.length);
            }
            if (total > 0) {
                MemorySegment control = a.allocate(total, 8);
                long off = 0;
                for (int[] g : groups) {
                    long dataBytes = 4L * g.length;
                    control.set(JAVA_LONG, off, CMSG_HDR + dataBytes);
                    control.set(JAVA_INT, off + 8, SOL_SOCKET);
                    control.set(JAVA_INT, off + 12, SCM_RIGHTS);
                    for (int i = 0; i < g.length; i++) {
                        control.set(JAVA_INT, off + CMSG_HDR + 4L * i, g[i]);
                    }
                    off += cmsgSpace(dataBytes);
                }
                msg.set(ADDRESS, MSG_CONTROL, control);
                msg.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
            }
            return sendmsg(fd, msg, flags);
        }
    }

    /**
     * sendmsg(2) of a prepared {@code msghdr}, MSG_NOSIGNAL, retrying on EINTR.
     *
     * @param fd the socket
     * @param msg the message header, its iovec and control message filled in
     * @param flags more flags
     * @return bytes sent, or -errno
     */
    static long sendmsg(int fd, MemorySegment msg, int flags) {
        MemorySegment st = Native.state();
        while (true) {
            long r;
            try {
                r = (long) SENDMSG.invokeExact(st, fd, msg, flags | MSG_NOSIGNAL);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(st);
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    /**
     * recvmsg(2) into a prepared {@code msghdr}, MSG_CMSG_CLOEXEC, retrying on EINTR.
     *
     * @param fd the socket
     * @param msg the message header, its iovec and control buffer filled in
     * @param flags more flags
     * @return bytes received, or -errno
     */
    static long recvmsg(int fd, MemorySegment msg, int flags) {
        MemorySegment st = Native.state();
        while (true) {
            long r;
            try {
                r = (long) RECVMSG.invokeExact(st, fd, msg, flags | MSG_CMSG_CLOEXEC);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(st);
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    /**
     * recvmsg(2) of one message into {@code buf}, with room for {@code maxFds} descriptors, MSG_CMSG_CLOEXEC,
     * retrying on EINTR. Every descriptor that arrived is returned, even when the kernel truncated the rest
     * (MSG_CTRUNC), so that the caller can close them.
     *
     * @param fd the socket
     * @param buf where the data goes
     * @param maxFds descriptors the control buffer has room for
     * @param flags more flags (MSG_DONTWAIT)
     * @return what arrived; {@code bytes} is -errno on failure, 0 when the peer hung up
     */
    public static Received recvmsg(int fd, MemorySegment buf, int maxFds, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(IOVEC);
            iov.set(ADDRESS, 0, buf);
            iov.set(JAVA_LONG, 8, buf.byteSize());
            MemorySegment msg = a.allocate(MSGHDR);
            MemorySegment control = a.allocate(cmsgSpace(4L * Math.max(1, maxFds)), 8);
            msg.fill((byte) 0);
            msg.set(ADDRESS, MSG_IOV, iov);
            msg.set(JAVA_LONG, MSG_IOVLEN, 1);
            msg.set(ADDRESS, MSG_CONTROL, control);
            msg.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
            long r = recvmsg(fd, msg, flags);
            if (r < 0) {
                return new Received(r, 0, new int[0]);
            }
            int msgFlags = msg.get(JAVA_INT, MSG_FLAGS);
            long controlLen = msg.get(JAVA_LONG, MSG_CONTROLLEN);
            return new Received(r, msgFlags, descriptors(control, controlLen));
        }
    }

    private static int[] descriptors(MemorySegment control, long controlLen) {
        int[] fds = new int[0];
        long off = 0;
        while (off + CMSG_HDR <= controlLen) {
            long len = control.get(JAVA_LONG, off);
            if (len < CMSG_HDR || off + len > controlLen) {
                break;
            }
            if (control.get(JAVA_INT, off + 8) == SOL_SOCKET && control.get(JAVA_INT, off + 12) == SCM_RIGHTS) {
                int n = (int) ((len - CMSG_HDR) / 4);
                int base = fds.length;
                fds = Arrays.copyOf(fds, base + n);
                for (int i = 0; i < n; i++) {
                    fds[base + i] = control.get(JAVA_INT, off + CMSG_HDR + 4L * i);
                }
            }
            off += (len + 7) & ~7L;
        }
        return fds;
    }
}
