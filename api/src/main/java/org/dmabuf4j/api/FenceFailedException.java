package org.dmabuf4j.api;

import java.util.Objects;

/**
 * A wait returned because the fence it waited for signaled with an error ({@link Rule#FENCE_13 FENCE-13}): the device
 * work the fence stands for failed, so whatever it was meant to produce is not there. The fence's error is the
 * {@linkplain #getCause() cause}; the fence's identity (context, seqno, driver, timeline) is in the message and the
 * accessors.
 *
 * <p>Thrown by the default waits: {@link Fence#await()}, {@link Fence#await(java.time.Duration)},
 * {@link Fence#awaitUninterruptibly()}, {@link SyncFile#await(java.time.Duration)},
 * {@link Reservation#await(FenceUsage, java.time.Duration)}, {@link DmaBuf#awaitReady(Access, java.time.Duration)}
 * and {@link Fences#awaitAny(java.util.List, java.time.Duration)}, as {@code CompletableFuture.join()} throws for a
 * failed future. To wait without throwing, use {@link Fence#awaitStatus(java.time.Duration)} and look at the
 * returned {@link FenceStatus}, or query {@link Fence#status()} and {@link Fence#error()} after a wait.
 */
public class FenceFailedException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /** The failed fence's context. */
    private final long context;
    /** The failed fence's seqno. */
    private final long seqno;
    /** The name of the driver that issued the failed fence. */
    private final String driverName;
    /** The name of the failed fence's timeline. */
    private final String timelineName;

    /**
     * Creates the exception for a fence that signaled with an error.
     *
     * @param waitedFor what the failed call waited for, for example {@code "await()"}; not null
     * @param fence the failed fence; not null, signaled, carrying an error
     * @throws IllegalArgumentException if {@code fence} carries no error
     */
    public FenceFailedException(String waitedFor, Fence fence) {
        super(Rule.FENCE_13, Objects.requireNonNull(waitedFor, "waitedFor") + ": " + describe(fence)
                + " signaled with an error, so the work it stands for failed (the error is this exception's cause)"
                + "; to wait without throwing, use awaitStatus(timeout) or check status()/error()",
                errorOf(fence));
        this.context = fence.context();
        this.seqno = fence.seqno();
        this.driverName = fence.driverName();
        this.timelineName = fence.timelineName();
    }

    private static String describe(Fence fence) {
        Objects.requireNonNull(fence, "fence");
        return "fence " + fence.driverName() + "/" + fence.timelineName() + " context " + fence.context()
                + " seqno " + Long.toUnsignedString(fence.seqno());
    }

    private static Throwable errorOf(Fence fence) {
        return fence.error().orElseThrow(() -> new IllegalArgumentException(describe(fence)
                + " carries no error; FenceFailedException is only for fences that signaled with one"));
    }

    /**
     * The failed fence's context ({@link Rule#FENCE_6 FENCE-6}).
     *
     * @return the context
     */
    public long context() {
        return context;
    }

    /**
     * The failed fence's seqno on its context ({@link Rule#FENCE_5 FENCE-5}).
     *
     * @return the seqno, compared unsigned
     */
    public long seqno() {
        return seqno;
    }

    /**
     * The name of the driver that issued the failed fence.
     *
     * @return the driver name
     */
    public String driverName() {
        return driverName;
    }

    /**
     * The name of the failed fence's timeline.
     *
     * @return the timeline name
     */
    public String timelineName() {
        return timelineName;
    }

    /**
     * Throws if a signaled fence carries an error: the check every default wait makes before returning.
     *
     * @param waitedFor what the caller waited for, for the message; not null
     * @param fence the fence; not null
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if {@code fence} has signaled with an error
     */
    public static void throwIfFailed(String waitedFor, Fence fence) {
        if (fence.isSignaled() && fence.error().isPresent()) {
            throw new FenceFailedException(waitedFor, fence);
        }
    }
}
