package org.dmabuf4j.ipc;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncWaitFlag;
import org.dmabuf4j.ipc.linux.EventFd;

/**
 * An eventfd that becomes readable when something is ready ({@link Rule#IPC_15 IPC-15}, issue 14): a fence signaled, a
 * sync-object point signaled (or submitted, with WAIT_AVAILABLE), a buffer ready for an access. For event loops that
 * poll descriptors (epoll, a Netty or libuv loop, a native compositor): add {@link #fd()} to the loop, and read it once
 * readable.
 *
 * <pre>
 *   try (ReadinessFd r = ReadinessFd.of(fence)) {
 *       poll(r.fd(), POLLIN)  ─► readable once the fence signaled (counter 1), never before
 *   }
 * </pre>
 *
 * <p>The readiness is taken from the object's non-blocking future ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}): nothing blocks
 * a thread. Closing cancels the future, which withdraws the wait, and closes the eventfd. Thread-safe.
 *
 * @see "DRM_IOCTL_SYNCOBJ_EVENTFD, eventfd(2), dma_buf_poll"
 */
public final class ReadinessFd implements AutoCloseable {
    private final OwnedFd eventfd;
    private final CompletableFuture<?> future;
    private volatile boolean ready;

    private ReadinessFd(String what, CompletableFuture<?> future) {
        this.eventfd = OwnedFd.adopt(EventFd.create("readiness of " + what), FdKind.EVENTFD, "readiness of " + what);
        this.future = future;
        future.whenComplete((v, e) -> signal());
    }

    private void signal() {
        if (future.isCancelled()) {
            return;
        }
        int n;
        try {
            n = eventfd.use("readiness signal");
        } catch (RuntimeException closed) {
            return;
        }
        try {
            ready = true;
            EventFd.add(n, 1);
        } finally {
            eventfd.done();
        }
    }

    /**
     * Readable once {@code fence} has signaled, with or without error.
     *
     * @param fence the fence; not null
     * @return the readiness
     * @throws RuleViolationException ({@link Rule#IPC_15 IPC-15}) on a null fence
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the eventfd cannot be made
     */
    public static ReadinessFd of(Fence fence) {
        if (fence == null) {
            throw new RuleViolationException(Rule.IPC_15, "ReadinessFd.of(null fence)");
        }
        return new ReadinessFd(fence.toString(), fence.toCompletableFuture());
    }

    /**
     * Readable once point {@code point} of {@code object} has signaled; with {@link SyncWaitFlag#WAIT_AVAILABLE},
     * once a fence exists there; readable too if the object closes while the point has no fence. Without
     * WAIT_FOR_SUBMIT or WAIT_AVAILABLE, a point without a fence is refused, as the sync object's future is
     * ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}), and no eventfd is made.
     *
     * @param object the sync object; not null
     * @param point the point (0 for a binary object)
     * @param flags the wait flags; not null
     * @return the readiness
     * @throws RuleViolationException ({@link Rule#IPC_15 IPC-15}) on a null argument;
     *     ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) for a point without a fence and no flag to wait for one
     */
    public static ReadinessFd of(SyncObject object, long point, Set<SyncWaitFlag> flags) {
        if (object == null || flags == null) {
            throw new RuleViolationException(Rule.IPC_15, "ReadinessFd.of needs a sync object and flags");
        }
        return new ReadinessFd("point " + Long.toUnsignedString(point) + " of sync object '" + object.name() + "'",
                object.whenSignaled(point, flags));
    }

    /**
     * Readable once {@code buffer} is ready for {@code access} (poll semantics, {@link Rule#SYNC_4 SYNC-4}).
     *
     * @param buffer an open handle; not null
     * @param access READ or WRITE readiness; not null
     * @return the readiness
     * @throws RuleViolationException ({@link Rule#IPC_15 IPC-15}) on a null argument
     */
    public static ReadinessFd of(DmaBuf buffer, Access access) {
        if (buffer == null || access == null) {
            throw new RuleViolationException(Rule.IPC_15, "ReadinessFd.of needs a buffer and an access");
        }
        return new ReadinessFd(access + " readiness of buffer #" + buffer.id(), buffer.whenReady(access));
    }

    /**
     * The eventfd's number, for the event loop (non-blocking, close-on-exec).
     *
     * @return the number
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#IPC_1 IPC-1}) if closed
     */
    public int fd() {
        return eventfd.fd();
    }

    /**
     * Whether the eventfd was made readable.
     *
     * @return true once the condition held
     */
    public boolean isReady() {
        return ready;
    }

    /**
     * Whether the eventfd is readable now, without consuming it.
     *
     * @return true if a poll would report POLLIN
     */
    public boolean isReadable() {
        int n = eventfd.use("poll");
        try {
            return (org.dmabuf4j.ipc.linux.Poll.poll(n, org.dmabuf4j.ipc.linux.Poll.POLLIN, 0)
                    & org.dmabuf4j.ipc.linux.Poll.POLLIN) != 0;
        } finally {
            eventfd.done();
        }
    }

    /**
     * Withdraws the wait (cancels the future) and closes the eventfd. Idempotent.
     */
    @Override
    public void close() {
        future.cancel(false);
        eventfd.close();
    }
}
