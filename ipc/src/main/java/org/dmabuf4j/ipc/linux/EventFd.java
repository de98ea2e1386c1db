package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * eventfd(2): a 64-bit counter that is readable while non-zero, for event loops.
 *
 * @see "eventfd(2)"
 */
public final class EventFd {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final MethodHandle EVENTFD = Native.errnoCall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private EventFd() {
    }

    /**
     * A new non-blocking, close-on-exec eventfd with counter 0.
     *
     * @param context for the message
     * @return the descriptor
     */
    public static int create(String context) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) EVENTFD.invokeExact(st, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw Native.fail("eventfd", st, context);
        }
        return r;
    }

    /**
     * Adds {@code n} to the counter.
     *
     * @param fd the eventfd
     * @param n the increment; positive
     * @return 0, or -errno
     */
    public static int add(int fd, long n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            v.set(JAVA_LONG, 0, n);
            long r = Fds.write(fd, v);
            return r < 0 ? (int) r : 0;
        }
    }

    /**
     * Reads and resets the counter.
     *
     * @param fd the eventfd
     * @return the counter (positive), or -errno (EAGAIN while it is 0)
     */
    public static long take(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            long r = Fds.read(fd, v);
            return r < 0 ? r : v.get(JAVA_LONG, 0);
        }
    }
}
