package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Descriptor-level calls on raw numbers: close, fcntl (CLOEXEC, dup, seals), fstat, read, write, open, ioctl,
 * ftruncate and memfd_create. Callers own the numbers; {@code org.dmabuf4j.ipc.OwnedFd} wraps them.
 *
 * @see "close(2), fcntl(2), fstat(2), memfd_create(2), ioctl(2)"
 */
public final class Fds {
    /** fcntl: get the descriptor flags. */
    public static final int F_GETFD = 1;
    /** Descriptor flag: close on exec. */
    public static final int FD_CLOEXEC = 1;
    /** fcntl: duplicate, close-on-exec. */
    public static final int F_DUPFD_CLOEXEC = 1030;
    /** fcntl: add seals. */
    public static final int F_ADD_SEALS = 1033;
    /** fcntl: get seals. */
    public static final int F_GET_SEALS = 1034;
    /** Seal: no more seals. */
    public static final int F_SEAL_SEAL = 1;
    /** Seal: the file may not shrink. */
    public static final int F_SEAL_SHRINK = 2;
    /** Seal: the file may not grow. */
    public static final int F_SEAL_GROW = 4;
    /** Seal: the contents may not change. */
    public static final int F_SEAL_WRITE = 8;
    /** memfd_create: close on exec. */
    public static final int MFD_CLOEXEC = 1;
    /** memfd_create: allow seals. */
    public static final int MFD_ALLOW_SEALING = 2;
    /** open: read and write. */
    public static final int O_RDWR = 2;
    /** open: read only. */
    public static final int O_RDONLY = 0;
    /** open: close on exec (the same value on x86-64 and aarch64). */
    public static final int O_CLOEXEC = 0x80000;
    /** st_mode: the file-type bits. */
    public static final int S_IFMT = 0xF000;
    /** st_mode: a regular file (memfds are). */
    public static final int S_IFREG = 0x8000;
    /** st_mode: a socket. */
    public static final int S_IFSOCK = 0xC000;
    /** st_mode: a character device. */
    public static final int S_IFCHR = 0x2000;

    private static final MethodHandle CLOSE = Native.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = Native.errnoCall("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final Optional<MethodHandle> FSTAT = Native.optionalErrnoCall("fstat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle READ = Native.errnoCall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.errnoCall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle OPEN = Native.errnoCall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = Native.errnoCall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FTRUNCATE = Native.errnoCall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final Optional<MethodHandle> MEMFD_CREATE = Native.optionalErrnoCall("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    private Fds() {
    }

    /**
     * What fstat says about a descriptor.
     *
     * @param mode st_mode
     * @param size st_size
     */
    public record Stat(int mode, long size) {
        /**
         * Whether it is a regular file.
         *
         * @return true for S_IFREG
         */
        public boolean isRegular() {
            return (mode & S_IFMT) == S_IFREG;
        }
    }

    /**
     * close(2). Linux releases the number even when close reports EINTR, so it is never retried.
     *
     * @param fd the descriptor
     * @return 0, or the errno close reported
     */
    public static int close(int fd) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return r < 0 ? Native.errno(st) : 0;
    }

