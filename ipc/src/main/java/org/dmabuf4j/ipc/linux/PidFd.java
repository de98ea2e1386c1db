package org.dmabuf4j.ipc.linux;

import java.lang.foreign.MemorySegment;

/**
 * pidfd_open(2) through syscall(2): a descriptor that becomes readable when the process exits.
 *
 * @see "pidfd_open(2)"
 */
public final class PidFd {
    private static final long PIDFD_NONBLOCK = 0x800;

    private PidFd() {
    }

    /**
     * Opens a pidfd (close-on-exec: pidfds always are).
     *
     * @param pid the process id, in this process's pid namespace
     * @return the descriptor, or -errno (ESRCH if there is no such process, ENOSYS before Linux 5.3)
     */
    public static int open(long pid) {
        MemorySegment st = Native.state();
        long r = Native.syscall(st, Arch.current().sysPidfdOpen, pid, PIDFD_NONBLOCK, 0, 0, 0, 0);
        return r < 0 ? -Native.errno(st) : (int) r;
    }
}
