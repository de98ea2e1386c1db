package org.dmabuf4j.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * The fixture of one fault-injection case: a fresh system with a non-coherent importing device ({@link #dev}), a
 * coherent device for read-backs and probes ({@link #probe}), a buffer of a {@link FaultyExporter} (or of a core heap)
 * filled with a known pattern, the resources the case opened (closed last-in first-out by {@link #cleanUp()}, with
 * the fault disarmed) and the checks the case adds for after the faulted operation.
 */
final class Rig implements AutoCloseable {
    static final long SIZE = 4 * 4096;

    final Injector inj;
    final SimulatedSystem sys;
    final SimulatedDevice dev;
    final SimulatedDevice probe;
    FaultyExporter exporter;
    ExportedBuffer exported;
    DmaBuf buf;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<String> checkNames = new ArrayList<>();
    private final List<BooleanSupplier> checks = new ArrayList<>();

    Rig(Injector inj) {
        this.inj = inj;
        this.sys = DmaBufs.builder().leakDetection(true).build();
        this.dev = sys.newDevice("importer").nonCoherent().build();
        this.probe = sys.newDevice("probe").build();
    }

    /** Starts the fault's countdown: the operation under test follows. */
    void arm() {
        inj.arm();
    }

    /**
     * Registers a resource to close at clean-up.
     *
     * @param <T> its type
     * @param r the resource
     * @return r
     */
    <T extends AutoCloseable> T track(T r) {
        resources.push(r);
        return r;
    }

    /**
     * Registers a check run after the operation; false means a lost callback, a pending point or stale state.
     *
     * @param what what the check asserts
     * @param ok the check
     */
    void expect(String what, BooleanSupplier ok) {
        checkNames.add(what);
        checks.add(ok);
    }

    /** The failed checks' names. */
    List<String> failedChecks() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            try {
                if (!checks.get(i).getAsBoolean()) {
                    out.add(checkNames.get(i));
                }
            } catch (RuntimeException e) {
                out.add(checkNames.get(i) + " (" + e + ")");
            }
        }
        return out;
    }

    /**
     * Exports a buffer of a new {@link FaultyExporter}.
     *
     * @param dynamic whether the exporter is dynamic
     * @return the handle
     */
    DmaBuf export(boolean dynamic) {
        exporter = new FaultyExporter(inj, dynamic, SIZE);
        exported = sys.export(ExportInfo.of("faulty", SIZE, exporter));
        buf = track(exported.handle());
        return buf;
    }

    /**
     * Uses a buffer of a core heap instead of an exporter of the suite's.
     *
     * @param b the handle
     * @return b
     */
    DmaBuf use(DmaBuf b) {
        buf = track(b);
        return b;
    }

    static byte pattern(long i) {
        return (byte) (i * 31 + 7);
    }

    /** Writes the pattern through a CPU window (before arming). */
    void writePattern() {
        try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
            MemorySegment s = w.segment();
            for (long i = 0; i < s.byteSize(); i++) {
                s.set(ValueLayout.JAVA_BYTE, i, pattern(i));
            }
        }
    }

    /**
     * Attaches to {@link #dev}, tracked.
     *
     * @param importer the importer, or null for a static attachment
     * @return the attachment
     */
    Attachment attach(FaultyImporter importer) {
        return track(importer == null ? buf.attach(dev) : buf.attach(dev, importer));
    }

    /**
     * Maps without the lock, tracked (cleaned up by an unmap).
     *
     * @param a the attachment
     * @param d the direction
     * @return the mapping
     */
    Mapping mapUnlocked(Attachment a, Direction d) {
        Mapping m = a.mapUnlocked(d);
        track(() -> a.unmapUnlocked(m));
        return m;
    }

    /**
     * Maps with the lock (taken and released here), tracked; a dynamic importer keeps it as its current mapping.
     *
     * @param a the attachment
     * @param importer its importer, or null
     * @param d the direction
     * @return the mapping
     */
    Mapping mapLocked(Attachment a, FaultyImporter importer, Direction d) {
        Reservation r = buf.reservation();
        r.lock();
        try {
            Mapping m = a.map(d);
            if (importer != null) {
                importer.current = m;
            }
            track(() -> {
                if (importer == null || importer.current == m) {
                    a.unmapUnlocked(m);
                }
            });
            return m;
        } finally {
            r.unlock();
        }
    }

    /**
     * Whether the buffer still holds the pattern, read through a CPU window and through a device (a second path), and
     * the buffer still attaches, maps and unmaps: null if so, else what is wrong.
     *
     * @return null or the problem
     */
    String stillWorks() {
        if (buf == null || !buf.isOpen() || buf.isRevoked()) {
            return null;
        }
        try (CpuAccess w = buf.beginCpuAccess(Access.READ)) {
            MemorySegment s = w.segment();
            for (long i = 0; i < s.byteSize(); i++) {
                if (s.get(ValueLayout.JAVA_BYTE, i) != pattern(i)) {
                    return "CPU read-back differs at byte " + i;
                }
            }
        }
        try (Attachment a = buf.attach(probe); Arena arena = Arena.ofConfined()) {
            Mapping m = a.mapUnlocked(Direction.TO_DEVICE);
            try {
                MemorySegment dst = arena.allocate(SIZE);
                probe.dmaRead(m.dmaAddress(0), dst);
                for (long i = 0; i < SIZE; i++) {
                    if (dst.get(ValueLayout.JAVA_BYTE, i) != pattern(i)) {
                        return "device read-back differs at byte " + i;
                    }
                }
            } finally {
                a.unmapUnlocked(m);
            }
        }
        return null;
    }

    /**
     * Closes every tracked resource, last first, ignoring what fails (a retry of an operation the fault interrupted).
     *
     * @return the failures, for the report
     */
    List<String> cleanUp() {
        inj.disarm();
        List<String> failures = new ArrayList<>();
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Throwable t) {
                failures.add(t.toString());
            }
        }
        return failures;
    }

    /**
     * The exporter's own books: what the framework must have balanced.
     *
     * @return one line per imbalance
     */
    List<String> exporterBooks() {
        List<String> out = new ArrayList<>();
        if (exporter == null || exported == null) {
            return out;
        }
        if (exporter.releases.get() != 1) {
            out.add("exporter released " + exporter.releases.get() + " times");
        }
        if (!exporter.freed()) {
            out.add("exporter memory not freed");
        }
        if (exporter.liveMappings() != 0) {
            out.add("exporter mappings not unmapped: " + exporter.liveMappings());
        }
        if (exporter.pins() != 0) {
            out.add("exporter pins left: " + exporter.pins());
        }
        if (exporter.attachments() != 0) {
            out.add("exporter attachments not detached: " + exporter.attachments());
        }
        return out;
    }

    @Override
    public void close() {
        sys.close();
    }
}
