package org.dmabuf4j.core;

import org.dmabuf4j.api.Rule;

/**
 * What a {@link SimulatedSystem} does when the CPU and a device, or two writers in different coherency domains, touch
 * the same bytes of a buffer at the same time ({@link Rule#CPU_11 CPU-11}, {@link Rule#DEV_6 DEV-6}).
 *
 * <p>The policy is global ({@link DmaBufs#builder()}) and can be overridden per buffer
 * ({@link SimulatedSystem#setOwnershipPolicy}).
 */
public enum OwnershipPolicy {
    /**
     * The access that starts second fails with {@link org.dmabuf4j.api.OwnershipViolationException} and does nothing.
     * The default.
     */
    THROW,
    /** The violation is kept in {@link SimulatedSystem#ownershipReports()} and the access goes ahead. */
    RECORD,
    /** Ownership is not tracked (no cost on CPU access). */
    OFF
}
