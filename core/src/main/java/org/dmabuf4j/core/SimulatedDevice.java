package org.dmabuf4j.core;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Rule;

/**
 * A simulated device: a name, its own IOMMU address space, {@link DmaConstraints}, a coherency domain and a
 * peer-to-peer capability.
 *
 * <p>Its DMA addresses are its own: distinct from every other device's and never native addresses
 * ({@link Rule#DEV_2 DEV-2}). It reaches memory only through translations its mappings installed
 * ({@link Rule#DEV_1 DEV-1}); anything else is an {@link org.dmabuf4j.api.IommuFaultException} naming the device, the
 * address and the rule. A non-coherent device gives the buffers attached to it a simulated CPU write-back cache, so
 * skipped cache maintenance reads stale data deterministically ({@link Rule#CPU_9 CPU-9}).
 *
 * <pre>
 *   try (Attachment a = buf.attach(dev)) {
 *       Mapping m = a.mapUnlocked(Direction.FROM_DEVICE);
 *       dev.dmaWrite(m.dmaAddress(0), frame);       // the device writes the buffer through its IOMMU
 *       a.unmapUnlocked(m);
 *   }
 * </pre>
 */
public interface SimulatedDevice extends Device, AutoCloseable {
    /**
     * The device reads memory through its IOMMU, synchronously: {@code dst.byteSize()} bytes from {@code dmaAddress}.
     *
     * @param dmaAddress a device address of a mapping of this device that allows device reads
     *     ({@link Rule#DEV_4 DEV-4})
     * @param dst where the bytes go; not null, not empty, writable
     * @throws org.dmabuf4j.api.IommuFaultException ({@link Rule#DEV_1 DEV-1}, {@link Rule#DEV_4 DEV-4},
     *     {@link Rule#DEV_5 DEV-5}) if any byte is not translated for reading; nothing is read
     * @throws org.dmabuf4j.api.OwnershipViolationException ({@link Rule#CPU_11 CPU-11}) under the THROW policy, if a
     *     CPU write window covers the bytes; nothing is read
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#ATT_7 ATT-7}) if the device is closed
     */
    void dmaRead(long dmaAddress, MemorySegment dst);

    /**
     * The device writes memory through its IOMMU, synchronously: {@code src.byteSize()} bytes to {@code dmaAddress}.
     *
     * @param dmaAddress a device address of a mapping of this device that allows device writes
     *     ({@link Rule#DEV_4 DEV-4})
     * @param src the bytes to write; not null, not empty
     * @throws org.dmabuf4j.api.IommuFaultException ({@link Rule#DEV_1 DEV-1}, {@link Rule#DEV_4 DEV-4},
     *     {@link Rule#DEV_5 DEV-5}) if any byte is not translated for writing; nothing is written
     * @throws org.dmabuf4j.api.OwnershipViolationException ({@link Rule#CPU_11 CPU-11}, {@link Rule#DEV_6 DEV-6}) under
     *     the THROW policy, if a CPU window or a writer of another coherency domain covers the bytes; nothing is
     *     written
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#ATT_7 ATT-7}) if the device is closed
     */
    void dmaWrite(long dmaAddress, MemorySegment src);

    /**
     * The device's asynchronous DMA engines ({@link Rule#DEV_7 DEV-7}, {@link Rule#DEV_8 DEV-8}), as many as
     * {@link Builder#engines(int)} asked for. Their threads start on their first job and end when the device closes.
     *
     * @return an immutable list of at least one engine
     */
    List<DeviceEngine> engines();

    /**
     * The device's first engine.
     *
     * @return {@code engines().get(0)}
     */
    default DeviceEngine engine() {
        return engines().get(0);
    }

    /**
     * A snapshot of the device's counters.
     *
     * @return the counters
     */
    DeviceCounters counters();

    /**
     * The device's local memory ("VRAM") as a heap named {@code vram@<name>}, if it was built with
     * {@link Builder#localMemory(long)}.
     *
     * @return the heap
     * @throws org.dmabuf4j.api.UnsupportedFeatureException ({@link Rule#P2P_1 P2P-1}) if the device has no local memory
     */
    DeviceMemory localMemory();

    /**
     * Unplugs the device: it refuses new attachments and mappings ({@link Rule#ATT_7 ATT-7}) and device access.
     * Existing mappings can still be unmapped and attachments detached. Ends the engines: jobs still pending fail their
     * fences with a {@link org.dmabuf4j.api.ClosedException} ({@link Rule#DEV_7 DEV-7}), and their threads have ended
     * when this returns (unless it is called from a fence callback on an engine's own thread, which then ends right
     * after). The buffers of its local memory are revoked first ({@link Rule#REV_1 REV-1}); their memory is released
     * with their last handle. Idempotent.
     *
     * @throws org.dmabuf4j.api.DmaTimeoutException ({@link Rule#REV_4 REV-4}) if importers of its local memory did not
     *     unmap in time (the device is unplugged and the buffers revoked all the same)
     */
    @Override
    void close();

