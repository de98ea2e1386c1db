package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * mmap(2) and munmap(2), with each mapping owned by an {@link Arena}: the mapping is made, then given the arena's
 * scope with a cleanup that unmaps it, so closing the arena is the munmap and no segment outlives the pages.
 *
 * @see "mmap(2), munmap(2)"
 */
public final class Mman {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final long MAP_FAILED = -1L;
    private static final MethodHandle MMAP = Native.errnoCall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.errnoCall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final AtomicLong MAPPED_BYTES = new AtomicLong();
    private static final AtomicLong MAPPINGS = new AtomicLong();

    private Mman() {
    }

    /**
     * Maps {@code size} bytes of {@code fd} shared, readable and (if asked) writable, into {@code arena}.
     *
     * @param fd the descriptor (a memfd)
     * @param size bytes; positive
     * @param writable whether to map PROT_WRITE
     * @param arena the owner; closing it unmaps
     * @param context for the message
     * @return the mapping, scoped to the arena
     * @throws org.dmabuf4j.ipc.SyscallException (IPC-2) if mmap fails; nothing is mapped
     * @throws IllegalStateException if the arena is closed; the mapping is undone
     */
    public static MemorySegment mapShared(int fd, long size, boolean writable, Arena arena, String context) {
        MemorySegment st = Native.state();
        MemorySegment addr;
        try {
            addr = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, size,
                    PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (addr.address() == MAP_FAILED) {
            throw Native.fail("mmap", st, context);
        }
        long address = addr.address();
        try {
            MemorySegment mapped = addr.reinterpret(size, arena, s -> unmap(address, size));
            MAPPED_BYTES.addAndGet(size);
            MAPPINGS.incrementAndGet();
            return mapped;
        } catch (RuntimeException | Error e) {
            munmap(address, size);
            throw e;
        }
    }

    private static void unmap(long address, long size) {
        MAPPED_BYTES.addAndGet(-size);
        MAPPINGS.decrementAndGet();
        munmap(address, size);
    }

    private static void munmap(long address, long size) {
        MemorySegment st = Native.state();
        int r;
        try {
            r = (int) MUNMAP.invokeExact(st, MemorySegment.ofAddress(address), size);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            // only a bad address or length fails, and both are ours: a bug worth a loud report
            System.getLogger("org.dmabuf4j.ipc").log(System.Logger.Level.ERROR, "[IPC-3] munmap(0x"
                    + Long.toHexString(address) + ", " + size + ") failed: " + Errno.name(Native.errno(st)));
        }
    }

    /**
     * Bytes mapped by this class and not yet unmapped.
     *
     * @return the byte count
     */
    public static long mappedBytes() {
        return MAPPED_BYTES.get();
    }

    /**
     * Mappings made by this class and not yet unmapped.
     *
     * @return the count
     */
    public static long mappings() {
        return MAPPINGS.get();
    }
}
