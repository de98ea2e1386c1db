package org.dmabuf4j.api;

import java.util.Collection;
import java.util.List;

/**
 * One dmabuf4j world: its buffers, heaps, devices, fences and locks. The entry point for exporters and users.
 *
 * <p>Obtain one from the implementation (for the reference implementation, {@code org.dmabuf4j.core.DmaBufs});
 * close it when done: closing reports and releases what is still open.
 *
 * @see "the dma-buf core: dma_buf_export, /dev/dma_heap, dma_fence_context_alloc"
 */
public interface DmaBufSystem extends AutoCloseable {
    /**
     * Exports a buffer ({@link Rule#BUF_7 BUF-7}): creates it with an embedded reservation and its first handle. Called
     * without any reservation lock ({@link Rule#BUF_9 BUF-9}).
     *
     * @param info what to export; not null
     * @return the exporter's capability, whose {@link ExportedBuffer#handle()} is the first handle
     * @throws RuleViolationException ({@link Rule#BUF_7 BUF-7}, {@link Rule#BUF_10 BUF-10}) if the information or
     *     exporter is invalid; nothing is created
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed
     * @see "dma_buf_export"
     */
    ExportedBuffer export(ExportInfo info);

    /**
     * A new arena for one exporter's buffer memory whose memory the framework keeps valid for as long as it views
     * it ({@link Rule#SAFE_1 SAFE-1}). Allocate the buffer's memory from it (or map a file into it with
     * {@code FileChannel.map(mode, offset, size, arena)}) and close it in {@link Exporter#release()}, or earlier: the
     * memory is freed when the arena is closed and no framework view of it (CPU window, mapping view, vmap) is live,
     * else when the last such view ends. So an exporter that closes it too early can never make the framework, or an
     * importer using the framework's views, touch freed memory; and the framework's views of it are zero-copy and
     * close with their window or mapping ({@link Rule#CPU_4 CPU-4}, {@link Rule#MAP_11 MAP-11}).
     *
     * <p>Memory from any other arena keeps its own scope in every framework view: mapping and vmap views die only
     * with the exporter's memory, and CPU windows are framework copies written back through the exporter's segment
     * at close (checked, {@link Rule#SAFE_1 SAFE-1}). Arenas still open when the system closes are freed then and
     * reported.
     *
     * @return a shared arena; {@code close()} marks it for freeing and, like any arena's, throws if repeated
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed
     * @throws UnsupportedFeatureException ({@link Rule#SAFE_1 SAFE-1}) if the implementation has no framework-kept
     *     memory
     */
    default java.lang.foreign.Arena exporterArena() {
        throw new UnsupportedFeatureException(Rule.SAFE_1, getClass().getName() + " does not keep exporter memory;"
                + " allocate it from an arena of your own, whose scope the framework then keeps in every view");
    }

    /**
     * A heap by name.
     *
     * @param name "system", "contiguous" or another registered heap; not null
     * @return the heap
     * @throws RuleViolationException ({@link Rule#HEAP_3 HEAP-3}) if there is no heap of that name; the message lists
     *     the heaps
     */
    DmaHeap heap(String name);

    /**
     * The system heap: scattered chunks ({@link Rule#HEAP_6 HEAP-6}).
     *
     * @return the heap named "system"
     */
    default DmaHeap systemHeap() {
        return heap("system");
    }

    /**
     * Every heap.
     *
     * @return the heaps
     */
    Collection<DmaHeap> heaps();

    /**
     * The fence factories of this system.
     *
     * @return the fences
     */
    Fences fences();

    /**
     * Creates a sync object ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}, {@link Rule#SYNCOBJ_3 SYNCOBJ-3}): a binary one without
     * a fence, or a timeline without points.
     *
     * @param kind binary or timeline; not null
     * @param name a name for messages; not blank
     * @return the object; close it when done ({@link Rule#SYNCOBJ_12 SYNCOBJ-12})
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_1 SYNCOBJ-1}) on a null kind or a blank name
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed
     * @see "DRM_IOCTL_SYNCOBJ_CREATE"
     */
    SyncObject newSyncObject(SyncObjectKind kind, String name);

    /**
     * Waits for several (sync object, point) pairs ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}): all of them with
     * {@link SyncWaitFlag#WAIT_ALL}, else any one; a point without a fence fails at once unless WAIT_FOR_SUBMIT or
     * WAIT_AVAILABLE is given ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}).
     *
     * @param points the pairs, objects of this system; not null, not empty
     * @param flags the flags; not null
     * @param timeout how long; zero polls; not negative
     * @return the lowest index that is done, or empty if the timeout passed first
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}) on an empty list, a null element, a foreign
     *     object or a bad timeout; ({@link Rule#SYNCOBJ_2 SYNCOBJ-2}) on a point without a fence and no flag to wait
     *     for one
     * @throws DmaInterruptedException ({@link Rule#SYNCOBJ_5 SYNCOBJ-5}) if interrupted; the interrupt status is kept
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}, {@link Rule#SYNCOBJ_5 SYNCOBJ-5}) if a fence the
     *     result depends on signaled with an error, which is the cause
     * @throws ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if an object is closed, or closes while its point is
     *     waited for
     * @see "DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT"
     */
    java.util.OptionalInt awaitSyncPoints(List<SyncPoint> points, java.util.Set<SyncWaitFlag> flags,
            java.time.Duration timeout);

    /**
     * A new acquire context for wait-die locking ({@link Rule#RESV_5 RESV-5}); tickets increase.
     *
     * @return the context, used by the calling thread only ({@link Rule#RESV_13 RESV-13})
     * @see "ww_acquire_init"
     */
    AcquireContext newAcquireContext();

    /**
     * Locks every reservation, in any order, without deadlock: retries after would-deadlock with lockSlow
     * ({@link Rule#RESV_6 RESV-6}) until it holds them all. Duplicates are locked once.
     *
     * @param reservations the reservations; not null, elements not null
     * @return the held set; close it to unlock all
     * @throws DmaInterruptedException ({@link Rule#RESV_6 RESV-6}) if interrupted; nothing stays locked
     * @see "drm_exec"
     */
    ReservationSet lockAll(Collection<? extends Reservation> reservations);

    /**
     * The open buffers, one handle-less description each, for dumps and leak checks.
     *
     * @return a bufinfo-style table: size, flags, exporter, name, handles, attachments with device and mapping state
     * @see "/sys/kernel/debug/dma_buf/bufinfo"
     */
    String describeBuffers();

    /**
     * The ids of buffers not yet released.
     *
     * @return the ids
     */
    List<Long> liveBufferIds();

    /**
     * Closes the system: reports buffers still open, closes devices, releases memory. Idempotent. Every step runs
     * whatever an exporter or importer throws meanwhile ({@link Rule#SAFE_2 SAFE-2}): a RuntimeException of foreign
     * code is logged, and the first Error is rethrown after everything is closed.
     */
    @Override
    void close();
}
