package org.dmabuf4j.ipc.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import org.dmabuf4j.ipc.SyscallException;

/**
 * The plumbing every binding shares: the native linker, libc's symbols, errno capture and {@code syscall(2)}.
 *
 * <p>Every downcall that can fail is made with {@code Linker.Option.captureCallState("errno")}: the handle's first
 * parameter is a per-thread capture segment ({@link #state()}), read with {@link #errno(MemorySegment)} right after a
 * call that returned -1. System calls glibc does not wrap (futex, pidfd_open; memfd_create and fstat on an old glibc)
 * go through the variadic {@code long syscall(long number, ...)} with six {@code long} arguments, which is what the
 * kernel reads on both architectures; unused arguments are 0.
 */
public final class Native {
    /** The platform's C linker. */
    static final Linker LINKER = Linker.nativeLinker();
    /** libc's symbols. */
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LIBC.findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(1));

    private Native() {
    }

    /**
     * A downcall handle to a libc function that sets errno: its first parameter is the capture segment.
     *
     * @param name the symbol
     * @param descriptor the C signature
     * @param options more linker options (a variadic start)
     * @return the handle
     * @throws IllegalArgumentException if libc has no such symbol
     */
    static MethodHandle errnoCall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return optionalErrnoCall(name, descriptor, options)
                .orElseThrow(() -> new IllegalArgumentException("libc has no symbol " + name));
    }

    /**
     * As {@link #errnoCall}, empty if libc lacks the symbol (an older glibc).
     *
     * @param name the symbol
     * @param descriptor the C signature
     * @param options more linker options
     * @return the handle, or empty
     */
    static Optional<MethodHandle> optionalErrnoCall(String name, FunctionDescriptor descriptor,
            Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = ERRNO_OPTION;
        System.arraycopy(options, 0, all, 1, options.length);
        return LIBC.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, all));
    }

    /**
     * The calling thread's errno capture segment.
     *
     * @return the segment to pass as the first argument of an {@link #errnoCall} handle
     */
    static MemorySegment state() {
        return STATE.get();
    }

    /**
     * The errno the last call captured into {@code state}.
     *
     * @param state the capture segment
     * @return errno
     */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * {@code syscall(number, a1..a6)}: the raw result, -1 with errno in {@code state} on failure.
     *
     * @param state the capture segment
     * @param number the system-call number of {@link Arch#current()}
     * @param a1 first argument
     * @param a2 second argument
     * @param a3 third argument
     * @param a4 fourth argument
     * @param a5 fifth argument
     * @param a6 sixth argument
     * @return what the kernel returned
     */
    static long syscall(MemorySegment state, long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) SYSCALL.invokeExact(state, number, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * The exception for a failed call.
     *
     * @param call the call's name
     * @param state the capture segment holding its errno
     * @param context the objects involved and what to do
     * @return the exception to throw
     */
    static SyscallException fail(String call, MemorySegment state, String context) {
        return new SyscallException(call, errno(state), context);
    }

    /**
     * Rethrows what a downcall threw: only errors of the linker itself can get here.
     *
     * @param t the throwable
     * @return never returns normally
     */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall failed", t);
    }
}
