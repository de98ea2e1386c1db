package org.dmabuf4j.core.device;

import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.core.OwnershipPolicy;

/** Where ownership trackers get the global policy and report violations: the system. */
public interface OwnershipSink {
    /**
     * The global policy.
     *
     * @return the policy for buffers without their own
     */
    OwnershipPolicy globalPolicy();

    /**
     * Counts a violation, and keeps it if it is recorded rather than thrown.
     *
     * @param violation the violation
     * @param recorded true under RECORD (kept for {@code ownershipReports()}), false under THROW
     */
    void violation(OwnershipViolationException violation, boolean recorded);
}
