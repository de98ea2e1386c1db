package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * futex(2) on a 32-bit word of a shared mapping: FUTEX_WAIT and FUTEX_WAKE without FUTEX_PRIVATE_FLAG, so that
 * processes mapping the same memfd page wait on the same kernel key (inode and offset).
 *
 * <p>Addresses are passed as numbers, not segments: a wait that blocks must not keep the mapping's arena acquired,
 * or closing the arena would fail; callers keep the mapping alive while they wait.
 *
 * @see "futex(2); kernel/futex/core.c: get_futex_key for shared mappings"
 */
public final class Futex {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    private Futex() {
    }

    /**
     * Sleeps while the word at {@code address} holds {@code expected}, at most {@code timeoutNanos}.
     *
     * @param address the word's address, 4-byte aligned, in a live shared mapping
     * @param expected the value seen before deciding to sleep
     * @param timeoutNanos the relative timeout (CLOCK_MONOTONIC); positive
     * @return 0 if woken, or -errno: EAGAIN if the word no longer held {@code expected}, ETIMEDOUT, EINTR
     */
    public static int await(long address, int expected, long timeoutNanos) {
        MemorySegment ts = TIMESPEC.get();
        ts.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        ts.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        MemorySegment st = Native.state();
        long r = Native.syscall(st, Arch.current().sysFutex, address, FUTEX_WAIT, expected & 0xFFFF_FFFFL,
                ts.address(), 0, 0);
        return r < 0 ? -Native.errno(st) : 0;
    }

    /**
     * Wakes up to {@code count} waiters on the word at {@code address}, in every process.
     *
     * @param address the word's address
     * @param count how many; {@link Integer#MAX_VALUE} for all
     * @return the number woken
     * @throws org.dmabuf4j.ipc.SyscallException (IPC-2) if the kernel refuses (a bad address)
     */
    public static int wake(long address, int count) {
        MemorySegment st = Native.state();
        long r = Native.syscall(st, Arch.current().sysFutex, address, FUTEX_WAKE, count, 0, 0, 0);
        if (r < 0) {
            throw Native.fail("futex(FUTEX_WAKE)", st, "at 0x" + Long.toHexString(address));
        }
        return (int) r;
    }
}
