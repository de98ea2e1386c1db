package org.dmabuf4j.core.buffer;

import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.OwnershipPolicy;
import org.dmabuf4j.core.SimulatedSystem;

/** The builder behind {@code DmaBufs.builder()}. */
public final class SystemBuilder implements SimulatedSystem.Builder {
    long contiguousPoolBytes = 64L << 20;
    long systemHeapCapacity = 4L << 30;
    OwnershipPolicy policy = OwnershipPolicy.THROW;
    boolean leakDetection = true;

    /** Creates a builder with the defaults. */
    public SystemBuilder() {
    }

    @Override
    public SimulatedSystem.Builder contiguousPoolBytes(long bytes) {
        contiguousPoolBytes = pages(bytes, Rule.HEAP_7, "contiguous pool");
        return this;
    }

    @Override
    public SimulatedSystem.Builder systemHeapCapacity(long bytes) {
        systemHeapCapacity = pages(bytes, Rule.HEAP_3, "system heap capacity");
        return this;
    }

    private static long pages(long bytes, Rule rule, String what) {
        if (bytes <= 0 || bytes % DmaConstraints.PAGE_SIZE != 0) {
            throw new RuleViolationException(rule, what + " of " + bytes + " bytes: must be a positive multiple of "
                    + DmaConstraints.PAGE_SIZE);
        }
        return bytes;
    }

    @Override
    public SimulatedSystem.Builder ownershipPolicy(OwnershipPolicy newPolicy) {
        if (newPolicy == null) {
            throw new RuleViolationException(Rule.CPU_11, "ownershipPolicy(null): pass THROW, RECORD or OFF");
        }
        policy = newPolicy;
        return this;
    }

    @Override
    public SimulatedSystem.Builder leakDetection(boolean enabled) {
        leakDetection = enabled;
        return this;
    }

    @Override
    public SimulatedSystem build() {
        return new SystemImpl(this);
    }
}