    private static int fcntl(String call, int fd, int cmd, int arg, String context) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) FCNTL.invokeExact(st, fd, cmd, arg);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw Native.fail(call, st, context);
        }
        return r;
    }

    /**
     * fcntl(F_DUPFD_CLOEXEC): a new close-on-exec number for the same open file.
     *
     * @param fd the descriptor
     * @param context for the message
     * @return the new number
     */
    public static int dupCloexec(int fd, String context) {
        return fcntl("fcntl(F_DUPFD_CLOEXEC)", fd, F_DUPFD_CLOEXEC, 3, context);
    }

    /**
     * fcntl(F_DUPFD): a duplicate <em>without</em> FD_CLOEXEC, which the module never makes for itself; it exists to
     * show that {@code OwnedFd.adopt} refuses such a descriptor (IPC-1).
     *
     * @param fd the descriptor
     * @param context for the message
     * @return the new number, inherited by child processes until closed
     */
    public static int dupInheritable(int fd, String context) {
        return fcntl("fcntl(F_DUPFD)", fd, 0, 3, context);
    }

    /**
     * fcntl(F_GETFD).
     *
     * @param fd the descriptor
     * @param context for the message
     * @return the descriptor flags (FD_CLOEXEC)
     */
    public static int descriptorFlags(int fd, String context) {
        return fcntl("fcntl(F_GETFD)", fd, F_GETFD, 0, context);
    }

    /**
     * fcntl(F_ADD_SEALS).
     *
     * @param fd a memfd created with MFD_ALLOW_SEALING
     * @param seals the seals
     * @param context for the message
     */
    public static void addSeals(int fd, int seals, String context) {
        fcntl("fcntl(F_ADD_SEALS)", fd, F_ADD_SEALS, seals, context);
    }

    /**
     * fcntl(F_GET_SEALS).
     *
     * @param fd the descriptor
     * @return the seals, or -errno (EINVAL for a file that is not shmem)
     */
    public static int seals(int fd) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) FCNTL.invokeExact(st, fd, F_GET_SEALS, 0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return r < 0 ? -Native.errno(st) : r;
    }

    /**
     * fstat(2).
     *
     * @param fd the descriptor
     * @param context for the message
     * @return mode and size
     */
    public static Stat fstat(int fd, String context) {
        Arch arch = Arch.current();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(arch.statSize, 8);
            MemorySegment st = Native.state();
            long r;
            if (FSTAT.isPresent()) {
                try {
                    r = (int) FSTAT.get().invokeExact(st, fd, buf);
                } catch (Throwable t) {
                    throw Native.unexpected(t);
                }
            } else {
                r = Native.syscall(st, arch.sysFstat, fd, buf.address(), 0, 0, 0, 0);
            }
            if (r < 0) {
                throw Native.fail("fstat", st, context);
            }
            return new Stat(buf.get(JAVA_INT, arch.statModeOffset), buf.get(JAVA_LONG, arch.statSizeOffset));
        }
    }

    /**
     * read(2) into {@code buf}, retrying on EINTR.
     *
     * @param fd the descriptor
     * @param buf where to read
     * @return bytes read, or -errno (EAGAIN on a non-blocking descriptor with nothing to read)
     */
    public static long read(int fd, MemorySegment buf) {
        MemorySegment st = Native.state();
        while (true) {
            long r;
            try {
                r = (long) READ.invokeExact(st, fd, buf, buf.byteSize());
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
     * write(2) of {@code buf}, retrying on EINTR.
     *
     * @param fd the descriptor
     * @param buf what to write
     * @return bytes written, or -errno
     */
    public static long write(int fd, MemorySegment buf) {
        MemorySegment st = Native.state();
        while (true) {
            long r;
            try {
                r = (long) WRITE.invokeExact(st, fd, buf, buf.byteSize());
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
     * open(2), close-on-exec.
     *
     * @param path the path
     * @param flags O_RDWR or O_RDONLY; O_CLOEXEC is added
     * @return the descriptor, or -errno
     */
    public static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            int r;
            try {
                r = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags | O_CLOEXEC, 0);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            return r < 0 ? -Native.errno(st) : r;
        }
    }

    /**
     * ioctl(2) with a pointer argument, retrying on EINTR.
     *
     * @param fd the descriptor
     * @param request the request number
     * @param arg the argument
     * @return the result, or -errno
     */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment st = Native.state();
        while (true) {
            int r;
            try {
                r = (int) IOCTL.invokeExact(st, fd, request, arg);
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
     * ftruncate(2).
     *
     * @param fd the descriptor
     * @param size the new size
     * @param context for the message
     */
    public static void ftruncate(int fd, long size, String context) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) FTRUNCATE.invokeExact(st, fd, size);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw Native.fail("ftruncate", st, context);
        }
    }

    /**
     * memfd_create(2), close-on-exec and sealable; through syscall(2) on a libc without the wrapper.
     *
     * @param name the name shown in /proc/PID/fd ("memfd:NAME"); at most 249 bytes
     * @param context for the message
     * @return the descriptor
     */
    public static int memfdCreate(String name, String context) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cname = a.allocateFrom(name);
            MemorySegment st = Native.state();
            long r;
            if (MEMFD_CREATE.isPresent()) {
                try {
                    r = (int) MEMFD_CREATE.get().invokeExact(st, cname, MFD_CLOEXEC | MFD_ALLOW_SEALING);
                } catch (Throwable t) {
                    throw Native.unexpected(t);
                }
            } else {
                r = Native.syscall(st, Arch.current().sysMemfdCreate, cname.address(),
                        MFD_CLOEXEC | MFD_ALLOW_SEALING, 0, 0, 0, 0);
            }
            if (r < 0) {
                throw Native.fail("memfd_create(\"" + name + "\")", st, context);
            }
            return (int) r;
        }
    }
}
