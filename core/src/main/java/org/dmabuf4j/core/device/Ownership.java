package org.dmabuf4j.core.device;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.OwnershipPolicy;

/**
 * Who touches which bytes of one buffer right now: open CPU windows and device accesses in flight.
 *
 * <p>A CPU window and a device access to the same bytes at the same time conflict if either writes (CPU-11); two
 * device accesses conflict if both write and they are in different coherency domains (DEV-6). The CPU and coherent
 * devices form one domain; each non-coherent device is a domain of its own. Under THROW the claim that comes second
 * fails and nothing is registered; under RECORD it is reported and goes ahead; under OFF nothing is checked.
 *
 * <p>Windows are on the hot path: a window takes a free slot with one CAS and then reads the device claims once (one
 * volatile read, usually of an empty array). Device claims, rare and costly anyway, are published under a lock and
 * then scan the window slots. Each side publishes before it looks at the other, so of two racing claims at least one
 * sees the other (sequentially consistent CAS and volatile accesses). Every open window is registered, whatever the
 * policy: the registry also counts windows and finds the dirty ones for cache maintenance.
 */
public final class Ownership {
    /** Window slots: windows open at once beyond these go to a locked list. */
    public static final int SLOTS = 8;
    private static final DeviceClaim[] NONE = new DeviceClaim[0];
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(CpuClaim[].class);
    private static final VarHandle WINDOWS;