    /**
     * The (format, modifier) pairs the device supports for a usage, best first ({@link Rule#NEG_3 NEG-3}): what an
     * image attachment for that usage checks, and what the device's {@link #tranche} offers in a negotiation. By
     * default every catalogue format in LINEAR; set with {@link Builder#formats}.
     *
     * @param usage the usage; not null
     * @return the pairs
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_3 NEG-3}) if {@code usage} is null
     * @see "KMS IN_FORMATS; eglQueryDmaBufModifiersEXT; vkGetPhysicalDeviceFormatProperties2 with
     *     VkDrmFormatModifierPropertiesListEXT"
     */
    org.dmabuf4j.api.image.FormatSet formats(org.dmabuf4j.api.image.ImageUsage usage);

    /**
     * What the device needs of an image's layout beyond its format and modifier ({@link Rule#NEG_3 NEG-3}): pitch,
     * offset and height alignment. {@link org.dmabuf4j.api.image.LayoutConstraints#NONE} by default.
     *
     * @return the constraints
     */
    org.dmabuf4j.api.image.LayoutConstraints importConstraints();

    /**
     * The layout the device's driver uses when no modifier is given (INVALID, {@link Rule#NEG_2 NEG-2}): for its
     * implicit allocations and to interpret implicit imports. LINEAR by default.
     *
     * @return a known explicit modifier
     */
    org.dmabuf4j.api.image.FormatModifier implicitModifier();

    /**
     * The device's pairs for a usage as one negotiation tranche.
     *
     * @param usage the usage; not null
     * @return {@code new Tranche(this, usage, formats(usage))}
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_3 NEG-3}) if {@code usage} is null
     */
    default org.dmabuf4j.api.image.Tranche tranche(org.dmabuf4j.api.image.ImageUsage usage) {
        return new org.dmabuf4j.api.image.Tranche(this, usage, formats(usage));
    }

    /** Configures a new simulated device; {@link #build()} adds it to its system. */
    interface Builder {
        /**
         * Makes the device coherent: it snoops CPU caches (the default).
         *
         * @return this builder
         */
        Builder coherent();

        /**
         * Makes the device non-coherent: buffers attached to it get a simulated CPU write-back cache
         * ({@link Rule#CPU_9 CPU-9}).
         *
         * @return this builder
         */
        Builder nonCoherent();

        /**
         * Sets what the device's DMA can address (default {@link DmaConstraints#NONE}).
         *
         * @param constraints the constraints; not null
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#DEV_3 DEV-3}) if null
         */
        Builder constraints(DmaConstraints constraints);

        /**
         * Sets whether the device can reach other devices' memory directly (default false).
         *
         * @param capable true if peer-to-peer capable
         * @return this builder
         */
        Builder peerToPeer(boolean capable);

        /**
         * Gives the device local memory of a fixed capacity, exported as the heap {@link SimulatedDevice#localMemory()}
         * (default: none). The pool is allocated on first use.
         *
         * @param bytes a positive multiple of the page size
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#HEAP_3 HEAP-3}) if not a positive multiple of
         *     the page size
         */
        Builder localMemory(long bytes);

        /**
         * Sets how many asynchronous engines the device has (default 1), each with its own fence context.
         *
         * @param count from 1 to 64
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#DEV_8 DEV-8}) if out of range
         */
        Builder engines(int count);

        /**
         * Declares the (format, modifier) pairs the device supports for a usage, best first ({@link Rule#NEG_3 NEG-3}),
         * replacing the default (every catalogue format in LINEAR). A driver without explicit modifiers declares only
         * INVALID.
         *
         * @param usage the usage; not null
         * @param formats the pairs; not null ({@link org.dmabuf4j.api.image.FormatSet#EMPTY} for none)
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_3 NEG-3}) on a null argument
         */
        Builder formats(org.dmabuf4j.api.image.ImageUsage usage, org.dmabuf4j.api.image.FormatSet formats);

        /**
         * Declares what the device needs of a layout beyond format and modifier ({@link Rule#NEG_3 NEG-3}): pitch,
         * offset and height alignment (default none).
         *
         * @param constraints the constraints; not null
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_3 NEG-3}) if null
         */
        Builder importConstraints(org.dmabuf4j.api.image.LayoutConstraints constraints);

        /**
         * Sets the layout the device's driver uses for implicit (INVALID) images ({@link Rule#NEG_2 NEG-2}; default
         * LINEAR).
         *
         * @param modifier LINEAR or SIM_TILED (an implicit image describes only its colour planes); not null
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#NEG_2 NEG-2}) if null or not one of those
         */
        Builder implicitModifier(org.dmabuf4j.api.image.FormatModifier modifier);

        /**
         * Creates the device and adds it to the system.
         *
         * @return the device, open
         * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#DEV_2 DEV-2}) if the system already has a device
         *     of that name
         * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed
         */
        SimulatedDevice build();
    }
}
