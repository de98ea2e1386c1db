package org.dmabuf4j.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * A sync object: a container for a fence that may not exist yet, binary or as a timeline of 64-bit points; what
 * drm_syncobj is to the kernel and a semaphore to Vulkan. Created by {@link DmaBufSystem#newSyncObject}; thread-safe.
 *
 * <pre>
 *   BINARY     [ fence | none ]          replace / reset / signal, point 0 only (SYNCOBJ-1)
 *
 *   TIMELINE   none ◄─ chain@3 ◄─ chain@7 ◄─ chain@12      points strictly increase (SYNCOBJ-3)
 *                        │          │          │           point 5 is covered by chain@7 (SYNCOBJ-4)
 *                      fence      fence      fence         query() = last point whose chain node signaled
 * </pre>
 *
 * <p>A point is <em>submitted</em> (available) once a fence covers it: a timeline point p is covered by the first
 * added point at or after p. Waits on a point that is not submitted fail at once unless
 * {@link SyncWaitFlag#WAIT_FOR_SUBMIT} or {@link SyncWaitFlag#WAIT_AVAILABLE} is given
 * ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}). Every blocking call throws {@link DmaInterruptedException} when interrupted (the
 * interrupt status is kept) and a {@link FenceFailedException} ({@link Rule#FENCE_13 FENCE-13}) naming the failed fence
 * when the awaited fence signaled with an error; the status queries ({@link #status(long)}, {@link #error(long)}) never
 * throw for an error ({@link Rule#SYNCOBJ_9 SYNCOBJ-9}). Fence callbacks that this object queues take its lock only
 * briefly and never run user code under it ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}).
 *
 * @see "drivers/gpu/drm/drm_syncobj.c"
 */
public interface SyncObject extends AutoCloseable {
    /**
     * The object's id, unique in the JVM, increasing.
     *
     * @return the id
     */
    long id();

    /**
     * The name given at creation, for messages.
     *
     * @return the name
     */
    String name();

    /**
     * Binary or timeline, fixed at creation.
     *
     * @return the kind
     */
    SyncObjectKind kind();

    /**
     * The current payload: a binary object's fence, or a timeline's latest chain node.
     *
     * @return the fence, or empty if there is none (never submitted, or reset)
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "drm_syncobj_fence_get"
     */
    Optional<Fence> fence();

    /**
     * Replaces a binary object's fence ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}). Waiters for a submit
     * ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) are woken with the new fence.
     *
     * @param fence the new fence; not null (use {@link #reset()} to remove it)
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a null fence or a timeline object
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "drm_syncobj_replace_fence"
     */
    void replace(Fence fence);

    /**
     * Removes the payload ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}): a binary object has no fence afterwards, a timeline has
     * no point (its next point may start again from 1). Fences already handed out are unaffected.
     *
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_RESET"
     */
    void reset();

    /**
     * Signals a binary object: replaces its fence with a signaled one ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}).
     *
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a timeline object (use
     *     {@link #signal(long)})
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_SIGNAL"
     */
    void signal();

    /**
     * Adds a signaled point ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}, {@link Rule#SYNCOBJ_4 SYNCOBJ-4}); on a binary object,
     * point 0 is {@link #signal()}.
     *
     * @param point the new point; later than {@link #lastPoint()}
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}) if the point is not later than the last point;
     *     ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) if not 0 on a binary object; nothing changes
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL"
     */
    void signal(long point);

    /**
     * Attaches a fence at a new point ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}): a chain node on the previous point that
     * signals once the fence and every earlier point have ({@link Rule#SYNCOBJ_4 SYNCOBJ-4}). On a binary object, point
     * 0 is {@link #replace(Fence)}.
     *
     * @param point the new point; later than {@link #lastPoint()}
     * @param fence the fence; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}) if the point is not later than the last point,
     *     ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a null fence or a point other than 0 on a binary object; nothing
     *     changes
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "drm_syncobj_add_point"
     */
    void addPoint(long point, Fence fence);

    /**
     * The last signaled point ({@link Rule#SYNCOBJ_4 SYNCOBJ-4}): the largest point whose chain node has signaled, so
     * every point at or below it has. 0 for a binary object and for a timeline with no signaled point.
     *
     * @return the point, compared unsigned
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_QUERY"
     */
    long query();

    /**
     * The last submitted point: the latest point added (0 if none, and always 0 on a binary object).
     *
     * @return the point, compared unsigned
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED"
     */
    long lastPoint();

    /**
     * The fence covering {@code point} ({@link Rule#SYNCOBJ_4 SYNCOBJ-4}), without waiting: the chain node of the first
     * point added at or after it, or a signaled fence once that node has signaled and was retired.
     *
     * @param point the point; 0 on a binary object (its fence) or for a timeline's latest node
     * @return the fence, or empty if the point is not submitted
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a point other than 0 of a binary object
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "drm_syncobj_find_fence"
     */
    Optional<Fence> fenceAt(long point);

    /**
     * The status of a point without waiting ({@link Rule#SYNCOBJ_9 SYNCOBJ-9}): PENDING while not submitted or not
     * signaled, else SIGNALED or ERROR as its covering fence.
     *
     * @param point the point; 0 on a binary object
     * @return the status
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a point other than 0 of a binary object
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     */
    FenceStatus status(long point);

    /**
     * The error a point signaled with ({@link Rule#SYNCOBJ_9 SYNCOBJ-9}): the first error among the fences it depends
     * on.
     *
     * @param point the point; 0 on a binary object
     * @return the error, or empty while pending or when signaled without one
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a point other than 0 of a binary object
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     */
    Optional<Throwable> error(long point);

    /**
     * Waits for a point ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}, {@link Rule#SYNCOBJ_5 SYNCOBJ-5}): until its fence signals,
     * or with {@link SyncWaitFlag#WAIT_AVAILABLE} until a fence exists there. {@link SyncWaitFlag#WAIT_ALL} is
     * meaningless for one point and ignored.
     *
     * @param point the point; 0 on a binary object
     * @param flags the flags; not null
     * @param timeout how long; {@link Duration#ZERO} polls; not negative
     * @return true if done, false if the timeout passed first
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) if the point has no fence and neither
     *     WAIT_FOR_SUBMIT nor WAIT_AVAILABLE is given; ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}) on a null or negative timeout
     *     or null flags
     * @throws DmaInterruptedException ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}) if interrupted; the interrupt status is kept
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}, {@link Rule#SYNCOBJ_5 SYNCOBJ-5}) if the point's
     *     fence signaled with an error, which is the cause
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed, or closes while the wait
     *     needs a submit
     * @see "DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT"
     */
    boolean waitFor(long point, Set<SyncWaitFlag> flags, Duration timeout);

    /**
     * Copies the fence at {@code srcPoint} to {@code dst} without waiting for it to signal
     * ({@link Rule#SYNCOBJ_6 SYNCOBJ-6}): a timeline destination gets a new point, a binary one has its fence replaced.
     *
     * @param srcPoint the source point; 0 on a binary object
     * @param dst the destination object and point; its point follows {@link Rule#SYNCOBJ_3 SYNCOBJ-3}; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_6 SYNCOBJ-6}) if the source point has no fence,
     *     ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}) if the destination point goes backwards; nothing changes
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if either object is closed
     * @see "DRM_IOCTL_SYNCOBJ_TRANSFER"
     */
    void transfer(long srcPoint, SyncPoint dst);

    /**
     * Copies the fence at {@code srcPoint} to {@code dst}, first waiting for it to be submitted
     * ({@link Rule#SYNCOBJ_6 SYNCOBJ-6}, the WAIT_FOR_SUBMIT flavour).
     *
     * @param srcPoint the source point; 0 on a binary object
     * @param dst the destination object and point; not null
     * @param submitTimeout how long to wait for a fence at the source point; zero polls; not negative
     * @return true if transferred, false if no fence appeared in time (nothing changed)
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}) if the destination point goes backwards;
     *     nothing changes
     * @throws DmaInterruptedException ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}) if interrupted; nothing changes
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if either object is closed
     * @see "DRM_IOCTL_SYNCOBJ_TRANSFER with DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT"
     */
    boolean transfer(long srcPoint, SyncPoint dst, Duration submitTimeout);

    /**
     * Exports the fence at a point as a sync file ({@link Rule#SYNCOBJ_7 SYNCOBJ-7}): an immutable snapshot, untouched
     * by later replaces, resets or points.
     *
     * @param point the point; 0 on a binary object
     * @return the sync file
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) if the point has no fence yet
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD with DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE"
     */
    SyncFile exportSyncFile(long point);

    /**
     * Imports a sync file at a point ({@link Rule#SYNCOBJ_7 SYNCOBJ-7}): a timeline gets a new point holding the file's
     * fence, a binary object has its fence replaced. Never deduplicated: importing the same file twice adds two points.
     *
     * @param file the sync file; not null
     * @param point the point; later than {@link #lastPoint()} on a timeline, 0 on a binary object
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_7 SYNCOBJ-7}) on a null file,
     *     ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}) on a point going backwards; nothing changes
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE with DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE"
     */
    void importSyncFile(SyncFile file, long point);

    /**
     * Hints that a point is needed by {@code deadline} ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}): set on its fence, which
     * passes it on to every leaf it depends on; for a point not yet submitted, set on the fence attached there later.
     *
     * @param point the point; 0 on a binary object
     * @param deadline the deadline; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}) on a null deadline
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE; dma_fence_set_deadline"
     */
    void setDeadline(long point, Instant deadline);

    /**
     * The point's readiness as a future, without blocking a thread ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}): completed with
     * the point's fence when it signals (exceptionally with its error), or with WAIT_AVAILABLE as soon as a fence
     * exists there. A future for a point not yet submitted (WAIT_FOR_SUBMIT or WAIT_AVAILABLE) fails with a
     * {@link ClosedException} if the object closes first. Non-async stages run on the signaling thread: keep them short
     * ({@link Rule#FENCE_4 FENCE-4}).
     *
     * @param point the point; 0 on a binary object
     * @param flags WAIT_FOR_SUBMIT and WAIT_AVAILABLE as in {@link #waitFor}; not null
     * @return a new future; cancelling it withdraws its wait
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) if the point has no fence and neither flag
     *     allows waiting for one
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     * @see "DRM_IOCTL_SYNCOBJ_EVENTFD"
     */
    CompletableFuture<Fence> whenSignaled(long point, Set<SyncWaitFlag> flags);

    /**
     * Runs {@code action} on {@code executor} once the point is ready, as {@link #whenSignaled} decides
     * ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}): with the fence, or with the failure (the fence's error, or the closed
     * object). An executor that rejects the task drops it; an action that throws does not harm the object.
     *
     * @param point the point; 0 on a binary object
     * @param flags as {@link #whenSignaled}; not null
     * @param executor where the action runs; not null
     * @param action receives the fence, or null and the failure; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) as {@link #whenSignaled},
     *     ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}) on a null executor or action
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if the object is closed
     */
    default void onSignaled(long point, Set<SyncWaitFlag> flags, Executor executor,
            BiConsumer<? super Fence, ? super Throwable> action) {
        if (executor == null || action == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_10, "onSignaled on " + this + " needs an executor and an "
                    + "action, got " + (executor == null ? "a null executor" : "a null action"));
        }
        whenSignaled(point, flags).whenCompleteAsync(action, executor);
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    boolean isClosed();

    /**
     * Closes the object ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}): waits and futures for points without a fence fail with a
     * {@link ClosedException}; fences already attached or exported are unaffected. Idempotent.
     */
    @Override
    void close();
}
