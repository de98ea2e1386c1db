package org.dmabuf4j.core.sync;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * Marks the current thread as being on a fence's signaling path (FENCE-4), like the kernel's
 * {@code dma_fence_begin_signalling} / {@code dma_fence_end_signalling} annotations.
 *
 * <p>Fence callbacks always run inside it; code that completes device work (engines) wraps its completion in
 * {@link #enter()} / {@link #exit()}. Every {@link ReservationImpl} lock method refuses to run on a signaling path,
 * because a waiter may hold that very lock while it waits for the fence: taking it here could deadlock.
 *
 * <pre>
 *   SignalingPath.enter();
 *   try { ...complete the job...; fence.signal(); } finally { SignalingPath.exit(); }
 * </pre>
 * Sections nest; the thread leaves the path when every {@code enter} has been matched by an {@code exit}.
 */
public final class SignalingPath {
    /** A mutable depth per thread: one ThreadLocal lookup per section, no boxing. */
    static final class Depth {
        int value;
    }

    private static final ThreadLocal<Depth> DEPTH = ThreadLocal.withInitial(Depth::new);

    private SignalingPath() {
    }

    /** Enters a signaling section on the current thread. */
    public static void enter() {
        DEPTH.get().value++;
    }

    /**
     * Leaves the innermost signaling section of the current thread.
     *
     * @throws RuleViolationException (FENCE-4) if the thread is not in a section: enter and exit must pair
     */
    public static void exit() {
        Depth depth = DEPTH.get();
        if (depth.value == 0) {
            throw new RuleViolationException(Rule.FENCE_4, "SignalingPath.exit() on thread '"
                    + Thread.currentThread().getName() + "' without a matching enter(): pair them in try/finally");
        }
        depth.value--;
    }

    /**
     * Whether the current thread is on a fence's signaling path.
     *
     * @return true inside a section
     */
    public static boolean active() {
        return DEPTH.get().value > 0;
    }

    /** The depth holder of the current thread, for code that enters and exits around a loop with one lookup. */
    static Depth current() {
        return DEPTH.get();
    }
}
