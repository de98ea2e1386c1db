package org.dmabuf4j.core;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.api.Rule;

/**
 * The reference {@link DmaBufSystem}: buffers in off-heap memory, the "system" and "contiguous" heaps, simulated
 * devices with IOMMUs, and its observability (bufinfo dump, counters, leak and ownership reports).
 *
 * <pre>
 *   try (SimulatedSystem sys = DmaBufs.newSystem()) {
 *       SimulatedDevice camera = sys.newDevice("camera").nonCoherent().build();
 *       try (DmaBuf frame = sys.systemHeap().allocate(BufferLayout.linear(640, 480, 4))) { ... }
 *   }
 * </pre>
 */
public interface SimulatedSystem extends DmaBufSystem {
    /**
     * Starts configuring a new device.
     *
     * @param name the device's name, unique in this system; not blank
     * @return a builder; {@link SimulatedDevice.Builder#build()} adds the device
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#DEV_2 DEV-2}) if the name is null or blank
     */
    SimulatedDevice.Builder newDevice(String name);

    /**
     * The devices of this system, in creation order, closed ones included.
     *
     * @return an immutable snapshot
     */
    List<SimulatedDevice> devices();

    /**
     * The contiguous heap: one region of a fixed-capacity pool per buffer ({@link Rule#HEAP_7 HEAP-7}).
     *
     * @return the heap named "contiguous"
     */
    DmaHeap contiguousHeap();

    /**
     * The tiled heap: images stored in tiles, CPU windows in linear pixels.
     *
     * @return the heap named "tiled"
     */
    TiledHeap tiledHeap();

    /**
     * The image allocator: formats and modifiers, multi-planar images, explicit-layout import, per-plane CPU access
     * and negotiation (FMT, NEG rules).
     *
     * @return the allocator of this system
     */
    SimulatedImages images();

    /**
     * Moves a buffer's memory on demand, as its exporter would under memory pressure: takes the buffer's reservation
     * lock (unless the calling thread holds it), notifies every dynamic importer ({@link Rule#MOVE_3 MOVE-3}), kills
     * every older mapping ({@link Rule#MOVE_5 MOVE-5}), and copies the memory with a KERNEL-usage fence job
     * ({@link Rule#MOVE_8 MOVE-8}). Fresh maps return the new location ({@link Rule#MOVE_6 MOVE-6}). For tests, the
     * testkit and benchmarks.
     *
     * <p>Only buffers of dynamic core exporters move: those of a device's local memory
     * ({@link SimulatedDevice#localMemory()}). Such a buffer in system memory moves into its device's memory (evicting
     * least recently used unpinned buffers if needed) or, if that cannot make room, to other system pages; a buffer in
     * device memory moves to another place of it if there is room, else to system memory.
     *
     * @param buffer an open handle of a buffer of this system; not null
     * @return the KERNEL fence of the copy, also added to the buffer's reservation
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#MOVE_2 MOVE-2}) if an attachment pins the buffer;
     *     nothing moves
     * @throws org.dmabuf4j.api.UnsupportedFeatureException ({@link Rule#BUF_10 BUF-10}) if the buffer's exporter is
     *     static
     * @throws org.dmabuf4j.api.RevokedException ({@link Rule#REV_2 REV-2}) if the buffer is revoked
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the handle is closed
     */
    Fence move(DmaBuf buffer);

    /**
     * Revokes a buffer on behalf of its exporter ({@link Rule#REV_1 REV-1}), as
     * {@link org.dmabuf4j.api.ExportedBuffer#revoke}: new maps and CPU access fail, every dynamic importer is notified,
     * every fence (BOOKKEEP) is waited for, then every importer's unmap, within the timeout. Called without the
     * buffer's lock. Handles stay closable and the memory is released with the last one ({@link Rule#REV_2 REV-2}).
     *
     * @param buffer an open handle of a buffer of this system; not null
     * @param timeout the bound on the waits; positive
     * @throws org.dmabuf4j.api.DmaTimeoutException ({@link Rule#REV_4 REV-4}) if fences or importers did not finish in
     *     time, naming the importers that did not unmap; the buffer stays revoked
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the handle is closed
     */
    void revoke(DmaBuf buffer, Duration timeout);

    /**
     * Native bytes the system holds for live buffers, CPU caches of non-coherent buffers and staging, and the memory
     * of exporter arenas ({@link #exporterArena()}) until it is freed. Freed memory kept in heap pools for reuse is not
     * live ({@link HeapCounters#pooledBytes()}).
     *
     * @return the byte count; 0 once every buffer is released
     */
    long liveNativeBytes();

    /**
     * A snapshot of the counters.
     *
     * @return the counters
     */
    Counters counters();

    /**
     * Overrides the ownership policy for one buffer (all its handles).
     *
     * @param buffer an open handle of a buffer of this system; not null
     * @param policy the policy; not null
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#CPU_11 CPU-11}) if an argument is null or the buffer
     *     is not of this system
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the handle is closed
     */
    void setOwnershipPolicy(DmaBuf buffer, OwnershipPolicy policy);

    /**
     * The ownership violations recorded under the RECORD policy, oldest first.
     *
     * @return an immutable snapshot
     */
    List<OwnershipViolationException> ownershipReports();

    /**
     * The leaks reported so far: one report per handle ({@link Rule#BUF_8 BUF-8}), CPU window, mapping, vmap count,
     * attachment or acquire context ({@link Rule#SAFE_6 SAFE-6}) garbage-collected while open, each with the stack
     * trace of where it was opened and what the framework gave back.
     *
     * @return an immutable snapshot
     */
    List<String> leakReports();

    /** Configures a new system; see {@link DmaBufs#builder()}. */
    interface Builder {
        /**
         * Sets the capacity of the contiguous heap's pool (default 64 MiB). The pool is allocated on first use.
         *
         * @param bytes a positive multiple of the page size
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#HEAP_7 HEAP-7}) if not a positive multiple of
         *     the page size
         */
        Builder contiguousPoolBytes(long bytes);

        /**
         * Sets the most bytes the system heap may have allocated at once (default 4 GiB).
         *
         * @param bytes a positive multiple of the page size
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#HEAP_3 HEAP-3}) if not a positive multiple of
         *     the page size
         */
        Builder systemHeapCapacity(long bytes);

        /**
         * Sets the global ownership policy (default {@link OwnershipPolicy#THROW}).
         *
         * @param policy the policy; not null
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#CPU_11 CPU-11}) if null
         */
        Builder ownershipPolicy(OwnershipPolicy policy);

        /**
         * Sets whether handles, CPU windows, mappings, vmap counts, attachments and acquire contexts record where they
         * were opened, so that one garbage-collected while open is reported with that stack trace and given back
         * ({@link Rule#BUF_8 BUF-8}, {@link Rule#SAFE_6 SAFE-6}; default true), and a closing system names where its
         * open windows, attachments and mappings were opened. It costs one stack capture per open. Without it leaked
         * handles are still closed by the garbage collector, silently; a dropped CPU window keeps its buffer until the
         * system closes (its hot path then allocates nothing for leak tracking).
         *
         * @param enabled true to record creation sites and report leaks
         * @return this builder
         */
        Builder leakDetection(boolean enabled);

        /**
         * Creates the system.
         *
         * @return a new, open system
         */
        SimulatedSystem build();
    }
}
