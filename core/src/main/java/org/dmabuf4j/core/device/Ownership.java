package org.dmabuf4j.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.OwnershipPolicy;

/**
 * Who touches which bytes of one buffer right now (seed 000): open CPU windows and device accesses in flight.
 *
 * <p>A CPU window and a device access to the same bytes at the same time conflict if either writes (CPU-11); two
 * device accesses conflict if both write and they are in different coherency domains (DEV-6). The CPU and coherent
 * devices form one domain; each non-coherent device is a domain of its own. Under THROW the claim that comes second
 * fails and nothing is registered; under RECORD it is reported and goes ahead; under OFF nothing is tracked.
 */
public final class Ownership {
    /** The coherency domain of the CPU and of every coherent device. */
    private static final Object COHERENT_DOMAIN = new Object();

    private final Supplier<String> buffer;
    private final OwnershipSink sink;
    private final ArrayList<Claim> claims = new ArrayList<>(4);
    private volatile OwnershipPolicy override;

    /**
     * Creates the tracker of one buffer.
     *
     * @param buffer describes the buffer in messages
     * @param sink the system
     */
    public Ownership(Supplier<String> buffer, OwnershipSink sink) {
        this.buffer = buffer;
        this.sink = sink;
    }

    /**
     * The effective policy: the buffer's own, else the global one.
     *
     * @return the policy
     */
    public OwnershipPolicy policy() {
        OwnershipPolicy p = override;
        return p != null ? p : sink.globalPolicy();
    }

    /**
     * Sets the buffer's own policy.
     *
     * @param policy the policy; not null
     */
    public void setPolicy(OwnershipPolicy policy) {
        override = policy;
    }

    String describeBuffer() {
        return buffer.get();
    }

    /**
     * Claims bytes for a CPU window.
     *
     * @param spans the window's spans
     * @param write whether the window writes
     * @param thread the opening thread, for messages
     * @return the claim to release at close, or null if not tracked
     * @throws OwnershipViolationException (CPU-11) under THROW if a device access covers the bytes
     */
    public Claim claimCpu(List<Span> spans, boolean write, Thread thread) {
        if (policy() == OwnershipPolicy.OFF) {
            return null;
        }
        Claim c = new Claim(null, COHERENT_DOMAIN, spans, write);
        return register(c, "a CPU " + (write ? "write" : "read") + " window of thread '" + thread.getName() + "'");
    }

    /**
     * Claims bytes for a device access.
     *
     * @param device the device
     * @param offset the first buffer byte
     * @param length the bytes
     * @param write whether the device writes
     * @return the claim to release when the access ends, or null if not tracked
     * @throws OwnershipViolationException (CPU-11, DEV-6) under THROW on a conflict
     */
    Claim claimDevice(SimulatedDeviceImpl device, long offset, long length, boolean write) {
        if (policy() == OwnershipPolicy.OFF) {
            return null;
        }
        Object domain = device.isCoherent() ? COHERENT_DOMAIN : device;
        Claim c = new Claim(device, domain, List.of(new Span(offset, length)), write);
        return register(c, "a DMA " + (write ? "write" : "read") + " of device '" + device.name() + "'");
    }

    private Claim register(Claim c, String who) {
        OwnershipViolationException v = null;
        synchronized (this) {
            for (Claim e : claims) {
                v = conflict(c, who, e);
                if (v != null) {
                    break;
                }
            }
            if (v == null || policy() == OwnershipPolicy.RECORD) {
                claims.add(c);
            }
        }
        if (v != null) {
            boolean record = policy() == OwnershipPolicy.RECORD;
            sink.violation(v, record);
            if (!record) {
                throw v;
            }
        }
        return c;
    }

    private OwnershipViolationException conflict(Claim n, String who, Claim e) {
        Span overlap = overlap(n.spans, e.spans);
        if (overlap == null) {
            return null;
        }
        boolean nCpu = n.device == null;
        boolean eCpu = e.device == null;
        if (nCpu && eCpu) {
            return null;
        }
        String bytes = "bytes [" + overlap.offset() + ", " + overlap.end() + ") of " + buffer.get();
        if (nCpu || eCpu) {
            if (!n.write && !e.write) {
                return null;
            }
            return new OwnershipViolationException(Rule.CPU_11, who + " and " + describe(e) + " touch " + bytes
                    + " at the same time. Close the CPU window before device work starts, and begin CPU access only"
                    + " after the device's work is done (its fence signaled)");
        }
        if (!n.write || !e.write || n.domain == e.domain) {
            return null;
        }
        return new OwnershipViolationException(Rule.DEV_6, who + " and " + describe(e) + " write " + bytes
                + " at the same time from different coherency domains. Order the two devices' work with fences so"
                + " that one finishes before the other starts");
    }

    private static String describe(Claim e) {
        if (e.device == null) {
            return "an open CPU " + (e.write ? "write" : "read") + " window";
        }
        return "a DMA " + (e.write ? "write" : "read") + " of device '" + e.device.name() + "'";
    }

    private static Span overlap(List<Span> a, List<Span> b) {
        for (Span x : a) {
            for (Span y : b) {
                if (x.overlaps(y)) {
                    long start = Math.max(x.offset(), y.offset());
                    return new Span(start, Math.min(x.end(), y.end()) - start);
                }
            }
        }
        return null;
    }

    /**
     * Ends a claim.
     *
     * @param claim a claim from this tracker, or null (untracked)
     */
    public void release(Claim claim) {
        if (claim == null) {
            return;
        }
        synchronized (this) {
            for (int i = claims.size() - 1; i >= 0; i--) {
                if (claims.get(i) == claim) {
                    claims.remove(i);
                    return;
                }
            }
        }
    }

    /**
     * The number of open claims, for checks.
     *
     * @return the count
     */
    public synchronized int openClaims() {
        return claims.size();
    }

    /** One registered access: opaque outside this package. */
    public static final class Claim {
        private final SimulatedDeviceImpl device;
        private final Object domain;
        private final List<Span> spans;
        private final boolean write;

        Claim(SimulatedDeviceImpl device, Object domain, List<Span> spans, boolean write) {
            this.device = device;
            this.domain = domain;
            this.spans = spans;
            this.write = write;
        }
    }
}
