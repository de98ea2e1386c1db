package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The floor of a real kernel CPU-access sync: {@code ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync)} made through an FFM
 * downcall on {@code /dev/null}, which enters the kernel and fails with {@code ENOTTY}. A kernel-backed dma-buf binding
 * pays at least this per start/end pair (plus the cache maintenance the kernel then does).
 *
 * <p>The measured handle does not capture errno: a binding would only read it on failure, and leaving it out keeps
 * the floor as low as it can be. The constructor checks once, with a capturing handle, that the call really fails
 * with ENOTTY, so a host where it does something else is noticed instead of measured.
 */
@SuppressWarnings("restricted") // downcalls are the point of this class
final class DevNullIoctl implements AutoCloseable {
    /** {@code _IOW('b', 0, struct dma_buf_sync)}: direction write, size 8, type 'b', nr 0. */
    static final long DMA_BUF_IOCTL_SYNC = 0x40086200L;
    static final long SYNC_READ = 1;
    static final long SYNC_WRITE = 2;
    static final long SYNC_END = 4;
    private static final int O_RDONLY = 0;
    private static final int ENOTTY = 25;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final FunctionDescriptor IOCTL_DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    /** ioctl is variadic: its third argument must be passed as one. */
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            IOCTL_DESCRIPTOR, Linker.Option.firstVariadicArg(2));
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle IOCTL_CAPTURING = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            IOCTL_DESCRIPTOR,
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));

    private final Arena arena = Arena.ofConfined();
    /** {@code struct dma_buf_sync { __u64 flags; }} */
    private final MemorySegment sync = arena.allocate(ValueLayout.JAVA_LONG);
    private final int fd;

    DevNullIoctl() {
        int opened = -1;
        try {
            opened = (int) OPEN.invokeExact(arena.allocateFrom("/dev/null"), O_RDONLY, 0);
            if (opened < 0) {
                throw new IllegalStateException("open(/dev/null) failed: " + opened);
            }
            MemorySegment state = arena.allocate(CAPTURE);
            sync.set(ValueLayout.JAVA_LONG, 0, SYNC_READ | SYNC_WRITE);
            int r = (int) IOCTL_CAPTURING.invokeExact(state, opened, DMA_BUF_IOCTL_SYNC, sync);
            int errno = (int) ERRNO.get(state, 0L);
            if (r != -1 || errno != ENOTTY) {
                throw new IllegalStateException("ioctl(/dev/null, DMA_BUF_IOCTL_SYNC) returned " + r + " errno "
                        + errno + ", expected -1 ENOTTY: this host does not give the syscall floor this baseline "
                        + "assumes");
            }
        } catch (RuntimeException | Error e) {
            closeQuietly(opened);
            arena.close();
            throw e;
        } catch (Throwable t) {
            closeQuietly(opened);
            arena.close();
            throw new IllegalStateException(t);
        }
        fd = opened;
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                int unused = (int) CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // already failing: the first error is the one to report
            }
        }
    }

    /**
     * One start/end pair as a kernel binding would make it: set the flags, ioctl, set END, ioctl.
     *
     * @return the sum of both results (-2), so that nothing can be folded away
     */
    int syncStartEnd() {
        try {
            sync.set(ValueLayout.JAVA_LONG, 0, SYNC_READ | SYNC_WRITE);
            int start = (int) IOCTL.invokeExact(fd, DMA_BUF_IOCTL_SYNC, sync);
            sync.set(ValueLayout.JAVA_LONG, 0, SYNC_READ | SYNC_WRITE | SYNC_END);
            int end = (int) IOCTL.invokeExact(fd, DMA_BUF_IOCTL_SYNC, sync);
            return start + end;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        if (!arena.scope().isAlive()) {
            return;
        }
        try {
            int r = (int) CLOSE.invokeExact(fd);
            if (r != 0) {
                throw new IllegalStateException("close(/dev/null fd " + fd + ") failed: " + r);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }
}
