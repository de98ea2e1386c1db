package org.dmabuf4j.ipc.linux;

import java.util.Map;

/**
 * The errno values the bindings name in messages (the asm-generic numbers, which x86-64 shares for all of these).
 *
 * @see "include/uapi/asm-generic/errno-base.h, errno.h"
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Not a typewriter: an ioctl the file does not know. */
    public static final int ENOTTY = 25;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** Connection timed out; futex wait timeout. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(5, "EIO"), Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"), Map.entry(14, "EFAULT"),
            Map.entry(EBUSY, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(ENODEV, "ENODEV"),
            Map.entry(21, "EISDIR"), Map.entry(EINVAL, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(EMFILE, "EMFILE"),
            Map.entry(ENOTTY, "ENOTTY"), Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"), Map.entry(EPIPE, "EPIPE"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(88, "ENOTSOCK"), Map.entry(90, "EMSGSIZE"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(98, "EADDRINUSE"), Map.entry(ECONNRESET, "ECONNRESET"),
            Map.entry(105, "ENOBUFS"), Map.entry(107, "ENOTCONN"), Map.entry(ETIMEDOUT, "ETIMEDOUT"),
            Map.entry(ECONNREFUSED, "ECONNREFUSED"));

    private Errno() {
    }

    /**
     * The symbolic name of an errno value.
     *
     * @param errno the value
     * @return e.g. {@code "EBADF"}, or {@code "errno 123"} for a value not in the table
     */
    public static String name(int errno) {
        String n = NAMES.get(errno);
        return n != null ? n : "errno " + errno;
    }
}