    static {
        try {
            WINDOWS = MethodHandles.lookup().findVarHandle(Ownership.class, "windows", CpuClaim[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Supplier<String> buffer;
    private final OwnershipSink sink;
    /**
     * The window slots, made at the first window (a buffer that is never CPU-accessed does not pay for them, issue
     * 15's footprint); elements are accessed through {@link #SLOT}.
     */
    @SuppressWarnings("unused") // accessed through WINDOWS
    private volatile CpuClaim[] windows;
    /** Windows beyond the slots, made at the first overflow; guarded by this. */
    private List<CpuClaim> overflow;
    /** The size of {@link #overflow}: read without the lock, so that looking at an empty overflow takes none. */
    private volatile int overflowCount;
    /** Device accesses in flight, copy-on-write under this. */
    private volatile DeviceClaim[] devices = NONE;
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

    // ---- CPU windows ------------------------------------------------------------------------------------------

    /**
     * Registers an open window and checks it against device accesses in flight.
     *
     * @param window the window
     * @return its slot, to pass to {@link #closeCpu}; -1 if it overflowed into the list
     * @throws OwnershipViolationException (CPU-11) under THROW if a device access covers the bytes; the window is
     *     not registered
     */
    public int openCpu(CpuClaim window) {
        CpuClaim[] w = slots();
        int slot = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (SLOT.get(w, i) == null && SLOT.compareAndSet(w, i, null, window)) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            synchronized (this) {
                if (overflow == null) {
                    overflow = new ArrayList<>();
                }
                overflow.add(window);
                overflowCount = overflow.size();
            }
        }
        DeviceClaim[] d = devices;
        if (d.length != 0) {
            OwnershipPolicy p = policy();
            if (p != OwnershipPolicy.OFF) {
                for (DeviceClaim e : d) {
                    OwnershipViolationException v = cpuVersusDevice(window, e);
                    if (v != null) {
                        if (p == OwnershipPolicy.THROW) {
                            closeCpu(window, slot);
                        }
                        report(v, p);
                        break;
                    }
                }
            }
        }
        return slot;
    }

    /**
     * Unregisters a window.
     *
     * @param window the window
     * @param slot what {@link #openCpu} returned
     */
    public void closeCpu(CpuClaim window, int slot) {
        if (slot >= 0) {
            // sequentially consistent: the buffer's last drop and this window's close each write, then look at the
            // other (the window holds the buffer by its slot)
            SLOT.setVolatile((CpuClaim[]) WINDOWS.getAcquire(this), slot, null);
        } else {
            synchronized (this) {
                overflow.remove(window);
                overflowCount = overflow.size();
            }
        }
    }

    /** The slot array, made by the first window: one CAS decides which array every window uses. */
    private CpuClaim[] slots() {
        CpuClaim[] w = (CpuClaim[]) WINDOWS.getAcquire(this);
        if (w == null) {
            CpuClaim[] made = new CpuClaim[SLOTS];
            w = WINDOWS.compareAndSet(this, null, made) ? made : (CpuClaim[]) WINDOWS.getAcquire(this);
        }
        return w;
    }

    /**
     * The window in slot {@code i}, or null: for scans that must not allocate (cache maintenance on the window path).
     *
     * @param i 0 to {@link #SLOTS} - 1
     * @return the window, or null
     */
    public CpuClaim windowAt(int i) {
        CpuClaim[] w = (CpuClaim[]) WINDOWS.getAcquire(this);
        return w == null ? null : (CpuClaim) SLOT.getVolatile(w, i);
    }

    /**
     * The windows beyond the slots: a copy, or an empty list without taking the lock when there are none.
     *
     * @return the windows in the overflow list
     */
    public List<CpuClaim> overflowWindows() {
        if (overflowCount == 0) {
            return List.of();
        }
        synchronized (this) {
            return overflow == null ? List.of() : List.copyOf(overflow);
        }
    }

    /**
     * Runs {@code action} for every open window.
     *
     * @param action what to do
     */
    public void forEachWindow(Consumer<CpuClaim> action) {
        for (int i = 0; i < SLOTS; i++) {
            CpuClaim c = windowAt(i);
            if (c != null) {
                action.accept(c);
            }
        }
        overflowWindows().forEach(action);
    }

    /**
     * The number of open windows.
     *
     * @return the count
     */
    public int openWindows() {
        int n = overflowCount;
        CpuClaim[] w = (CpuClaim[]) WINDOWS.getAcquire(this);
        if (w != null) {
            for (int i = 0; i < SLOTS; i++) {
                if (SLOT.getVolatile(w, i) != null) {
                    n++;
                }
            }
        }
        return n;
    }

    // ---- devices ------------------------------------------------------------------------------------------------

    /**
     * Claims bytes for a device access.
     *
     * @param device the device
     * @param offset the first buffer byte
     * @param length the bytes
     * @param write whether the device writes
     * @return the claim to release when the access ends, or null if not tracked
     * @throws OwnershipViolationException (CPU-11, DEV-6) under THROW on a conflict; nothing is claimed
     */
    DeviceClaim claimDevice(SimulatedDeviceImpl device, long offset, long length, boolean write) {
        OwnershipPolicy p = policy();
        if (p == OwnershipPolicy.OFF) {
            return null;
        }
        DeviceClaim c = new DeviceClaim(device, device.isCoherent() ? null : device, new Span(offset, length), write);
        String who = "a DMA " + (write ? "write" : "read") + " of device '" + device.name() + "'";
        OwnershipViolationException v = null;
        synchronized (this) {
            DeviceClaim[] d = devices;
            for (DeviceClaim e : d) {
                v = deviceVersusDevice(c, e, who);
                if (v != null) {
                    break;
                }
            }
            if (v == null || p == OwnershipPolicy.RECORD) {
                DeviceClaim[] grown = java.util.Arrays.copyOf(d, d.length + 1);
                grown[d.length] = c;
                devices = grown;
            }
        }
        if (v == null) {
            CpuClaim[] hit = {null};
            forEachWindow(w -> {
                if (hit[0] == null && cpuVersusDevice(w, c) != null) {
                    hit[0] = w;
                }
            });
            if (hit[0] != null) {
                v = cpuVersusDevice(hit[0], c);
                if (p == OwnershipPolicy.THROW) {
                    release(c);
                }
            }
        }
        if (v != null) {
            report(v, p);
            return p == OwnershipPolicy.RECORD ? c : null;
        }
        return c;
    }

    /**
     * Ends a device claim.
     *
     * @param claim a claim from this tracker, or null (untracked)
     */
    void release(DeviceClaim claim) {
        if (claim == null) {
            return;
        }
        synchronized (this) {
            DeviceClaim[] d = devices;
            for (int i = 0; i < d.length; i++) {
                if (d[i] == claim) {
                    DeviceClaim[] shrunk = new DeviceClaim[d.length - 1];
                    System.arraycopy(d, 0, shrunk, 0, i);
                    System.arraycopy(d, i + 1, shrunk, i, d.length - i - 1);
                    devices = shrunk.length == 0 ? NONE : shrunk;
                    return;
                }
            }
        }
    }

    /**
     * The number of open claims (windows and device accesses), for leak checks.
     *
     * @return the count
     */
    public int openClaims() {
        return openWindows() + devices.length;
    }

    // ---- conflicts ----------------------------------------------------------------------------------------------

    private void report(OwnershipViolationException v, OwnershipPolicy p) {
        boolean record = p == OwnershipPolicy.RECORD;
        sink.violation(v, record);
        if (!record) {
            throw v;
        }
    }

    private static String cpuWho(CpuClaim w) {
        return "a CPU " + (w.claimWrites() ? "write" : "read") + " window of thread '" + w.claimThread().getName()
                + "' " + w.claimDescription();
    }

    /** The CPU-11 violation of a window and a device access, or null; the message (naming the window's segments,
     *  claimDescription) is built only for a violation: the check runs for every window at every device access. */
    private OwnershipViolationException cpuVersusDevice(CpuClaim w, DeviceClaim d) {
        if (!w.claimWrites() && !d.write) {
            return null;
        }
        Span overlap = overlap(w.spans(), d.span);
        if (overlap == null) {
            return null;
        }
        return new OwnershipViolationException(Rule.CPU_11, cpuWho(w) + " and a DMA " + (d.write ? "write" : "read")
                + " of device '" + d.device.name() + "' touch bytes [" + overlap.offset() + ", " + overlap.end()
                + ") of " + buffer.get() + " at the same time. Close the CPU window before device work starts, and"
                + " begin CPU access only after the device's work is done (its fence signaled)");
    }

    private OwnershipViolationException deviceVersusDevice(DeviceClaim n, DeviceClaim e, String who) {
        if (!n.write || !e.write || n.domain == e.domain || !n.span.overlaps(e.span)) {
            return null;
        }
        long start = Math.max(n.span.offset(), e.span.offset());
        long end = Math.min(n.span.end(), e.span.end());
        return new OwnershipViolationException(Rule.DEV_6, who + " and a DMA write of device '" + e.device.name()
                + "' write bytes [" + start + ", " + end + ") of " + buffer.get() + " at the same time from different"
                + " coherency domains. Order the two devices' work with fences so that one finishes before the other"
                + " starts");
    }

    private static Span overlap(List<Span> spans, Span s) {
        for (int i = 0, n = spans.size(); i < n; i++) {
            Span x = spans.get(i);
            if (x.overlaps(s)) {
                long start = Math.max(x.offset(), s.offset());
                return new Span(start, Math.min(x.end(), s.end()) - start);
            }
        }
        return null;
    }

    /** A device access in flight: opaque outside this package. */
    static final class DeviceClaim {
        final SimulatedDeviceImpl device;
        /** The device for a non-coherent device, null for the coherent domain. */
        final Object domain;
        final Span span;
        final boolean write;

        DeviceClaim(SimulatedDeviceImpl device, Object domain, Span span, boolean write) {
            this.device = device;
            this.domain = domain;
            this.span = span;
            this.write = write;
        }
    }
}
