package org.dmabuf4j.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A snapshot of fences, passed between parties for explicit synchronisation: what a sync_file fd is in Linux.
 *
 * @see "drivers/dma-buf/sync_file.c"
 */
public interface SyncFile {
    /**
     * The sync file's name: given at merge, else "driver-timeline context-seqno" of its fence.
     *
     * @return the name
     */
    String name();

    /**
     * The one fence it wraps (possibly an array).
     *
     * @return the fence
     * @see "sync_file_get_fence"
     */
    Fence fence();

    /**
     * Merges two sync files ({@link Rule#SYNC_2 SYNC-2}): one fence per context, the later one. Both stay valid.
     *
     * @param other the other sync file; not null
     * @param name the new file's name, or null
     * @return the merged sync file
     * @see "SYNC_IOC_MERGE"
     */
    SyncFile merge(SyncFile other, String name);

    /**
     * Status and per-leaf information ({@link Rule#SYNC_9 SYNC-9}).
     *
     * @return the information
     * @see "SYNC_IOC_FILE_INFO"
     */
    SyncFileInfo info();

    /**
     * Poll: whether the fence has signaled (with or without error).
     *
     * @return true if signaled
     * @see "sync_file_poll"
     */
    boolean poll();

    /**
     * The status of the file's fence ({@link Rule#SYNCOBJ_9 SYNCOBJ-9}): ERROR if it, or for an array the first of its
     * fences to fail, signaled with an error.
     *
     * @return the status
     * @see "SYNC_IOC_FILE_INFO: status"
     */
    default FenceStatus status() {
        return fence().status();
    }

    /**
     * The first error among the file's fences ({@link Rule#SYNCOBJ_9 SYNCOBJ-9}).
     *
     * @return the error, or empty while pending or when signaled without one
     */
    default java.util.Optional<Throwable> error() {
        return fence().error();
    }

    /**
     * Hints that the file's fences are needed by {@code deadline} ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}): reaches every
     * pending leaf.
     *
     * @param deadline when the result is needed; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}) on a null deadline
     * @see "SYNC_IOC_SET_DEADLINE"
     */
    default void setDeadline(java.time.Instant deadline) {
        fence().setDeadline(deadline);
    }

    /**
     * Waits for the fence ({@link Rule#FENCE_12 FENCE-12}), as {@link Fence#await(Duration)}: a fence that signaled
     * with an error makes the wait throw ({@link Rule#FENCE_13 FENCE-13}). To wait without throwing, use
     * {@code fence().awaitStatus(timeout)}.
     *
     * @param timeout how long; zero polls; not negative
     * @return true if signaled without error, false if the timeout passed first
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if the fence (or, for an array, one of its fences)
     *         signaled with an error, which is its cause
     * @throws DmaInterruptedException ({@link Rule#FENCE_12 FENCE-12}) if interrupted while waiting; the interrupt
     *     status is restored
     * @throws RuleViolationException ({@link Rule#FENCE_12 FENCE-12}) on a negative or null timeout
     */
    boolean await(Duration timeout);

    /**
     * The fence as a future, see {@link Fence#toCompletableFuture()}.
     *
     * @return a new future
     */
    CompletableFuture<Fence> toCompletableFuture();
}
