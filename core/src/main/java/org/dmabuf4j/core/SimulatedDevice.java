package org.dmabuf4j.core;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.DmaConstraints;

/**
 * A simulated device: a name, its own IOMMU address space, {@link DmaConstraints}, a coherency domain and a
 * peer-to-peer capability (DESIGN §6).
 *
 * <p>Its DMA addresses are its own: distinct from every other device's and never native addresses (DEV-2). It reaches
 * memory only through translations its mappings installed (DEV-1); anything else is an
 * {@link org.dmabuf4j.api.IommuFaultException} naming the device, the address and the rule. A non-coherent device
 * gives the buffers attached to it a simulated CPU write-back cache, so skipped cache maintenance reads stale data
 * deterministically (CPU-9).
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
     * @param dmaAddress a device address of a mapping of this device that allows device reads (DEV-4)
     * @param dst where the bytes go; not null, not empty, writable
     * @throws org.dmabuf4j.api.IommuFaultException (DEV-1, DEV-4, DEV-5) if any byte is not translated for reading;
     *     nothing is read
     * @throws org.dmabuf4j.api.OwnershipViolationException (CPU-11) under the THROW policy, if a CPU write window
     *     covers the bytes; nothing is read
     * @throws org.dmabuf4j.api.ClosedException (ATT-7) if the device is closed
     */
    void dmaRead(long dmaAddress, MemorySegment dst);

    /**
     * The device writes memory through its IOMMU, synchronously: {@code src.byteSize()} bytes to {@code dmaAddress}.
     *
     * @param dmaAddress a device address of a mapping of this device that allows device writes (DEV-4)
     * @param src the bytes to write; not null, not empty
     * @throws org.dmabuf4j.api.IommuFaultException (DEV-1, DEV-4, DEV-5) if any byte is not translated for writing;
     *     nothing is written
     * @throws org.dmabuf4j.api.OwnershipViolationException (CPU-11, DEV-6) under the THROW policy, if a CPU window or
     *     a writer of another coherency domain covers the bytes; nothing is written
     * @throws org.dmabuf4j.api.ClosedException (ATT-7) if the device is closed
     */
    void dmaWrite(long dmaAddress, MemorySegment src);

    /**
     * A snapshot of the device's counters.
     *
     * @return the counters
     */
    DeviceCounters counters();

    /**
     * Unplugs the device: it refuses new attachments and mappings (ATT-7) and device access. Existing mappings can
     * still be unmapped and attachments detached. Idempotent.
     */
    @Override
    void close();

    /** Configures a new simulated device; {@link #build()} adds it to its system. */
    interface Builder {
        /**
         * Makes the device coherent: it snoops CPU caches (the default).
         *
         * @return this builder
         */
        Builder coherent();

        /**
         * Makes the device non-coherent: buffers attached to it get a simulated CPU write-back cache (CPU-9).
         *
         * @return this builder
         */
        Builder nonCoherent();

        /**
         * Sets what the device's DMA can address (default {@link DmaConstraints#NONE}).
         *
         * @param constraints the constraints; not null
         * @return this builder
         * @throws org.dmabuf4j.api.RuleViolationException (DEV-3) if null
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
         * Creates the device and adds it to the system.
         *
         * @return the device, open
         * @throws org.dmabuf4j.api.RuleViolationException (DEV-2) if the system already has a device of that name
         * @throws org.dmabuf4j.api.ClosedException (BUF-3) if the system is closed
         */
        SimulatedDevice build();
    }
}
