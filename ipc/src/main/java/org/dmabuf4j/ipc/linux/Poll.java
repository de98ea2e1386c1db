package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * poll(2) over a few descriptors, with a bounded timeout that survives EINTR.
 *
 * <pre>
 *   struct pollfd { int fd; short events; short revents; }    8 bytes, both architectures
 * </pre>
 *
 * @see "poll(2)"
 */
public final class Poll {
    /** Readable. */
    public static final short POLLIN = 0x1;
    /** Writable. */
    public static final short POLLOUT = 0x4;
    /** Error. */
    public static final short POLLERR = 0x8;
    /** Hang-up. */
    public static final short POLLHUP = 0x10;
    /** Not an open descriptor. */
    public static final short POLLNVAL = 0x20;
    /** The peer closed its end of a stream or seqpacket socket. */
    public static final short POLLRDHUP = 0x2000;

    static final StructLayout POLLFD = MemoryLayout.structLayout(JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    private static final MethodHandle POLL = Native.errnoCall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private Poll() {
    }

    /**
     * Waits until one of {@code fds} has one of its events, or the timeout passes.
     *
     * @param fds the descriptors
     * @param events the events per descriptor
     * @param timeoutNanos how long; 0 polls; negative waits forever
     * @return the revents per descriptor (all 0 on timeout), or null with {@code errno[0]} set on failure
     */
    public static short[] poll(int[] fds, short[] events, long timeoutNanos) {
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(POLLFD, fds.length);
            for (int i = 0; i < fds.length; i++) {
                set.set(JAVA_INT, i * 8L, fds[i]);
                set.set(JAVA_SHORT, i * 8L + 4, events[i]);
            }
            MemorySegment st = Native.state();
            while (true) {
                int millis;
                if (timeoutNanos < 0) {
                    millis = -1;
                } else {
                    long left = deadline - System.nanoTime();
                    // round up, so a wait never ends before its deadline and busy-loops on the last millisecond
                    millis = left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
                }
                int r;
                try {
                    r = (int) POLL.invokeExact(st, set, (long) fds.length, millis);
                } catch (Throwable t) {
                    throw Native.unexpected(t);
                }
                if (r < 0) {
                    int e = Native.errno(st);
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    throw Native.fail("poll", st, "on descriptors " + java.util.Arrays.toString(fds));
                }
                short[] revents = new short[fds.length];
                for (int i = 0; i < fds.length; i++) {
                    revents[i] = set.get(JAVA_SHORT, i * 8L + 6);
                }
                if (r > 0 || millis == 0 || (timeoutNanos >= 0 && deadline - System.nanoTime() <= 0)) {
                    return revents;
                }
            }
        }
    }

    /**
     * Waits for events on one descriptor.
     *
     * @param fd the descriptor
     * @param events the events
     * @param timeoutNanos how long; 0 polls; negative waits forever
     * @return the revents, 0 on timeout
     */
    public static short poll(int fd, short events, long timeoutNanos) {
        return poll(new int[] {fd}, new short[] {events}, timeoutNanos)[0];
    }
}
