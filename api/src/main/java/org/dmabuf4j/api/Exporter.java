package org.dmabuf4j.api;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The exporter's side of one buffer: the callbacks through which the framework reaches the memory (SPI).
 *
 * <p>Implemented by whoever owns the memory (heaps, device-memory pools, tiled surfaces, third-party pools) and passed
 * to {@link DmaBufSystem#export(ExportInfo)}; one instance per buffer. {@link #map}, {@link #unmap} and
 * {@link #release} are mandatory; the rest are optional with the kernel's defaults. The framework calls each method
 * in the lock state stated here; the exporter never calls them itself.
 *
 * <table>
 *   <caption>Lock state of each callback (the locking convention of the kernel's dma-buf documentation)</caption>
 *   <tr><th>callback</th><th>reservation lock</th><th>kernel</th></tr>
 *   <tr><td>attach, detach, release, beginCpuAccess, endCpuAccess</td><td>not held (may lock)</td>
 *       <td>attach, detach, release, begin/end_cpu_access</td></tr>
 *   <tr><td>pin, unpin, map, unmap, vmap, vunmap</td><td>held by the caller</td>
 *       <td>pin, unpin, map_dma_buf, unmap_dma_buf, vmap, vunmap</td></tr>
 * </table>
 *
 * <p><b>Memory lifetime ({@link Rule#SAFE_1 SAFE-1}).</b> The memory a callback returns (map's entries,
 * beginCpuAccess's and vmap's segment) must stay valid until {@link #release()} returns. Allocate it from
 * {@link DmaBufSystem#exporterArena()} and the framework keeps it valid for as long as it views it, whenever the arena
 * is closed; memory from an arena of your own keeps its own scope in every framework view (never re-scoped), so freeing
 * it early makes the next access fail with an {@link ExporterFaultException} or the JDK's
 * {@link IllegalStateException}, never crash the JVM.
 *
 * <p><b>Failures ({@link Rule#SAFE_2 SAFE-2}).</b> The framework treats every callback as foreign code: whatever one
 * throws, a RuntimeException or an Error, the framework's state stays consistent (no leaked reference, translation,
 * lock or window) and the throwable reaches the caller of the operation after the cleanup; Errors are never swallowed.
 * Per callback: attach (the attach is undone, the reference dropped), map (nothing is mapped), unmap (the mapping is
 * dead and its views closed before unmap runs), pin and unpin (the count is unchanged on a failed pin; a detach
 * still completes), beginCpuAccess (no window; endCpuAccess is called to pair it), endCpuAccess (the window is
 * closed anyway), vmap (no count), vunmap (the count is gone anyway), detach (the attachment is gone anyway),
 * release (the buffer is released anyway and a RuntimeException is logged). A callback that blocks blocks the
 * calling thread; only the framework's own waits are bounded (revoke's timeout, {@link Rule#REV_4 REV-4}).
 *
 * @see "struct dma_buf_ops"
 */
public interface Exporter {
    /**
     * Whether this exporter may move its memory and so implements {@link #pin} and {@link #unpin}
     * ({@link Rule#BUF_10 BUF-10}). A dynamic exporter's static importers are pinned and mapped once at attach
     * ({@link Rule#ATT_5 ATT-5}, {@link Rule#PIN_4 PIN-4}).
     *
     * @return false unless overridden
     * @see "dma_buf_is_dynamic"
     */
    default boolean isDynamic() {
        return false;
    }

    /**
     * Checks that the attachment's device can reach the memory and that its constraints can be met
     * ({@link Rule#ATT_1 ATT-1}); may keep per-attachment state keyed by the attachment. Called without the lock held.
     * Whatever it throws, an Error included, the attach is undone and the buffer reference it took is dropped; the
     * throwable reaches the caller ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param attachment the new attachment, not yet visible to anyone else
     * @throws AttachRefusedException ({@link Rule#ATT_1 ATT-1}, {@link Rule#P2P_2 P2P-2}, {@link Rule#REV_3 REV-3}) to
     *     refuse; nothing is left behind
     * @see "dma_buf_ops.attach"
     */
    default void attach(Attachment attachment) {
    }

    /**
     * Drops per-attachment state. Called without the lock held, after every mapping of the attachment is gone. If it
     * throws, the attachment is detached and its reference dropped anyway; the throwable reaches the caller
     * ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param attachment the attachment being detached
     * @see "dma_buf_ops.detach"
     */
    default void detach(Attachment attachment) {
    }

    /**
     * Stops the memory from moving for as long as the attachment is pinned ({@link Rule#PIN_3 PIN-3}). Called with the
     * lock held; only for dynamic exporters.
     *
     * @param attachment the attachment to pin for
     * @throws PinRefusedException ({@link Rule#PIN_2 PIN-2}) to refuse
     * @see "dma_buf_ops.pin"
     */
    default void pin(Attachment attachment) {
        throw new UnsupportedFeatureException(Rule.PIN_2,
                "exporter " + getClass().getName() + " is not dynamic and does not pin");
    }

    /**
     * Lets the memory move again. Called with the lock held, once per successful pin ({@link Rule#PIN_6 PIN-6}). If it
     * throws during a detach or a system close, the pin is counted as dropped anyway and the throwable reaches the
     * caller ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param attachment the attachment to unpin for
     * @see "dma_buf_ops.unpin"
     */
    default void unpin(Attachment attachment) {
    }

    /**
     * Maps the whole buffer into the attachment's device's address space (mandatory). Called with the lock held.
     *
     * <p>The entries cover exactly the buffer's size in order ({@link Rule#MAP_2 MAP-2}), are page aligned
     * ({@link Rule#MAP_3 MAP-3}), honour the device's constraints ({@link Rule#MAP_4 MAP-4}) and are new for every call
     * ({@link Rule#MAP_5 MAP-5}); memory without CPU pages only for importers that allow peer-to-peer
     * ({@link Rule#P2P_1 P2P-1}). Build them with {@link Device#mapPages} or {@link Device#mapPeer}. The framework
     * wraps them into a {@link Mapping} whose CPU views it scopes ({@link Rule#MAP_12 MAP-12}). After an invalidation,
     * a fresh map succeeds for as long as the buffer is valid and returns the new location ({@link Rule#MOVE_6 MOVE-6},
     * a predictable exporter). The entries' memory stays valid until release ({@link Rule#SAFE_1 SAFE-1}); if map
     * throws, nothing is mapped and the throwable reaches the caller ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param attachment the attachment; its {@link Attachment#device()} is the target
     * @param direction the direction of the mapping
     * @return the entries; ownership passes to the framework until {@link #unmap}
     * @throws RevokedException ({@link Rule#REV_2 REV-2}) once the buffer is revoked
     * @see "dma_buf_ops.map_dma_buf"
     */
    List<SgEntry> map(Attachment attachment, Direction direction);

    /**
     * Removes a mapping made by {@link #map} (mandatory): exactly its translations ({@link Rule#DEV_9 DEV-9}). Called
     * with the lock held, once per mapping, by the importer's unmap or by the framework when it kills a mapping
     * ({@link Rule#MOVE_5 MOVE-5}). The mapping's CPU views are closed before this runs; if it throws, the mapping
     * stays dead, the other mappings of an invalidation are still killed, and the throwable reaches the caller
     * afterwards ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param attachment the attachment the mapping was made for
     * @param entries exactly the entries {@link #map} returned
     * @param direction the direction they were mapped with
     * @see "dma_buf_ops.unmap_dma_buf"
     */
    void unmap(Attachment attachment, List<SgEntry> entries, Direction direction);

    /**
     * Frees the memory (mandatory). Called exactly once ({@link Rule#BUF_2 BUF-2}), without the lock, after the last
     * handle is closed and the last attachment detached. Heap memory is returned here, and not before
     * ({@link Rule#HEAP_5 HEAP-5}; {@link Rule#SAFE_1 SAFE-1} for every exporter). If it throws, the buffer is released
     * anyway: a RuntimeException is logged, an Error propagates to whoever dropped the last reference
     * ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @see "dma_buf_ops.release"
     */
    void release();

    /**
     * Prepares CPU access and returns the buffer's CPU-visible memory in linear layout. Called without the lock held,
     * after the framework waited for the fences of the access ({@link Rule#CPU_2 CPU-2}).
     *
     * <p>The returned segment spans the whole buffer ({@code size()} bytes); the framework hands out only views of the
     * spans, scoped to the window ({@link Rule#CPU_3 CPU-3}, {@link Rule#CPU_4 CPU-4}). Coherent linear memory returns
     * its backing memory (zero copy, {@link Rule#CPU_10 CPU-10}); tiled or device memory returns a staging segment with
     * the spans' bytes filled in, and only those. Memory not from {@link DmaBufSystem#exporterArena()} is copied for
     * the window and written back at close through this segment ({@link Rule#SAFE_1 SAFE-1}). If begin throws, no
     * window opens; if the window cannot be made afterwards, {@link #endCpuAccess} is still called once
     * ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param access what the CPU will do
     * @param spans the bytes to make coherent, in increasing order; never empty
     * @return the CPU-visible memory of the buffer
     * @throws UnsupportedFeatureException ({@link Rule#CPU_12 CPU-12}) if the exporter has no CPU access; the default
     * @throws RevokedException ({@link Rule#REV_2 REV-2}) once the buffer is revoked
     * @see "dma_buf_ops.begin_cpu_access, dma_buf_ops.mmap"
     */
    default MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        throw new UnsupportedFeatureException(Rule.CPU_12,
                "exporter " + getClass().getName() + " does not offer CPU access");
    }

    /**
     * Ends CPU access begun by {@link #beginCpuAccess}: writes staged bytes back (retile, copy to device memory) for
     * the spans if the access wrote. Called without the lock held, once per begin, after the window's segments are
     * closed, so it may free what begin returned. If it throws, the window is closed anyway
     * ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param access what the CPU did
     * @param spans the spans passed to begin
     * @param view the segment begin returned
     * @see "dma_buf_ops.end_cpu_access"
     */
    default void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
    }

    /**
     * Maps the whole buffer for long-lived CPU use by the framework's vmap count ({@link Rule#CPU_14 CPU-14}). Called
     * with the lock held, on the first vmap only. The memory stays valid until release ({@link Rule#SAFE_1 SAFE-1}); if
     * it is refused (too short, already freed), {@link #vunmap} is called to pair this call and the vmap fails; if vmap
     * throws, nothing is counted.
     *
     * @return the buffer's memory, linear, {@code size()} bytes
     * @throws UnsupportedFeatureException ({@link Rule#CPU_14 CPU-14}) if not supported; the default
     * @see "dma_buf_ops.vmap"
     */
    default MemorySegment vmap() {
        throw new UnsupportedFeatureException(Rule.CPU_14, "exporter " + getClass().getName() + " does not vmap");
    }

    /**
     * Undoes {@link #vmap}. Called with the lock held, on the last vmap's close, after the framework's view is
     * closed, so it may free the memory. If it throws, the count is gone anyway ({@link Rule#SAFE_2 SAFE-2}).
     *
     * @param memory what vmap returned
     * @see "dma_buf_ops.vunmap"
     */
    default void vunmap(MemorySegment memory) {
    }
}
