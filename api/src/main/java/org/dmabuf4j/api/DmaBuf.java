package org.dmabuf4j.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A handle to a shared buffer: what a file descriptor of a dma-buf is in Linux.
 *
 * <p>A buffer has a fixed size ({@link Rule#BUF_1 BUF-1}), an exporter that owns its memory, a reservation that orders
 * access to it, and any number of handles. {@link #share()} makes another handle (a dup, {@link Rule#BUF_6 BUF-6}),
 * {@link #close()} drops this one; the exporter's release runs once, after the last handle is closed and the last
 * attachment detached ({@link Rule#BUF_2 BUF-2}). A closed handle rejects every operation but close; its identity
 * queries (id, size, exporterName, layout, isOpen, isRevoked) keep answering ({@link Rule#BUF_3 BUF-3}). Handles are
 * thread-safe.
 *
 * <pre>
 *   heap.allocate ─► DmaBuf ─ share() ─► DmaBuf ─ attach(dev) ─► Attachment ─ map(dir) ─► Mapping (per device)
 *                      │                                                                   SgEntry(dmaAddress, length)
 *                      └─ beginCpuAccess(access, region) ─► CpuAccess ─ close() = end_cpu_access
 * </pre>
 *
 * @see "struct dma_buf, dma_buf_fd, dma_buf_get, dma_buf_put"
 */
public interface DmaBuf extends AutoCloseable {
    /**
     * A number unique among the buffers of this system, the same for every handle of one buffer (like an inode).
     *
     * @return the buffer id
     */
    long id();

    /**
     * The size in bytes, fixed for the buffer's life ({@link Rule#BUF_1 BUF-1}). Works on closed handles.
     *
     * @return a positive multiple of the page size
     */
    long size();

    /**
     * The buffer's name, shared by all its handles.
     *
     * @return the name, empty if never set
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     */
    String name();

    /**
     * Renames the buffer, at any time ({@link Rule#BUF_5 BUF-5}). Called without or with the reservation lock.
     *
     * @param name at most 31 bytes of UTF-8 without NUL ({@link Rule#BUF_4 BUF-4}); not null
     * @throws RuleViolationException ({@link Rule#BUF_4 BUF-4}) if too long, null or containing NUL; the old name is
     *     kept
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "DMA_BUF_SET_NAME"
     */
    void setName(String name);

    /**
     * The exporter's name. Works on closed handles.
     *
     * @return the name given at export
     */
    String exporterName();

    /**
     * The buffer's 2-D layout, if it has one.
     *
     * @return the layout, or empty for a plain byte buffer
     */
    Optional<BufferLayout> layout();

    /**
     * The buffer's reservation object: its lock and its fences.
     *
     * @return the reservation, the same for every handle
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "dma_buf.resv"
     */
    Reservation reservation();

    /**
     * Makes another handle to the same buffer ({@link Rule#BUF_6 BUF-6}). Called without the reservation lock
     * ({@link Rule#BUF_9 BUF-9}).
     *
     * @return a new open handle, which must be closed on its own
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "dma_buf_fd, get_dma_buf"
     */
    DmaBuf share();

    /**
     * Whether this handle is open.
     *
     * @return false once {@link #close()} was called on this handle
     */
    boolean isOpen();

    /**
     * Whether the buffer was revoked ({@link Rule#REV_2 REV-2}).
     *
     * @return true once revoked
     */
    boolean isRevoked();

    /**
     * Attaches a static importer on {@code device}: pinned, never notified ({@link Rule#MOVE_4 MOVE-4}). With a dynamic
     * exporter the buffer is pinned and mapped BIDIRECTIONAL now, and {@link Attachment#map} returns that cached
     * mapping ({@link Rule#ATT_5 ATT-5}, {@link Rule#MAP_6 MAP-6}). Called without the reservation lock
     * ({@link Rule#BUF_9 BUF-9}). The attachment keeps the buffer alive until detached.
     *
     * @param device the importing device; open; not null
     * @return the attachment; close it to detach
     * @throws AttachRefusedException ({@link Rule#ATT_1 ATT-1}, {@link Rule#REV_3 REV-3}) if the exporter refuses
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}, {@link Rule#ATT_7 ATT-7}) if this handle or the device is
     *     closed
     * @throws RevokedException ({@link Rule#REV_2 REV-2}) if the buffer is revoked
     * @see "dma_buf_attach"
     */
    Attachment attach(Device device);

    /**
     * Attaches a dynamic importer on {@code device} ({@link Rule#ATT_3 ATT-3}): mappings are made under the reservation
     * lock, are not pinned, and die when the exporter moves the buffer after calling {@link Importer#moveNotify}
     * ({@link Rule#MOVE_5 MOVE-5}). With a static exporter the buffer is mapped BIDIRECTIONAL now and cached
     * ({@link Rule#ATT_5 ATT-5}). Called without the lock ({@link Rule#BUF_9 BUF-9}).
     *
     * @param device the importing device; open; not null
     * @param importer the importer's callbacks; not null
     * @return the attachment; close it to detach
     * @throws RuleViolationException ({@link Rule#ATT_3 ATT-3}) if {@code importer} is null: use
     *     {@link #attach(Device)} for a static attachment
     * @throws AttachRefusedException ({@link Rule#ATT_1 ATT-1}, {@link Rule#P2P_2 P2P-2}) if the exporter refuses
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}, {@link Rule#ATT_7 ATT-7}) if this handle or the device is
     *     closed
     * @throws RevokedException ({@link Rule#REV_2 REV-2}) if the buffer is revoked
     * @see "dma_buf_dynamic_attach"
     */
    Attachment attach(Device device, Importer importer);

    /**
     * Begins CPU access to the whole buffer, confined to this thread.
     *
     * @param access what the CPU will do; not null
     * @return the window; close it to end the access
     * @throws RuntimeException as {@link #beginCpuAccess(Access, Region, Confinement)}
     * @see "DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_START"
     */
    default CpuAccess beginCpuAccess(Access access) {
        return beginCpuAccess(access, Region.WHOLE, Confinement.THREAD);
    }

    /**
     * Begins CPU access to a region, confined to this thread.
     *
     * @param access what the CPU will do; not null
     * @param region the bytes to access; not null
     * @return the window; close it to end the access
     * @throws RuntimeException as {@link #beginCpuAccess(Access, Region, Confinement)}
     * @see "DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_START"
     */
    default CpuAccess beginCpuAccess(Access access, Region region) {
        return beginCpuAccess(access, region, Confinement.THREAD);
    }

    /**
     * Begins CPU access to a region ({@link Rule#CPU_1 CPU-1}): waits for the fences the access implies
     * ({@link Rule#CPU_2 CPU-2}), makes the region coherent for the CPU ({@link Rule#CPU_9 CPU-9}) and returns a window
     * that exposes exactly the region ({@link Rule#CPU_3 CPU-3}) until it is closed ({@link Rule#CPU_4 CPU-4}). Called
     * without the reservation lock ({@link Rule#CPU_8 CPU-8}).
     *
     * @param access what the CPU will do; READ windows are read-only ({@link Rule#CPU_6 CPU-6}); not null
     * @param region the bytes to access; within the buffer ({@link Rule#CPU_7 CPU-7}); not null
     * @param confinement which threads may use the window ({@link Rule#CPU_5 CPU-5}); not null
     * @return the window; {@link CpuAccess#close()} ends the access (end_cpu_access)
     * @throws RuleViolationException ({@link Rule#CPU_7 CPU-7}, {@link Rule#CPU_8 CPU-8}) on a bad region or if the
     *     calling thread holds the lock
     * @throws UnsupportedFeatureException ({@link Rule#CPU_12 CPU-12}) if the exporter has no CPU access
     * @throws RevokedException ({@link Rule#REV_2 REV-2}) if the buffer is revoked
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @throws DmaInterruptedException ({@link Rule#CPU_2 CPU-2}) if interrupted while waiting for fences; nothing is
     *     opened
     * @see "dma_buf_begin_cpu_access"
     */
    CpuAccess beginCpuAccess(Access access, Region region, Confinement confinement);

    /**
     * Maps the whole buffer for long-lived CPU use (kernel vmap); counted: the exporter maps on the first call only.
     * Called with the reservation lock held ({@link Rule#CPU_14 CPU-14}). Coherency still needs
     * {@link #beginCpuAccess}.
     *
     * @return the mapping; close it (with the lock held) to drop this count
     * @throws UnsupportedFeatureException ({@link Rule#CPU_14 CPU-14}) if the exporter does not vmap
     * @throws RuleViolationException ({@link Rule#CPU_14 CPU-14}) if the lock is not held by the calling thread
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "dma_buf_vmap"
     */
    VMapping vmap();

    /**
     * Exports the fences an access would wait for as a sync file: for READ the WRITE-usage fences, for WRITE the
     * READ-usage fences ({@link Rule#SYNC_5 SYNC-5}). A snapshot: later fences are not in it
     * ({@link Rule#SYNC_1 SYNC-1}). Called without the lock.
     *
     * @param access the access to be synchronised with; not null
     * @return the sync file
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @throws RuleViolationException ({@link Rule#SYNC_5 SYNC-5}) if the calling thread holds the buffer's reservation
     *     lock
     * @see "DMA_BUF_IOCTL_EXPORT_SYNC_FILE"
     */
    SyncFile exportSyncFile(Access access);

    /**
     * Adds the fences of a sync file to the buffer's reservation: with WRITE usage if {@code access} writes, else READ
     * ({@link Rule#SYNC_6 SYNC-6}), unwrapped to leaves ({@link Rule#RESV_8 RESV-8}). Called without the lock; takes
     * it.
     *
     * @param syncFile the fences; not null
     * @param access how the fences' work uses the buffer; not null
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "DMA_BUF_IOCTL_IMPORT_SYNC_FILE"
     */
    void importSyncFile(SyncFile syncFile, Access access);

    /**
     * Poll: whether an access could start now without waiting ({@link Rule#SYNC_4 SYNC-4}). Readiness says only that
     * device work finished; CPU access still needs {@link #beginCpuAccess}.
     *
     * @param access READ (no pending writer) or WRITE (no pending reader or writer); not null
     * @return true if ready
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "dma_buf_poll"
     */
    boolean isReady(Access access);

    /**
     * Completes when the buffer becomes ready for {@code access} ({@link Rule#SYNC_4 SYNC-4}), on the thread that
     * signals the last fence (or at once if ready).
     *
     * @param access READ or WRITE readiness; not null
     * @return a future completed with null when ready; cancelling it drops the wait
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if this handle is closed
     * @see "dma_buf_poll"
     */
    CompletableFuture<Void> whenReady(Access access);

    /**
     * Runs {@code action} on {@code executor} once the buffer is ready for {@code access} ({@link Rule#SYNC_4 SYNC-4},
     * {@link Rule#SYNCOBJ_10 SYNCOBJ-10}), as {@link #whenReady} decides; the action may block. An executor that
     * rejects the task drops it.
     *
     * @param access the access; not null
     * @param executor where the action runs; not null
     * @param action what to run; not null
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_10 SYNCOBJ-10}) on a null executor or action
     * @see "dma_buf_poll"
     */
    default void onReady(Access access, java.util.concurrent.Executor executor, Runnable action) {
        if (executor == null || action == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_10, "onReady on " + this + " needs an executor and an "
                    + "action, got " + (executor == null ? "a null executor" : "a null action"));
        }
        whenReady(access).whenCompleteAsync((ready, error) -> action.run(), executor);
    }

    /**
     * Waits until the buffer is ready for {@code access} ({@link Rule#SYNC_4 SYNC-4}), or the timeout passes.
     *
     * @param access READ or WRITE readiness; not null
     * @param timeout how long to wait; zero polls; not negative
     * @return true if ready and the fences waited for signaled without error
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if a fence waited for signaled with an error, as
     *         {@link Reservation#await(FenceUsage, Duration)}; {@link #isReady(Access)} polls without throwing
     * @throws DmaInterruptedException ({@link Rule#RESV_14 RESV-14}) if interrupted while waiting; the interrupt status
     *     is restored
     * @throws RuleViolationException ({@link Rule#RESV_14 RESV-14}) on a negative timeout
     */
    boolean awaitReady(Access access, Duration timeout);

    /**
     * Drops this handle ({@link Rule#BUF_2 BUF-2}). Idempotent ({@link Rule#BUF_3 BUF-3}). Called without the
     * reservation lock ({@link Rule#BUF_9 BUF-9}). The buffer is released once no handle and no attachment remain.
     *
     * @see "dma_buf_put"
     */
    @Override
    void close();
}
