package org.dmabuf4j.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;

/**
 * Factories and algorithms for fences: contexts, timelines, the signaled stub, arrays, chains, merges, sync files and
 * waits on several fences. Obtained from {@link DmaBufSystem#fences()}.
 *
 * @see "dma-fence.c, dma-fence-array.c, dma-fence-chain.c, dma-fence-unwrap.c, sync_file.c, sw_sync.c"
 */
public interface Fences {
    /**
     * Allocates a new fence context ({@link Rule#FENCE_6 FENCE-6}).
     *
     * @param driverName the driver name of its fences; not blank
     * @param timelineName the timeline name of its fences; not blank
     * @return the context
     * @see "dma_fence_context_alloc"
     */
    FenceContext newContext(String driverName, String timelineName);

    /**
     * Creates a software timeline (sw_sync), value 0.
     *
     * @param name the timeline's name; not blank
     * @return the timeline; close it to fail its pending points ({@link Rule#SYNC_3 SYNC-3})
     * @see "sw_sync: open"
     */
    Timeline newTimeline(String name);

    /**
     * The shared, already signaled fence (context 0).
     *
     * @return the stub
     * @see "dma_fence_get_stub"
     */
    Fence signaled();

    /**
     * A fence array over leaf fences ({@link Rule#FENCE_9 FENCE-9}), with a new context and seqno 1.
     *
     * @param fences the fences; not null, not empty, no containers
     * @return the array
     * @throws RuleViolationException ({@link Rule#FENCE_9 FENCE-9}) on an empty list or a container element
     * @see "dma_fence_array_create"
     */
    FenceArray array(List<? extends Fence> fences);

    /**
     * A new chain node ({@link Rule#FENCE_10 FENCE-10}) on top of {@code previous}.
     *
     * @param previous the previous node (a chain), a plain fence, or null to start a chain
     * @param fence the fence this node wraps; not null
     * @param seqno the node's seqno; later than the previous node's to stay on its context
     * @return the node
     * @see "dma_fence_chain_init"
     */
    FenceChain chain(Fence previous, Fence fence, long seqno);

    /**
     * Flattens containers to their leaf fences, in order (chains walked from the head, arrays expanded).
     *
     * @param fence a fence; not null
     * @return the leaves
     * @see "dma_fence_unwrap_for_each"
     */
    List<Fence> unwrap(Fence fence);

    /**
     * Merges fences ({@link Rule#FENCE_11 FENCE-11}): unwraps, drops signaled ones, keeps the later fence per context,
     * sorts by context.
     *
     * @param fences the fences; not null, elements not null
     * @return a signaled stub if nothing is left, the single fence if one is, else a new array
     * @see "dma_fence_unwrap_merge"
     */
    Fence merge(Collection<? extends Fence> fences);

    /**
     * Waits until any of {@code fences} signals ({@link Rule#FENCE_12 FENCE-12}).
     *
     * @param fences the fences; not null, not empty
     * @param timeout how long; zero polls; not negative
     * @return the index of a fence that signaled without error, or empty on timeout
     * @throws FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if the signaled fence found carries an error, which
     *     is its cause
     * @throws DmaInterruptedException ({@link Rule#FENCE_12 FENCE-12}) if interrupted while waiting; the interrupt
     *     status is restored
     * @throws RuleViolationException ({@link Rule#FENCE_12 FENCE-12}) on an empty list or a negative timeout
     * @see "dma_fence_wait_any_timeout"
     */
    OptionalInt awaitAny(List<? extends Fence> fences, Duration timeout);

    /**
     * Wraps a fence in a sync file.
     *
     * @param fence the fence (possibly an array); not null
     * @param name the sync file's name, or null for the kernel's default name
     * @return the sync file
     * @see "sync_file_create"
     */
    SyncFile syncFile(Fence fence, String name);
}
