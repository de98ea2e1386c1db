package org.dmabuf4j.testkit;

import static org.dmabuf4j.testkit.internal.Verify.failure;
import static org.dmabuf4j.testkit.internal.Verify.that;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.NoCpuPageException;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncWaitFlag;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.internal.DeviceSpec;
import org.dmabuf4j.testkit.internal.Diagnose;
import org.dmabuf4j.testkit.internal.Dma;
import org.dmabuf4j.testkit.internal.Exported;
import org.dmabuf4j.testkit.internal.KitSession;
import org.dmabuf4j.testkit.internal.MoveFences;
import org.dmabuf4j.testkit.internal.Pattern;
import org.dmabuf4j.testkit.internal.RecordingImporter;
import org.dmabuf4j.testkit.internal.Threads;
import org.dmabuf4j.testkit.internal.Verify;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exporter conformance suite. Extend it, implement {@link #fixture()}, and run it with JUnit Jupiter:
 *
 * <pre>{@code
 * class MyExporterConformanceTest extends ExporterConformance {
 *     @Override
 *     protected ExporterFixture fixture() {
 *         return new MyExporterFixture();
 *     }
 * }
 * }</pre>
 *
 * <p>Tests are grouped by rule family. Each test's display name starts with the rule it checks
 * ({@code MAP-2: ...}) and every failure is a {@link ConformanceError} whose message starts with the rule ID and ends
 * with a hint. Each test runs in its own {@link org.dmabuf4j.core.SimulatedSystem}; after it, the kit closes what the
 * test opened and checks that nothing leaked: no live buffer ({@link Rule#BUF_2 BUF-2}), no IOMMU translation
 * ({@link Rule#DEV_9 DEV-9}), no held reservation lock, no pending fence ({@link Rule#FENCE_7 FENCE-7}), no open CPU
 * access, native memory back to where it was ({@link Rule#HEAP_5 HEAP-5}), no leak report.
 *
 * <p>Each failed test is also printed on the console by its display name with the first line of its message, each
 * skipped test with its reason, and the suite's counts after it ({@code -Ddmabuf4j.kit.console=false} turns that off).
 *
 * <p>Needs the JVM option {@code --enable-native-access} for the modules (or ALL-UNNAMED) that hold dmabuf4j core and
 * the exporter.
 */
public abstract class ExporterConformance {
    /** Ends each test with the leak checks and tags failures with their rule. */
    @RegisterExtension
    static final KitExtension KIT = new KitExtension();

    /** Prints failed and skipped tests by display name, with their messages and reasons, and the suite's counts. */
    @RegisterExtension
    static final KitReport REPORT = new KitReport();

    static final long PAGE = DmaConstraints.PAGE_SIZE;

    /** The hint when a fixture's move() throws for no rule of its own. */
    private static final String MOVE_STEPS = "that move() completes its steps without throwing: take the reservation"
            + " lock, return if ExportedBuffer.isPinned(), invalidateMappings(), copy, publish the copy as a KERNEL"
            + " fence, unlock";

    /** The running test's session; set before each test. */
    KitSession session;

    /** For subclasses. */
    protected ExporterConformance() {
    }

    /**
     * The exporter under test. Called once before each test.
     *
     * @return the fixture
     */
    protected abstract ExporterFixture fixture();

    /**
     * How long the kit waits for a fence the exporter published before calling it hung ({@link Rule#FENCE_7 FENCE-7}).
     *
     * @return 5 seconds by default
     */
    protected Duration fenceTimeout() {
        return Duration.ofSeconds(5);
    }

    /**
     * The campaign the suite's campaign test runs. Override to change its budget, for example
     * {@code Campaign.forExporter(fixture).runs(20).steps(200)}.
     *
     * @param fixture the fixture under test
     * @return the campaign; by default 4 runs of 60 steps with this suite's fence timeout
     */
    protected Campaign campaign(ExporterFixture fixture) {
        return Campaign.forExporter(fixture).fenceTimeout(fenceTimeout());
    }

    @BeforeEach
    final void openKitSession() {
        session = KitSession.open(fixture(), fenceTimeout());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private boolean has(ExporterFeature f) {
        return session.has(f);
    }

    private void require(ExporterFeature f, String why) {
        Assumptions.assumeTrue(has(f), () -> "fixture " + session.fixture().name() + " declares no " + f + ": " + why);
    }

    private long size(long wanted) {
        long max = session.fixture().maxSize() / PAGE * PAGE;
        return Math.max(PAGE, Math.min(wanted, max));
    }

    private List<Long> sizes() {
        Set<Long> s = new java.util.LinkedHashSet<>();
        for (long w : new long[] {PAGE, 3 * PAGE, 64 * 1024 + PAGE, (1L << 20) + 68 * 1024}) {
            s.add(size(w));
        }
        return List.copyOf(s);
    }

    private Exported export(long size) {
        return session.export(size);
    }

    private SimulatedDevice dev(DeviceSpec spec) {
        return session.device(spec);
    }

    private RecordingImporter importer() {
        return new RecordingImporter(session.recorder(), false);
    }

    private String name() {
        return "exporter of fixture " + session.fixture().name();
    }

    /** An attachment whose mappings are made per map call (not cached): dynamic iff the exporter is dynamic. */
    private Attachment uncached(Exported e, SimulatedDevice d) {
        return has(ExporterFeature.DYNAMIC_MOVE) ? session.attach(e.handle(), d, importer())
                : session.attach(e.handle(), d, null);
    }

    /** A static attachment, or null if the exporter refuses it (ATT-1, or PIN-2 for the implicit pin). */
    private Attachment staticOrNull(DmaBuf buffer, SimulatedDevice d) {
        try {
            return session.attach(buffer, d, null);
        } catch (AttachRefusedException refused) {
            return null;
        } catch (PinRefusedException refused) {
            that(has(ExporterFeature.PIN_REFUSAL), Rule.PIN_2, () -> "a static attach of buffer #" + buffer.id()
                    + " was refused by its implicit pin, but the fixture does not declare PIN_REFUSAL: "
                    + refused.getMessage(), "that Exporter.pin accepts pins, or declare PIN_REFUSAL");
            return null;
        }
    }

    private Mapping map(Attachment a, Direction dir) {
        Reservation r = a.buffer().reservation();
        List<FenceEntry> before = MoveFences.entries(r);
        Mapping m = Verify.succeeds(Rule.MAP_2, "mapUnlocked(" + dir + ") of buffer #" + a.buffer().id()
                + " for device '" + a.device().name() + "'", "that map() succeeds for an attached device",
                () -> session.map(a, dir));
        session.recorder().check();
        MoveFences.newOnesAreKernel(r, before, "a map for device '" + a.device().name() + "' (which may migrate"
                + " the buffer)", "buffer #" + a.buffer().id());
        awaitKernelFences(r, "buffer #" + a.buffer().id());
        return m;
    }

    /**
     * What a dynamic importer does after mapping and before device access: waits for the KERNEL fences (a migration
     * or move the map itself may have started). Fails on FENCE-7 if they do not signal in time.
     */
    private void awaitKernelFences(Reservation r, String what) {
        boolean done = Verify.succeeds(Rule.FENCE_7, "waiting for the KERNEL fences of " + what, "the exporter's "
                + "fences", () -> r.await(FenceUsage.KERNEL, session.fenceTimeout()));
        that(done, Rule.FENCE_7, () -> "KERNEL fences of " + what + " still pending after "
                + session.fenceTimeout().toMillis() + " ms: " + r.describe(), "that the copy of a move or migration "
                + "signals its fence in finite time (with an error if it fails)");
    }

    /**
     * A fence that did not signal while a waiter held the lock: FENCE-4 if it signals once the lock is free (its
     * signaling path waits for the lock), else FENCE-7 (it does not signal at all). Call without the lock.
     */
    private void signalsOnlyWithoutTheLock(Reservation r, String what, String when) {
        boolean later = Verify.succeeds(Rule.FENCE_7, "waiting for the KERNEL fences of " + what, "the exporter's"
                + " fences", () -> r.await(FenceUsage.KERNEL, session.fenceTimeout()));
        if (later) {
            throw failure(Rule.FENCE_4, "the move's fence of " + what + " did not signal " + when + ", and signaled"
                    + " once the lock was released", "most likely the code that signals the fence (the copy, or a"
                    + " callback on it) takes the reservation lock: a waiter may hold it, so signal without it");
        }
        throw failure(Rule.FENCE_7, "the move's fence of " + what + " did not signal " + when + ", nor within "
                + session.fenceTimeout().toMillis() + " ms after the lock was released: " + r.describe(), "most likely"
                + " the exporter never signals the fence of a move (a path that forgets it, or a copy that fails"
                + " without failing the fence): signal it when the copy is done, or fail it with an error");
    }

    private static void devWrite(SimulatedDevice d, List<SgEntry> entries, long offset, long length, int seed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(length);
            Pattern.fill(src, offset, seed);
            Dma.write(d, entries, offset, src);
        }
    }

    private static void devFill(SimulatedDevice d, List<SgEntry> entries, long length, byte value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(length);
            src.fill(value);
            Dma.write(d, entries, 0, src);
        }
    }

    private static long devMismatch(SimulatedDevice d, List<SgEntry> entries, long offset, long length, int seed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(length);
            Dma.read(d, entries, offset, dst);
            return Pattern.mismatch(dst, offset, seed);
        }
    }

    private static byte[] devReadAll(SimulatedDevice d, List<SgEntry> entries, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(length);
            Dma.read(d, entries, 0, dst);
            return dst.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Fails fast (FENCE-7) where beginCpuAccess would wait forever for a fence the exporter never signals. */
    private void awaitFencesBeforeCpu(DmaBuf b, Access access) {
        Reservation r = b.reservation();
        boolean idle = Verify.succeeds(Rule.FENCE_7, "waiting for the fences of buffer #" + b.id(), "that every"
                + " fence the exporter publishes signals, with an error if its work failed",
                () -> r.await(access.waitUsage(), session.fenceTimeout()));
        that(idle, Rule.FENCE_7, () -> "fences of buffer #" + b.id() + " still pending after "
                + session.fenceTimeout().toMillis() + " ms, so a CPU " + access + " window would wait forever: "
                + r.describe(), "that every fence the exporter publishes (the copy of a move) signals in finite time");
    }

    private void cpuWrite(DmaBuf b, int seed) {
        awaitFencesBeforeCpu(b, Access.WRITE);
        Verify.runs(Rule.CPU_12, "a CPU WRITE window on " + b.id(), "that beginCpuAccess returns the buffer's memory",
                () -> {
                    try (CpuAccess w = b.beginCpuAccess(Access.WRITE)) {
                        Pattern.fill(w.segment(), 0, seed);
                    }
                });
    }

    private long cpuMismatch(DmaBuf b, int seed) {
        awaitFencesBeforeCpu(b, Access.READ);
        return Verify.succeeds(Rule.CPU_12, "a CPU READ window on " + b.id(), "that beginCpuAccess returns the "
                + "buffer's memory", () -> {
                    try (CpuAccess w = b.beginCpuAccess(Access.READ)) {
                        return Pattern.mismatch(w.segment(), 0, seed);
                    }
                });
    }

    private byte[] cpuReadAll(DmaBuf b) {
        awaitFencesBeforeCpu(b, Access.READ);
        return Verify.succeeds(Rule.CPU_12, "a CPU READ window on " + b.id(), "that beginCpuAccess returns the "
                + "buffer's memory", () -> {
                    try (CpuAccess w = b.beginCpuAccess(Access.READ)) {
                        return w.segment().toArray(ValueLayout.JAVA_BYTE);
                    }
                });
    }

    /**
     * Makes the buffer hold pattern {@code seed} (in linear, CPU terms) as written by a device, after a CPU window
     * wrote {@code staleSeed}: any staging copy the exporter keeps is stale. For a tiled exporter the device writes
     * the tiled image of the pattern (taken from the exporter itself), since devices see the exporter's layout.
     */
    private void deviceWritesPattern(Exported e, SimulatedDevice d, Mapping m, int seed, int staleSeed) {
        if (has(ExporterFeature.TILED)) {
            cpuWrite(e.handle(), seed);
            byte[] tiled = devReadAll(d, entries(m), e.size());
            cpuWrite(e.handle(), staleSeed);
            Dma.write(d, entries(m), 0, MemorySegment.ofArray(tiled));
            return;
        }
        cpuWrite(e.handle(), staleSeed);
        devWrite(d, entries(m), 0, e.size(), seed);
    }

    /** The buffer's bytes in linear terms: as a device sees them, or through a CPU window for a tiled exporter. */
    private byte[] linearBytes(Exported e, SimulatedDevice d, Mapping m) {
        return has(ExporterFeature.TILED) ? cpuReadAll(e.handle()) : devReadAll(d, entries(m), e.size());
    }

    private long cpuMismatchRange(DmaBuf b, long off, long len, int seed) {
        awaitFencesBeforeCpu(b, Access.READ);
        return Verify.succeeds(Rule.CPU_12, "a CPU READ window on " + off + "+" + len + " of " + b.id(), "that"
                + " beginCpuAccess returns the buffer's memory", () -> {
                    try (CpuAccess w = b.beginCpuAccess(Access.READ, Region.range(off, len))) {
                        return Pattern.mismatch(w.segment(), off, seed);
                    }
                });
    }

    /**
     * Reads bytes through a CPU READ window and fails with the diagnosis of the first wrong byte: the fact seen and
     * its most likely cause in {@code situation}.
     */
    private void cpuExpect(Exported e, long offset, long length, int seed, Rule rule, String observed,
            String situation, String hintPrefix, int... earlier) {
        DmaBuf b = e.handle();
        awaitFencesBeforeCpu(b, Access.READ);
        Verify.runs(rule, "a CPU READ window on " + offset + "+" + length + " of " + e.what(), "that beginCpuAccess"
                + " returns the buffer's memory", () -> {
                    try (CpuAccess w = b.beginCpuAccess(Access.READ, Region.range(offset, length))) {
                        long bad = Pattern.mismatch(w.segment(), offset, seed);
                        if (bad >= 0) {
                            String[] why = Diagnose.explain(w.segment(), offset, bad, seed, situation, earlier);
                            throw failure(rule, observed + ": byte " + bad + " read in a CPU window is wrong: "
                                    + why[0], hintPrefix + why[1]);
                        }
                    }
                });
    }

    private void awaitKernelFences(Exported e, Rule rule) {
        awaitKernelFences(e.exported().reservation(), e.what());
    }

    private void move(Exported e, Rule rule, String hint) {
        Reservation r = e.exported().reservation();
        List<FenceEntry> before = MoveFences.entries(r);
        Verify.runs(rule, "fixture " + session.fixture().name() + ".move(" + e.what() + ")", hint,
                () -> session.fixture().move(e.exported()));
        MoveFences.newOnesAreKernel(r, before, "move()", e.what());
    }

    /**
     * Reads the whole of {@code length} bytes at {@code offset} through a device and fails with the diagnosis of the
     * first wrong byte: the fact seen and its most likely cause in {@code situation}.
     */
    private static void devExpect(SimulatedDevice d, List<SgEntry> entries, long offset, long length, int seed,
            Rule rule, String observed, String situation, String hintPrefix, int... earlier) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(length);
            Dma.read(d, entries, offset, dst);
            long bad = Pattern.mismatch(dst, offset, seed);
            if (bad >= 0) {
                String[] why = Diagnose.explain(dst, offset, bad, seed, situation, earlier);
                throw failure(rule, observed + ": byte " + bad + " read through device '" + d.name() + "' is wrong: "
                        + why[0], hintPrefix + why[1]);
            }
        }
    }

    private static boolean faults(SimulatedDevice d, SgEntry e) {
        try (Arena arena = Arena.ofConfined()) {
            d.dmaRead(e.dmaAddress(), arena.allocate(Math.min(e.length(), 64)));
            return false;
        } catch (IommuFaultException expected) {
            return true;
        }
    }

    private static List<SgEntry> entries(Mapping m) {
        return List.copyOf(m.entries());
    }

    // ---- BUF ------------------------------------------------------------------------------------------------------

    /** Export and release: what every exporter must get right. */
    @Nested
    @DisplayName("BUF: export and release")
    public class Export {
        /** For JUnit. */
        public Export() {
        }

        /** BUF-7: an export through the framework yields an open handle of the size asked for. */
        @Test
        @DisplayName("BUF-7: an export yields an open buffer of the requested size, a named exporter and one"
                + " reservation")
        public void anExportYieldsAnOpenBufferOfTheRequestedSize() {
            for (long s : sizes()) {
                Exported e = export(s);
                DmaBuf h = e.handle();
                that(h.isOpen(), Rule.BUF_7, () -> e.what() + ": the first handle is closed",
                        "that export() returns what system.export returned, without closing its handle");
                that(!h.exporterName().isBlank(), Rule.BUF_7, () -> e.what() + " has a blank exporter name",
                        "the exporterName of the ExportInfo");
                that(e.exported().handle() == h || e.exported().handle().id() == h.id(), Rule.BUF_7,
                        () -> "handle() of " + e.what() + " names another buffer",
                        "that export() returns the ExportedBuffer of this buffer");
                that(h.reservation() == e.exported().reservation(), Rule.BUF_7,
                        () -> e.what() + ": handle and exported buffer have different reservations",
                        "that export() returns the ExportedBuffer of this buffer");
                that(session.system().liveBufferIds().contains(h.id()), Rule.BUF_7,
                        () -> e.what() + " is not among the system's live buffers",
                        "that export() goes through system.export of the system it is given");
                h.close();
            }
        }

        /** {@link Rule#BUF_2 BUF-2}: release waits for the last handle and the last attachment, then runs once. */
        @Test
        @DisplayName("BUF-2: the buffer is released once, after the last handle and the last attachment")
        public void theBufferIsReleasedOnceAfterTheLastHandleAndAttachment() {
            Exported e = export(size(3 * PAGE));
            DmaBuf second = e.handle().share();
            session.onCleanup(second::close);
            Attachment a = uncached(e, dev(DeviceSpec.PLAIN));
            long id = e.handle().id();
            e.handle().close();
            second.close();
            that(session.system().liveBufferIds().contains(id), Rule.BUF_2, () -> e.what()
                    + " was released while still attached", "that the fixture does not close or release the buffer on"
                    + " its own");
            that(e.observer() == null || e.observer().releases() == 0, Rule.BUF_2, () -> "release of " + e.what()
                    + " ran while still attached", "the framework's reference counting");
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            devWrite(dev(DeviceSpec.PLAIN), entries(m), 0, PAGE, 7);
            that(devMismatch(dev(DeviceSpec.PLAIN), entries(m), 0, PAGE, 7) < 0, Rule.BUF_2,
                    () -> e.what() + " lost its memory once its handles were closed while still attached",
                    "that the exporter frees memory in release() only, not when a handle closes");
            if (!m.isCached()) {
                session.unmap(m);
            }
            a.close();
            that(!session.system().liveBufferIds().contains(id), Rule.BUF_2, () -> e.what()
                    + " is still live after its last handle and attachment were closed",
                    "that the fixture keeps no handle (share()) of its own");
            that(e.observer() == null || e.observer().releases() == 1, Rule.BUF_2, () -> "release of " + e.what()
                    + " ran " + e.observer().releases() + " times", "the framework's reference counting");
        }

        /** SAFE-1: the memory lives until release, also after the last detach while a handle is still open. */
        @Test
        @DisplayName("SAFE-1: the buffer's memory outlives its last detach while a handle is open: a new attachment"
                + " maps the same data")
        public void theMemoryOutlivesTheLastDetach() {
            long s = size(3 * PAGE);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Attachment a = uncached(e, d);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            devWrite(d, entries(m), 0, s, 151);
            if (!m.isCached()) {
                session.unmap(m);
            }
            a.close();
            Mapping again = map(uncached(e, d), Direction.BIDIRECTIONAL);
            devExpect(d, entries(again), 0, s, 151, Rule.SAFE_1, "after the last attachment of " + e.what()
                    + " detached (its handle still open), a new attachment does not see what was written before",
                    "after the last detach", "the buffer lives, and keeps its memory, until release(); ");
        }

        /** {@link Rule#BUF_10 BUF-10}: the exporter is dynamic exactly when the fixture says it moves. */
        @Test
        @DisplayName("BUF-10: the exporter is dynamic exactly when the fixture declares DYNAMIC_MOVE")
        public void theExporterIsDynamicExactlyWhenDeclared() {
            Exported e = export(size(3 * PAGE));
            Attachment a = session.attach(e.handle(), dev(DeviceSpec.PLAIN), importer());
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            if (has(ExporterFeature.DYNAMIC_MOVE)) {
                that(!m.isCached(), Rule.BUF_10, () -> "a dynamic importer of " + e.what() + " got a cached mapping:"
                        + " the framework treats the exporter as static although the fixture declares DYNAMIC_MOVE",
                        "that Exporter.isDynamic() returns true and pin/unpin are implemented");
            } else {
                that(m.isCached(), Rule.BUF_10, () -> "a dynamic importer of " + e.what() + " got an uncached "
                        + "mapping: the exporter is dynamic but the fixture does not declare DYNAMIC_MOVE",
                        "that the fixture declares DYNAMIC_MOVE and implements move(), or that isDynamic() is false");
            }
        }
    }

    // ---- MAP ------------------------------------------------------------------------------------------------------

    /** Mappings: coverage, alignment, constraints, freshness, exact unmap. */
    @Nested
    @DisplayName("MAP: mappings")
    public class Mappings {
        /** For JUnit. */
        public Mappings() {
        }

        /** {@link Rule#MAP_2 MAP-2}: entries cover the buffer exactly, in buffer order. */
        @Test
        @DisplayName("MAP-2: a mapping covers exactly size() bytes, in buffer order, on every device")
        public void aMappingCoversExactlyTheBufferInBufferOrder() {
            // the sizes up, then down: buffers released before give an exporter that reuses memory reused memory
            List<Long> order = new ArrayList<>(sizes());
            List<Long> down = new ArrayList<>(order);
            java.util.Collections.reverse(down);
            order.addAll(down);
            int seed = 11;
            for (long s : order) {
                int sd = seed++;
                Exported e = export(s);
                Attachment a0 = uncached(e, dev(DeviceSpec.PLAIN));
                Mapping m0 = map(a0, Direction.BIDIRECTIONAL);
                long total = m0.entries().stream().mapToLong(SgEntry::length).sum();
                that(total == s, Rule.MAP_2, () -> "the entries of a mapping of " + e.what() + " cover " + total
                        + " bytes", total > s ? "most likely map() maps more than the buffer (memory rounded up to"
                        + " the exporter's allocation granule): hand devices exactly size() bytes" : "most likely"
                        + " map() drops part of the buffer (the last chunk, or a partial one): cover every byte");
                devWrite(dev(DeviceSpec.PLAIN), entries(m0), 0, s, sd);
                Attachment a1 = uncached(e, dev(DeviceSpec.SECOND));
                Mapping m1 = map(a1, Direction.BIDIRECTIONAL);
                byte[] seen = devReadAll(dev(DeviceSpec.SECOND), entries(m1), s);
                long bad = Pattern.mismatch(MemorySegment.ofArray(seen), 0, sd);
                if (bad >= 0) {
                    String[] why = Diagnose.explain(MemorySegment.ofArray(seen), 0, bad, sd, "between two devices");
                    throw failure(Rule.MAP_2, "byte " + bad + " of " + e.what() + " written by device 'dev0' reads"
                            + " differently through device 'dev1': " + why[0], why[1]);
                }
                if (has(ExporterFeature.CPU_ACCESS)) {
                    byte[] cpu = cpuReadAll(e.handle());
                    long cpuBad = Pattern.mismatch(MemorySegment.ofArray(cpu), 0, sd);
                    if (cpuBad >= 0) {
                        String[] why = Diagnose.explain(MemorySegment.ofArray(cpu), 0, cpuBad, sd, "between a"
                                + " device and a CPU window");
                        throw failure(Rule.MAP_2, "byte " + cpuBad + " of " + e.what() + " written by device 'dev0'"
                                + " reads differently in a CPU window: " + why[0], why[1] + " (map() must list the"
                                + " memory in the order beginCpuAccess's linear view has it)");
                    }
                }
                if (!m0.isCached()) {
                    session.unmap(m0);
                }
                if (!m1.isCached()) {
                    session.unmap(m1);
                }
                a0.close();
                a1.close();
                e.handle().close();
            }
        }

        /** {@link Rule#MAP_3 MAP-3}: entries are page aligned. */
        @Test
        @DisplayName("MAP-3: every entry's address and length are multiples of the page size")
        public void everyEntryIsPageAligned() {
            for (long s : sizes()) {
                Exported e = export(s);
                for (DeviceSpec d : new DeviceSpec[] {DeviceSpec.PLAIN, DeviceSpec.NON_COHERENT}) {
                    Mapping m = map(uncached(e, dev(d)), Direction.TO_DEVICE);
                    for (SgEntry x : m.entries()) {
                        that(x.isPageAligned(), Rule.MAP_3, () -> "entry 0x" + Long.toHexString(x.dmaAddress()) + "+"
                                + x.length() + " of " + e.what() + " on '" + d.deviceName() + "' is not page aligned",
                                "that map() maps page-sized chunks with device.mapPages");
                    }
                }
                e.handle().close();
            }
        }

        /** {@link Rule#MAP_4 MAP-4}: entries honour the device's constraints. */
        @Test
        @DisplayName("MAP-4: every entry respects the device's DMA mask, maximum segment size and segment boundary")
        public void everyEntryRespectsTheDeviceConstraints() {
            long s = size((1L << 20) + 68 * 1024);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.CONSTRAINED);
            Attachment a;
            try {
                a = uncached(e, d);
            } catch (AttachRefusedException refused) {
                if (e.observer() != null) {
                    Reservation r = e.exported().reservation();
                    r.lock();
                    try {
                        that(e.exported().attachments().isEmpty(), Rule.ATT_1, () -> "a refused attach of " + e.what()
                                + " left an attachment behind", "that attach() throws before keeping any state");
                    } finally {
                        r.unlock();
                    }
                }
                return;
            }
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            for (SgEntry x : m.entries()) {
                that(DeviceSpec.TIGHT.admits(x.dmaAddress(), x.length()), Rule.MAP_4, () -> "entry 0x"
                        + Long.toHexString(x.dmaAddress()) + "+" + x.length() + " of " + e.what() + " breaks "
                        + DeviceSpec.TIGHT, "that map() returns the entries device.mapPages split for the device's"
                        + " constraints, without merging them");
            }
            devWrite(d, entries(m), 0, s, 13);
            Mapping plain = map(uncached(e, dev(DeviceSpec.PLAIN)), Direction.BIDIRECTIONAL);
            long bad = devMismatch(dev(DeviceSpec.PLAIN), entries(plain), 0, s, 13);
            that(bad < 0, Rule.MAP_4, () -> "byte " + bad + " written through the constrained device reads "
                    + "differently elsewhere", "that the split entries still address the buffer in order");
        }

        /** MAP-4: segment boundaries hold for buffers of odd sizes mapped at odd device addresses. */
        @Test
        @DisplayName("MAP-4: entries never cross a segment boundary, for buffers of odd sizes mapped next to each"
                + " other, on devices with large and small boundaries")
        public void entriesNeverCrossASegmentBoundary() {
            for (DeviceSpec spec : new DeviceSpec[] {DeviceSpec.CONSTRAINED, DeviceSpec.NARROW}) {
                SimulatedDevice d = dev(spec);
                DmaConstraints c = d.constraints();
                for (long pages : new long[] {1, 3, 17, 5, 67}) {
                    long s = size(pages * PAGE);
                    Exported e = export(s);
                    Attachment a;
                    try {
                        a = uncached(e, d);
                    } catch (AttachRefusedException refused) {
                        continue;
                    }
                    Mapping m = map(a, Direction.BIDIRECTIONAL);
                    for (SgEntry x : m.entries()) {
                        long first = x.dmaAddress() / c.segmentBoundary();
                        long last = (x.dmaAddress() + x.length() - 1) / c.segmentBoundary();
                        that(c.admits(x.dmaAddress(), x.length()), Rule.MAP_4, () -> "entry 0x"
                                + Long.toHexString(x.dmaAddress()) + "+" + x.length() + " of " + e.what() + " on '"
                                + d.name() + "' breaks " + c + (first != last ? ": it crosses a segment boundary"
                                : x.length() > c.maxSegmentSize() ? ": it is longer than the maximum segment" : ""),
                                first != last ? "most likely map() merges or re-splits entries by the maximum segment"
                                + " size only: return the entries device.mapPages split, which honour the boundary"
                                : "that map() returns the entries device.mapPages split, unmerged");
                    }
                    devWrite(d, entries(m), 0, s, 139);
                    long bad = devMismatch(d, entries(m), 0, s, 139);
                    that(bad < 0, Rule.MAP_4, () -> "byte " + bad + " written through '" + d.name() + "' reads back"
                            + " differently", "that the split entries still address the buffer in order");
                }
            }
        }

        /** {@link Rule#MAP_5 MAP-5}: every map call returns new entries. */
        @Test
        @DisplayName("MAP-5: each map call returns a new mapping with its own entries, independent of the others")
        public void eachMapReturnsANewMapping() {
            Exported e = export(size(64 * 1024 + PAGE));
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Attachment a = uncached(e, d);
            Mapping m1 = map(a, Direction.BIDIRECTIONAL);
            Assumptions.assumeFalse(m1.isCached(), "the attachment's mapping is cached by the framework (ATT-5)");
            Mapping m2 = map(a, Direction.BIDIRECTIONAL);
            List<SgEntry> e1 = entries(m1);
            List<SgEntry> e2 = entries(m2);
            for (SgEntry x : e1) {
                for (SgEntry y : e2) {
                    that(x.dmaAddress() >= y.dmaAddress() + y.length() || y.dmaAddress() >= x.dmaAddress() + x.length(),
                            Rule.MAP_5, () -> "two live mappings of " + e.what() + " share device addresses (0x"
                            + Long.toHexString(x.dmaAddress()) + ")", "that map() calls device.mapPages on every call"
                            + " instead of returning entries it handed out before");
                }
            }
            session.unmap(m1);
            that(m2.isValid(), Rule.MAP_5, () -> "unmapping one mapping of " + e.what() + " killed another",
                    "that map() returns new entries every time");
            for (SgEntry y : e2) {
                that(d.isMapped(y.dmaAddress(), y.length()), Rule.MAP_5, () -> "unmapping one mapping of " + e.what()
                        + " removed the translations of another (0x" + Long.toHexString(y.dmaAddress()) + ")",
                        "that map() returns new entries every time and unmap() removes only its own");
            }
            devWrite(d, e2, 0, PAGE, 17);
            that(devMismatch(d, e2, 0, PAGE, 17) < 0, Rule.MAP_5, () -> "the surviving mapping of " + e.what()
                    + " no longer reaches the buffer", "that map() returns new entries every time");
        }

        /** {@link Rule#MAP_9 MAP-9}: entries are translated by the attachment's own device. */
        @Test
        @DisplayName("MAP-9: a mapping's entries are translated by the attachment's device")
        public void entriesAreTranslatedByTheAttachmentsDevice() {
            Exported e = export(size(3 * PAGE));
            for (DeviceSpec spec : new DeviceSpec[] {DeviceSpec.PLAIN, DeviceSpec.SECOND, DeviceSpec.NON_COHERENT}) {
                SimulatedDevice d = dev(spec);
                Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
                for (SgEntry x : m.entries()) {
                    that(d.isMapped(x.dmaAddress(), x.length()), Rule.MAP_9, () -> "entry 0x"
                            + Long.toHexString(x.dmaAddress()) + " of " + e.what() + " is not translated by device '"
                            + d.name() + "'", "that map() maps with attachment.device().mapPages, not another device");
                }
            }
        }

        /** {@link Rule#DEV_9 DEV-9}: unmap removes exactly the translations of the mapping. */
        @Test
        @DisplayName("DEV-9: unmap removes exactly the translations of its mapping, and release leaves none")
        public void unmapRemovesExactlyItsTranslations() {
            Exported e = export(size(64 * 1024 + PAGE));
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            long before = d.liveTranslations();
            Attachment a = uncached(e, d);
            Mapping m1 = map(a, Direction.TO_DEVICE);
            Assumptions.assumeFalse(m1.isCached(), "the attachment's mapping is cached by the framework (ATT-5)");
            Mapping m2 = map(a, Direction.FROM_DEVICE);
            List<SgEntry> e1 = entries(m1);
            List<SgEntry> e2 = entries(m2);
            session.unmap(m1);
            for (SgEntry x : e1) {
                that(!d.isMapped(x.dmaAddress(), x.length()), Rule.DEV_9, () -> "after unmap, device 'dev0' still"
                        + " translates 0x" + Long.toHexString(x.dmaAddress()) + " of " + e.what(), "that unmap()"
                        + " calls device.unmap(entries) with exactly the entries map() returned");
            }
            for (SgEntry x : e2) {
                that(d.isMapped(x.dmaAddress(), x.length()), Rule.DEV_9, () -> "unmap of one mapping of " + e.what()
                        + " removed 0x" + Long.toHexString(x.dmaAddress()) + " of another", "that unmap() removes only"
                        + " the translations of the entries it is given");
            }
            session.unmap(m2);
            a.close();
            e.handle().close();
            long after = d.liveTranslations();
            that(after == before, Rule.DEV_9, () -> "device 'dev0' holds " + after + " translations after release, "
                    + before + " before the export", "that unmap() and release() remove every translation map()"
                    + " installed");
        }

        /** {@link Rule#MAP_11 MAP-11}: after unmap, addresses fault and CPU views are closed. */
        @Test
        @DisplayName("MAP-11: after unmap a mapping's addresses fault and its CPU views are closed (or keep the"
                + " exporter's own scope, SAFE-1)")
        public void afterUnmapAddressesFaultAndViewsClose() {
            Exported e = export(size(3 * PAGE));
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Attachment a = uncached(e, d);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            Assumptions.assumeFalse(m.isCached(), "the attachment's mapping is cached by the framework (ATT-5)");
            Mapping other = map(a, Direction.BIDIRECTIONAL);
            SgEntry first = m.entries().getFirst();
            session.unmap(m);
            that(faults(d, first), Rule.MAP_11, () -> "device 'dev0' still reaches 0x"
                    + Long.toHexString(first.dmaAddress()) + " of " + e.what() + " after unmap",
                    "that unmap() calls device.unmap(entries) with every entry map() returned");
            if (first.hasCpuPage() && other.entries().getFirst().hasCpuPage()) {
                MemorySegment view = first.cpuSegment();
                MemorySegment.Scope otherScope = other.entries().getFirst().cpuSegment().scope();
                // memory the framework keeps gets views scoped to their mapping; other memory keeps the exporter's
                // own scope in every view (SAFE-1), so its views live as long as the memory, not the mapping
                that(!view.scope().isAlive() || view.scope().equals(otherScope), Rule.MAP_11, () -> "a CPU view of"
                        + " an unmapped entry of " + e.what() + " is still open, and it is scoped neither to its"
                        + " mapping nor to the exporter's memory", "the framework's view scoping (core.buffer"
                        + ".ViewScope): report it to dmabuf4j");
            }
        }
    }

    // ---- CPU ------------------------------------------------------------------------------------------------------

    /** CPU access: refusal or coherent windows that expose exactly their region. */
    @Nested
    @DisplayName("CPU: CPU access")
    public class Cpu {
        /** For JUnit. */
        public Cpu() {
        }

        /** {@link Rule#CPU_12 CPU-12}: CPU access works when declared and is refused cleanly otherwise. */
        @Test
        @DisplayName("CPU-12: CPU access works when declared, and is refused cleanly with nothing opened otherwise")
        public void cpuAccessWorksOrIsRefusedCleanly() {
            Exported e = export(size(3 * PAGE));
            if (has(ExporterFeature.CPU_ACCESS)) {
                cpuWrite(e.handle(), 19);
                cpuExpect(e, 0, e.size(), 19, Rule.CPU_12, "what a CPU WRITE window wrote into " + e.what()
                        + " is not there in the next window", "between two CPU windows", "a window's bytes must reach"
                        + " the buffer's memory at close (endCpuAccess writes staged bytes back, and a window is never"
                        + " served from a scratch copy that is dropped); ");
                return;
            }
            Verify.refuses(UnsupportedFeatureException.class, Rule.CPU_12, Rule.CPU_12, "beginCpuAccess(READ) of "
                    + e.what(), "that the exporter keeps Exporter.beginCpuAccess's default, or throws"
                    + " UnsupportedFeatureException(CPU_12) before opening anything, or declare CPU_ACCESS",
                    () -> e.handle().beginCpuAccess(Access.READ).close());
            that(!e.exported().reservation().isLocked(), Rule.CPU_12, () -> "a refused CPU access left the lock of "
                    + e.what() + " held", "that beginCpuAccess refuses before taking anything");
            that(e.observer() == null || e.observer().openCpuAccesses() == 0, Rule.CPU_12, () -> "a refused CPU"
                    + " access of " + e.what() + " was counted as begun", "the framework's bookkeeping");
            Mapping m = map(uncached(e, dev(DeviceSpec.PLAIN)), Direction.BIDIRECTIONAL);
            devWrite(dev(DeviceSpec.PLAIN), entries(m), 0, PAGE, 19);
            that(devMismatch(dev(DeviceSpec.PLAIN), entries(m), 0, PAGE, 19) < 0, Rule.CPU_12, () -> e.what()
                    + " is unusable after a refused CPU access", "that a refusal changes nothing");
        }

        /** {@link Rule#MAP_2 MAP-2}: CPU windows and devices see the same bytes at the same offsets. */
        @Test
        @DisplayName("MAP-2: CPU windows and devices see the same bytes at the same offsets")
        public void cpuWindowsAndDevicesSeeTheSameBytes() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window to compare (CPU-12 checks the refusal)");
            for (long s : sizes()) {
                Exported e = export(s);
                SimulatedDevice d = dev(DeviceSpec.PLAIN);
                Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
                cpuWrite(e.handle(), 23);
                devExpect(d, entries(m), 0, s, 23, Rule.MAP_2, "what a CPU window wrote into " + e.what() + " does"
                        + " not reach device 'dev0'", "from a CPU window to a device", "beginCpuAccess must return the"
                        + " memory map() maps, in the same order, and endCpuAccess write staged bytes back; ");
                devWrite(d, entries(m), 0, s, 29);
                cpuExpect(e, 0, s, 29, Rule.MAP_2, "what device 'dev0' wrote into " + e.what() + " does not reach a"
                        + " CPU window", "from a device to a CPU window", "beginCpuAccess must fill the window from"
                        + " the memory devices map, as it is now; ", 23);
                e.handle().close();
            }
        }

        /** CPU-9: with a non-coherent device, syncing makes both sides see each other's writes. */
        @Test
        @DisplayName("CPU-9: with a non-coherent device, CPU writes reach it after close and its writes reach the"
                + " CPU after begin")
        public void nonCoherentDevicesAndTheCpuSeeEachOthersWrites() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.NON_COHERENT);
            Attachment a = uncached(e, d);
            cpuWrite(e.handle(), 31);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            long bad = devMismatch(d, entries(m), 0, s, 31);
            if (bad >= 0) {
                staleOnNonCoherent(e, "what the CPU wrote into " + e.what() + " is stale for non-coherent device"
                        + " 'ncdev' (byte " + bad + ")", "that endCpuAccess writes staged bytes back to the memory"
                        + " devices map, and the framework cleans the CPU cache at close");
            }
            devWrite(d, entries(m), 0, s, 37);
            long cpuBad = cpuMismatch(e.handle(), 37);
            if (cpuBad >= 0) {
                staleOnNonCoherent(e, "what non-coherent device 'ncdev' wrote into " + e.what() + " is stale in a"
                        + " CPU window (byte " + cpuBad + ")", "that beginCpuAccess reads the memory devices map, and"
                        + " the framework invalidates the CPU cache at begin");
            }
        }

        /**
         * A stale byte between the CPU and a non-coherent device: CPU-9 if the same round trip works through a
         * coherent device (the cache maintenance is at fault), else MAP-2 (the exporter's CPU path is stale whatever
         * the coherency).
         */
        private void staleOnNonCoherent(Exported e, String observed, String hint) {
            long s = e.size();
            Exported fresh = export(s);
            SimulatedDevice plain = dev(DeviceSpec.PLAIN);
            Mapping m = map(uncached(fresh, plain), Direction.BIDIRECTIONAL);
            cpuWrite(fresh.handle(), 41);
            boolean toDevice = devMismatch(plain, entries(m), 0, s, 41) < 0;
            devWrite(plain, entries(m), 0, s, 43);
            boolean toCpu = cpuMismatch(fresh.handle(), 43) < 0;
            if (toDevice && toCpu) {
                throw failure(Rule.CPU_9, observed + "; the same round trip through a coherent device works", hint);
            }
            throw failure(Rule.MAP_2, observed + "; the same round trip through coherent device 'dev0' fails too, so"
                    + " coherency is not the cause", "most likely the exporter's CPU path (beginCpuAccess and"
                    + " endCpuAccess) does not read or write the memory devices map as it is now: a staging copy that"
                    + " is not refreshed at begin or not written back at close");
        }

        /** {@link Rule#CPU_3 CPU-3}: a range window changes only its range. */
        @Test
        @DisplayName("CPU-3: a range window writes back exactly its range and nothing around it")
        public void aRangeWindowWritesBackExactlyItsRange() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            long s = size(4 * PAGE);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
            devWrite(d, entries(m), 0, s, 41);
            long off = Math.min(PAGE + 100, s / 3);
            long len = Math.min(2 * PAGE - 7, s - off - 1);
            Verify.runs(Rule.CPU_3, "a CPU WRITE window on range " + off + "+" + len + " of " + e.what(),
                    "that beginCpuAccess/endCpuAccess handle spans", () -> {
                        try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE, Region.range(off, len))) {
                            that(w.segment().byteSize() == len, Rule.CPU_3, () -> "the window has "
                                    + w.segment().byteSize() + " bytes for a " + len + "-byte range", "the framework");
                            Pattern.fill(w.segment(), off, 43);
                        }
                    });
            byte[] all = devReadAll(d, entries(m), s);
            MemorySegment seg = MemorySegment.ofArray(all);
            for (long i = 0; i < s; i++) {
                boolean inside = i >= off && i < off + len;
                int want = inside ? 43 : 41;
                if (all[(int) i] != Pattern.at(want, i)) {
                    String[] why = Diagnose.explain(seg, 0, i, want, "after a range window", inside ? 41 : 43);
                    throw failure(Rule.CPU_3, "after a CPU WRITE window on bytes " + off + ".." + (off + len) + " of "
                            + e.what() + ", byte " + i + " (" + (inside ? "inside the range" : "outside the range")
                            + ") is wrong: " + why[0], inside ? "endCpuAccess must write back the window's bytes of"
                            + " each span at the span's offset; " + why[1] : outsideCause(seg, i, 41, 43));
                }
            }
        }

        /**
         * {@link Rule#CPU_3 CPU-3}: a 2-D window writes exactly its rectangle; without the feature a 2-D region is
         * refused.
         */
        @Test
        @DisplayName("CPU-3: a 2-D window exposes exactly its rectangle (without REGIONS_2D: refused, CPU-7)")
        public void aTwoDimensionalWindowExposesExactlyItsRectangle() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            if (!has(ExporterFeature.REGIONS_2D)) {
                Exported e = export(size(4 * PAGE));
                Verify.refuses(RuleViolationException.class, Rule.CPU_7, Rule.CPU_7, "a 2-D window on " + e.what()
                        + " without a layout", "the framework's region check", () -> e.handle().beginCpuAccess(
                        Access.READ, Region.rect(0, 0, 2, 2)).close());
                return;
            }
            BufferLayout layout = session.fixture().layout(64, 40, 4);
            long s = (layout.minimumSize() + PAGE - 1) / PAGE * PAGE;
            Assumptions.assumeTrue(s <= session.fixture().maxSize(), "a 64x40 image does not fit in maxSize()");
            Exported e = session.export(s, Optional.of(layout));
            that(e.handle().layout().equals(Optional.of(layout)), Rule.CPU_3, () -> e.what() + " has layout "
                    + e.handle().layout() + ", not the one it was exported with", "that export() passes the layout "
                    + "to ExportInfo");
            cpuWrite(e.handle(), 47);
            Region rect = Region.rect(5, 3, 17, 9);
            List<Span> spans = rect.spans(s, Optional.of(layout));
            Verify.runs(Rule.CPU_3, "a 2-D CPU WRITE window " + rect + " on " + e.what(), "that beginCpuAccess and "
                    + "endCpuAccess handle one span per row", () -> {
                        try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE, rect)) {
                            that(w.rowCount() == 9, Rule.CPU_3, () -> "the window has " + w.rowCount() + " rows",
                                    "the framework");
                            for (int r = 0; r < w.rowCount(); r++) {
                                that(w.row(r).byteSize() == 17 * 4, Rule.CPU_3, () -> "a row has the wrong size",
                                        "the framework");
                                Pattern.fill(w.row(r), spans.get(r).offset(), 53);
                            }
                        }
                    });
            byte[] all = cpuReadAll(e.handle());
            for (int i = 0; i < s; i++) {
                boolean inside = false;
                for (Span sp : spans) {
                    inside |= i >= sp.offset() && i < sp.end();
                }
                int want = inside ? 53 : 47;
                if (all[i] != Pattern.at(want, i)) {
                    String[] why = Diagnose.explain(MemorySegment.ofArray(all), 0, i, want, "after a 2-D window",
                            inside ? 47 : 53);
                    throw failure(Rule.CPU_3, "after a 2-D WRITE window " + rect + " on " + e.what() + ", byte " + i
                            + " (" + (inside ? "inside the rectangle" : "outside the rectangle") + ") is wrong: "
                            + why[0], inside ? "endCpuAccess must write back each row's bytes at the row's offset,"
                            + " converting between linear and the exporter's layout; " + why[1]
                            : outsideCause(MemorySegment.ofArray(all), i, 47, 53));
                }
            }
        }

        /**
         * The cause of a wrong byte outside a WRITE window's region: whatever it holds, the window's close wrote it
         * there, so endCpuAccess wrote back more than its spans, from a staging copy that held the fact seen.
         */
        private static String outsideCause(MemorySegment all, long at, int want, int written) {
            Diagnose.Found f = Diagnose.find(all, 0, at, want, written);
            String held = switch (f.fact()) {
                case ZEROS -> "zeros: a copy never filled for a write-only window";
                case EARLIER_WRITE -> "an earlier write: a copy not refreshed for a write-only window";
                case SHIFTED -> "data of other offsets: spans copied from the wrong place";
                default -> "bytes that are not the buffer's";
            };
            return "most likely endCpuAccess writes back more than the spans it was given (a bounding range, or its"
                    + " whole staging copy), and that copy held " + held + ": write back exactly the spans, or fill"
                    + " the whole copy from the buffer at begin";
        }

        private BufferLayout image() {
            return session.fixture().layout(64, 40, 4);
        }

        private Exported exportImage(BufferLayout layout) {
            long s = (layout.minimumSize() + PAGE - 1) / PAGE * PAGE;
            Assumptions.assumeTrue(s <= session.fixture().maxSize(), "a 64x40 image does not fit in maxSize()");
            return session.export(s, Optional.of(layout));
        }

        /** CPU-3: a 2-D WRITE window after a device write leaves everything outside its rows as the device wrote it. */
        @Test
        @DisplayName("CPU-3: after a device write, a 2-D WRITE window changes its rows only: the bytes between and"
                + " around them keep the device's data")
        public void aTwoDimensionalWriteWindowAfterADeviceWriteKeepsTheDevicesDataAround() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            require(ExporterFeature.REGIONS_2D, "there is no 2-D layout (CPU-7 checks the refusal)");
            BufferLayout layout = image();
            Exported e = exportImage(layout);
            long s = e.size();
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
            deviceWritesPattern(e, d, m, 89, 83);
            Region rect = Region.rect(7, 5, 19, 11);
            List<Span> spans = rect.spans(s, Optional.of(layout));
            Verify.runs(Rule.CPU_3, "a 2-D CPU WRITE window " + rect + " on " + e.what(), "beginCpuAccess and"
                    + " endCpuAccess of a write-only window", () -> {
                        try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE, rect)) {
                            for (int r = 0; r < w.rowCount(); r++) {
                                Pattern.fill(w.row(r), spans.get(r).offset(), 97);
                            }
                        }
                    });
            byte[] all = linearBytes(e, d, m);
            MemorySegment seg = MemorySegment.ofArray(all);
            for (int i = 0; i < s; i++) {
                boolean inside = false;
                for (Span sp : spans) {
                    inside |= i >= sp.offset() && i < sp.end();
                }
                int want = inside ? 97 : 89;
                if (all[i] != Pattern.at(want, i)) {
                    long at = i;
                    boolean in = inside;
                    String[] why = Diagnose.explain(seg, 0, at, want, "after a write-only window", 83, 89, 97);
                    throw failure(Rule.CPU_3, "after device 'dev0' wrote all of " + e.what() + " and a 2-D WRITE"
                            + " window " + rect + " was closed, byte " + at + " (" + (in ? "inside a row" : "outside"
                            + " the rows") + ") is wrong: " + why[0], in ? why[1] : "most likely endCpuAccess writes"
                            + " back more than the spans it was given (a bounding range, or the whole staging copy)"
                            + " and beginCpuAccess did not refresh that copy for a write-only window: write back"
                            + " exactly the spans, or fill them first; " + why[1]);
                }
            }
        }

        /** CPU-3: every row of a 2-D READ window, and every byte of a 1-D READ window, shows the device's data. */
        @Test
        @DisplayName("CPU-3: after a device write, every row of a 2-D READ window and every byte of a 1-D READ window"
                + " show what the device wrote")
        public void readWindowsShowWhatTheDeviceWroteInEveryRow() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            Exported e = has(ExporterFeature.REGIONS_2D) ? exportImage(image()) : export(size(4 * PAGE));
            long s = e.size();
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
            deviceWritesPattern(e, d, m, 103, 101);
            long off = Math.min(PAGE + 33, s / 3);
            long len = Math.min(2 * PAGE + 5, s - off - 1);
            awaitFencesBeforeCpu(e.handle(), Access.READ);
            Verify.runs(Rule.CPU_3, "a 1-D CPU READ window on " + off + "+" + len + " of " + e.what(), "beginCpuAccess"
                    + " of a range", () -> {
                        try (CpuAccess w = e.handle().beginCpuAccess(Access.READ, Region.range(off, len))) {
                            long bad = Pattern.mismatch(w.segment(), off, 103);
                            if (bad >= 0) {
                                String[] why = Diagnose.explain(w.segment(), off, bad, 103, "in a READ window", 101);
                                throw failure(Rule.CPU_3, "byte " + bad + " of a READ window on " + off + "+" + len
                                        + " of " + e.what() + " differs from what device 'dev0' wrote: " + why[0],
                                        why[1] + " (beginCpuAccess must fill every byte of the range it is given)");
                            }
                        }
                    });
            if (!has(ExporterFeature.REGIONS_2D)) {
                return;
            }
            Region rect = Region.rect(3, 2, 23, 13);
            List<Span> spans = rect.spans(s, e.handle().layout());
            Verify.runs(Rule.CPU_3, "a 2-D CPU READ window " + rect + " on " + e.what(), "beginCpuAccess of one span"
                    + " per row", () -> {
                        try (CpuAccess w = e.handle().beginCpuAccess(Access.READ, rect)) {
                            for (int r = 0; r < w.rowCount(); r++) {
                                long bad = Pattern.mismatch(w.row(r), spans.get(r).offset(), 103);
                                if (bad >= 0) {
                                    int row = r;
                                    String[] why = Diagnose.explain(w.row(r), spans.get(r).offset(), bad, 103,
                                            "in a READ window", 101);
                                    throw failure(Rule.CPU_3, "row " + row + " of " + w.rowCount() + " of a 2-D READ"
                                            + " window " + rect + " on " + e.what() + " differs at byte " + bad
                                            + " from what device 'dev0' wrote: " + why[0], (row > 0 ? "most likely"
                                            + " beginCpuAccess fills only the first span (row) of the staging copy:"
                                            + " fill every span it is given; " : "") + why[1]);
                                }
                            }
                        }
                    });
        }

        /** CPU-14: vmap is counted; after the last vunmap the devices see what was written through it. */
        @Test
        @DisplayName("CPU-14: vmap under the lock is counted (the exporter maps once) and after the last vunmap"
                + " devices see what was written through it")
        public void vmapIsCountedAndItsWritesReachTheDevices() {
            long s = size(3 * PAGE);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
            if (has(ExporterFeature.CPU_ACCESS)) {
                deviceWritesPattern(e, d, m, 107, 105);
            } else {
                devWrite(d, entries(m), 0, s, 107);
            }
            Reservation r = e.exported().reservation();
            r.lock();
            try {
                org.dmabuf4j.api.VMapping v1;
                try {
                    v1 = e.handle().vmap();
                } catch (UnsupportedFeatureException refused) {
                    that(refused.rule() == Rule.CPU_14, Rule.CPU_14, () -> "vmap of " + e.what() + " was refused"
                            + " with " + Verify.describe(refused), "that an exporter without vmap keeps"
                            + " Exporter.vmap's default (UnsupportedFeatureException, CPU-14)");
                    return;
                }
                org.dmabuf4j.api.VMapping v2 = e.handle().vmap();
                try {
                    long bad = Pattern.mismatch(v1.segment(), 0, 107);
                    if (bad >= 0) {
                        String[] why = Diagnose.explain(v1.segment(), 0, bad, 107, "in a vmap");
                        throw failure(Rule.CPU_14, "byte " + bad + " of a vmap of " + e.what() + " differs from what"
                                + " device 'dev0' wrote: " + why[0], why[1] + " (vmap must return the buffer's"
                                + " current bytes)");
                    }
                    Pattern.fill(v1.segment(), 0, 109);
                } finally {
                    v2.close();
                }
                if (e.observer() != null) {
                    that(e.observer().vmaps() == 1 && e.observer().vunmaps() == 0, Rule.CPU_14, () -> "two vmaps and"
                            + " one close of " + e.what() + " called the exporter's vmap " + e.observer().vmaps()
                            + " and vunmap " + e.observer().vunmaps() + " times", "the framework's vmap count");
                }
                v1.close();
            } finally {
                r.unlock();
            }
            long bad = Pattern.mismatch(MemorySegment.ofArray(linearBytes(e, d, m)), 0, 109);
            that(bad < 0, Rule.CPU_14, () -> "after the last vunmap of " + e.what() + ", byte " + bad + " written"
                    + " through the vmap does not reach device 'dev0'", "most likely vmap returns a copy that vunmap"
                    + " does not write back: write it back in vunmap, or return the buffer's memory");
        }

        /**
         * MAP-2: the first CPU window and the first map of a fresh buffer reach the same memory, whichever comes first
         * and when they start together. Rounds alternate: the window first (and still open when the map comes), the
         * map first, then both started together from a barrier. The orders catch an exporter that treats the two
         * first touches apart deterministically; the race catches an unlocked lazy allocation only when the two
         * threads overlap, which the scheduler decides.
         *
         * @throws Exception if interrupted
         */
        @Test
        @DisplayName("MAP-2: the first CPU window and the first map of a fresh buffer reach the same memory, whichever"
                + " comes first and when they race (first touch)")
        public void theFirstWindowAndTheFirstMapRaceToTheSameMemory() throws Exception {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window to race with");
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            long s = size(64 * 1024 + PAGE);
            for (int round = 0; round < 8; round++) {
                Exported e = export(s);
                Attachment a = uncached(e, d);
                int seed = 113 + round;
                String order = switch (round % 3) {
                    case 0 -> "the first CPU window, still open when the first map came";
                    case 1 -> "the first map, then the first CPU window";
                    default -> "the first CPU window and the first map, started together";
                };
                Mapping m;
                if (round % 3 == 0) {
                    awaitFencesBeforeCpu(e.handle(), Access.WRITE);
                    m = Verify.succeeds(Rule.MAP_2, "a first map of " + e.what() + " while its first CPU window is"
                            + " open", "that map() works while a CPU window is open", () -> {
                                try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE)) {
                                    Pattern.fill(w.segment(), 0, seed);
                                    return map(a, Direction.BIDIRECTIONAL);
                                }
                            });
                } else if (round % 3 == 1) {
                    m = map(a, Direction.BIDIRECTIONAL);
                    cpuWrite(e.handle(), seed);
                } else {
                    m = raceFirstTouch(e, a, seed);
                }
                awaitKernelFences(e, Rule.MAP_2);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment dst = arena.allocate(s);
                    Dma.read(d, entries(m), 0, dst);
                    long bad = Pattern.mismatch(dst, 0, seed);
                    int r = round;
                    if (bad >= 0) {
                        Diagnose.Fact fact = Diagnose.fact(dst, 0, bad, seed);
                        String[] why = Diagnose.explain(dst, 0, bad, seed, "when the first window and the first map"
                                + " met");
                        throw failure(Rule.MAP_2, "round " + (r + 1) + ", " + order + ": byte " + bad + " written"
                                + " in the window of fresh " + e.what() + " reads differently through device 'dev0': "
                                + why[0], fact == Diagnose.Fact.ZEROS ? "most likely the first"
                                + " CPU window and the first map got different memory: a window served from memory"
                                + " that is not the buffer's (a scratch copy for a buffer 'never written', dropped"
                                + " at close), or a lazy allocation done once per kind of first touch, or twice when"
                                + " both race without a lock: allocate once, under a lock, whichever touch comes first"
                                : why[1]);
                    }
                }
                if (!m.isCached()) {
                    session.unmap(m);
                }
                a.close();
                e.handle().close();
            }
        }

        private Mapping raceFirstTouch(Exported e, Attachment a, int seed) throws Exception {
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicReference<Throwable> cpuFailed = new AtomicReference<>();
            Thread cpu = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE)) {
                        Pattern.fill(w.segment(), 0, seed);
                    }
                } catch (Throwable t) {
                    cpuFailed.set(t);
                }
            }, "kit-first-touch-cpu");
            cpu.start();
            start.await(10, TimeUnit.SECONDS);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            cpu.join(session.fenceTimeout().toMillis() * 2);
            that(!cpu.isAlive(), Rule.MAP_2, () -> "the first CPU window of " + e.what() + " did not finish while"
                    + " its first map ran", "that lazy allocation does not deadlock a CPU window against map()");
            if (cpuFailed.get() != null) {
                Throwable t = cpuFailed.get();
                throw failure(Verify.blame(t, Rule.MAP_2), "the first CPU window of " + e.what() + ", racing"
                        + " with its first map, threw " + Verify.describe(t), "that the first touch"
                        + " (allocation) is safe against a concurrent first map", t);
            }
            return m;
        }

        /** {@link Rule#CPU_3 CPU-3}: CPU windows see linear pixels; devices see the exporter's layout. */
        @Test
        @DisplayName("CPU-3: CPU windows show linear pixels; devices see the exporter's (possibly tiled) layout")
        public void cpuWindowsShowLinearPixels() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            require(ExporterFeature.REGIONS_2D, "there is no 2-D layout");
            BufferLayout layout = session.fixture().layout(64, 40, 4);
            long s = (layout.minimumSize() + PAGE - 1) / PAGE * PAGE;
            Exported e = session.export(s, Optional.of(layout));
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Mapping m = map(uncached(e, d), Direction.BIDIRECTIONAL);
            Verify.runs(Rule.CPU_3, "a CPU WRITE window on " + e.what(), "beginCpuAccess/endCpuAccess", () -> {
                try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE)) {
                    w.segment().fill((byte) 0);
                    for (int y = 0; y < layout.height(); y++) {
                        for (int x = 0; x < layout.width(); x++) {
                            w.segment().set(ValueLayout.JAVA_INT_UNALIGNED, y * layout.stride() + x * 4L,
                                    1 + y * layout.width() + x);
                        }
                    }
                }
            });
            byte[] linear = cpuReadAll(e.handle());
            byte[] device = devReadAll(d, entries(m), s);
            MemorySegment lin = MemorySegment.ofArray(linear);
            for (int y = 0; y < layout.height(); y++) {
                for (int x = 0; x < layout.width(); x++) {
                    int px = lin.get(ValueLayout.JAVA_INT_UNALIGNED, y * layout.stride() + x * 4L);
                    int want = 1 + y * layout.width() + x;
                    int fx = x;
                    int fy = y;
                    that(px == want, Rule.CPU_3, () -> "pixel (" + fx + "," + fy + ") of " + e.what() + " reads " + px
                            + " in a CPU window after writing " + want, "that CPU windows are linear: untile on begin,"
                            + " retile on end");
                }
            }
            MemorySegment dev = MemorySegment.ofArray(device);
            Set<Integer> seen = new HashSet<>();
            for (long o = 0; o + 4 <= s; o += 4) {
                int v = dev.get(ValueLayout.JAVA_INT_UNALIGNED, o);
                if (v != 0) {
                    seen.add(v);
                }
            }
            that(seen.size() == layout.width() * layout.height(), Rule.CPU_3, () -> "devices see " + seen.size()
                    + " distinct pixels of " + e.what() + " where the CPU wrote " + layout.width() * layout.height(),
                    "that endCpuAccess stores every pixel once in the exporter's layout");
            if (!layout.isTiled()) {
                that(java.util.Arrays.equals(linear, device), Rule.CPU_3, () -> "a linear " + e.what()
                        + " looks different to devices and to the CPU", "that a linear layout is stored linearly");
            }
        }

        /** {@link Rule#CPU_6 CPU-6}: a READ window is read-only. */
        @Test
        @DisplayName("CPU-6: a READ window is read-only, and the refused write changes nothing")
        public void aReadWindowIsReadOnly() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            Exported e = export(size(3 * PAGE));
            cpuWrite(e.handle(), 71);
            // first the write must have stuck; a lost write is CPU-12's failure, not a READ window's
            cpuExpect(e, 0, e.size(), 71, Rule.CPU_12, "what a CPU WRITE window wrote into " + e.what() + " is not"
                    + " there in the next window", "between two CPU windows", "a window's bytes must reach the"
                    + " buffer's memory at close; ");
            awaitFencesBeforeCpu(e.handle(), Access.READ);
            try (CpuAccess w = e.handle().beginCpuAccess(Access.READ)) {
                MemorySegment seg = w.segment();
                that(seg.isReadOnly(), Rule.CPU_6, () -> "the READ window on " + e.what() + " is writable",
                        "the framework's READ windows");
                boolean refused;
                try {
                    seg.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
                    refused = false;
                } catch (RuntimeException expected) {
                    refused = true;
                }
                boolean wasRefused = refused;
                that(wasRefused, Rule.CPU_6, () -> "a READ window on " + e.what() + " accepted a write",
                        "the framework's READ windows");
            }
            cpuExpect(e, 0, e.size(), 71, Rule.CPU_6, "after a READ window on " + e.what() + " refused a write,"
                    + " the buffer changed", "after a READ window", "endCpuAccess of a READ window must write nothing"
                    + " back; ");
        }

        /** {@link Rule#CPU_4 CPU-4}: a window's segments fail after close. */
        @Test
        @DisplayName("CPU-4: a window's segment fails on access once the window is closed")
        public void aWindowsSegmentFailsAfterClose() {
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window (CPU-12 checks the refusal)");
            Exported e = export(size(3 * PAGE));
            MemorySegment kept;
            try (CpuAccess w = e.handle().beginCpuAccess(Access.READ_WRITE)) {
                kept = w.segment();
                kept.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            }
            MemorySegment stale = kept;
            Assertions.assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_BYTE, 0),
                    "[CPU-4] a window's segment is still usable after close");
        }
    }

    // ---- MOVE / PIN -----------------------------------------------------------------------------------------------

    /** Moves and pins of dynamic exporters; the refusal of pins by static ones. */
    @Nested
    @DisplayName("MOVE and PIN: moves and pins")
    public class Moves {
        /** For JUnit. */
        public Moves() {
        }

        private void requireDynamic() {
            require(ExporterFeature.DYNAMIC_MOVE, "a static exporter never moves");
        }

        /** {@link Rule#PIN_2 PIN-2}: pins are refused cleanly by static exporters, or as declared, or accepted. */
        @Test
        @DisplayName("PIN-2: a pin is refused cleanly (static exporter, or PIN_REFUSAL) or accepted and undone")
        public void aPinIsRefusedCleanlyOrAccepted() {
            Exported e = export(size(3 * PAGE));
            RecordingImporter imp = importer();
            Attachment a = session.attach(e.handle(), dev(DeviceSpec.PLAIN), imp);
            Reservation r = e.exported().reservation();
            if (!has(ExporterFeature.DYNAMIC_MOVE) || has(ExporterFeature.PIN_REFUSAL)) {
                Class<? extends DmaBufException> type = has(ExporterFeature.DYNAMIC_MOVE) ? PinRefusedException.class
                        : UnsupportedFeatureException.class;
                r.lock();
                try {
                    Verify.refuses(type, Rule.PIN_2, Rule.PIN_2, "pin() of " + e.what(), has(
                            ExporterFeature.DYNAMIC_MOVE) ? "that Exporter.pin throws PinRefusedException(PIN_2) "
                            + "before changing anything, or drop PIN_REFUSAL" : "that a static exporter keeps "
                            + "Exporter.pin's default, or declare DYNAMIC_MOVE", a::pin);
                    that(!a.isPinned(), Rule.PIN_2, () -> "a refused pin left " + e.what() + " pinned",
                            "that pin() throws before recording the pin");
                } finally {
                    r.unlock();
                }
                if (has(ExporterFeature.DYNAMIC_MOVE)) {
                    Mapping m = map(a, Direction.BIDIRECTIONAL);
                    move(e, Rule.PIN_2, "that a refused pin leaves the buffer movable");
                    that(imp.notifications() > 0 && !m.isValid(), Rule.PIN_2, () -> e.what() + " did not move after"
                            + " a refused pin", "that a refused pin leaves the attachment unpinned");
                }
                return;
            }
            r.lock();
            try {
                try {
                    a.pin();
                } catch (UnsupportedFeatureException notImplemented) {
                    throw failure(Rule.BUF_10, "pin() of " + e.what() + " was refused with "
                            + Verify.describe(notImplemented) + ", although the exporter is dynamic (isDynamic() is"
                            + " true, the fixture declares DYNAMIC_MOVE)", "most likely the exporter overrides"
                            + " isDynamic() but keeps Exporter.pin's default, which refuses every pin: implement pin"
                            + " and unpin together (or throw PinRefusedException and declare PIN_REFUSAL)",
                            notImplemented);
                } catch (DmaBufException other) {
                    throw failure(Verify.blame(other, Rule.PIN_2), "pin() of " + e.what() + " threw "
                            + Verify.describe(other), "that Exporter.pin accepts the pin, or refuses with"
                            + " PinRefusedException and the fixture declares PIN_REFUSAL", other);
                }
                that(a.isPinned() && (e.observer() == null || e.exported().isPinned()), Rule.PIN_2,
                        () -> e.what() + " is not pinned after pin()",
                        "the framework's pin bookkeeping");
                a.unpin();
                that(!a.isPinned() && (e.observer() == null || !e.exported().isPinned()), Rule.PIN_2,
                        () -> e.what() + " is still pinned after unpin()",
                        "that Exporter.unpin undoes pin");
            } finally {
                r.unlock();
            }
        }

        /** MOVE-3: every dynamic importer is notified under the lock while the old memory is still in place. */
        @Test
        @DisplayName("MOVE-3: a move notifies every dynamic importer first, under the lock, while the old memory is"
                + " still in place")
        public void aMoveNotifiesEveryDynamicImporterFirst() {
            requireDynamic();
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            SimulatedDevice d0 = dev(DeviceSpec.PLAIN);
            SimulatedDevice d1 = dev(DeviceSpec.SECOND);
            RecordingImporter i0 = importer();
            RecordingImporter i1 = importer();
            Attachment a0 = session.attach(e.handle(), d0, i0);
            Attachment a1 = session.attach(e.handle(), d1, i1);
            Mapping m0 = map(a0, Direction.BIDIRECTIONAL);
            Mapping m1 = map(a1, Direction.BIDIRECTIONAL);
            List<SgEntry> old0 = entries(m0);
            devWrite(d0, old0, 0, s, 59);
            AtomicReference<String> problem = new AtomicReference<>();
            i0.onNotify(att -> {
                try {
                    long bad = devMismatch(d0, old0, 0, s, 59);
                    if (bad >= 0) {
                        problem.compareAndSet(null, "when device 'dev0' was notified, byte " + bad + " of "
                                + e.what() + " had already changed under its mapping");
                    }
                } catch (RuntimeException ex) {
                    problem.compareAndSet(null, "when device 'dev0' was notified, its mapping of " + e.what()
                            + " no longer reached the memory: " + Verify.describe(ex));
                }
            });
            move(e, Rule.MOVE_3, "that move() calls ExportedBuffer.invalidateMappings() with the lock held, before "
                    + "touching the memory");
            session.recorder().check();
            that(problem.get() == null, Rule.MOVE_3, problem::get, "that move() calls invalidateMappings() before it"
                    + " frees or changes the old memory");
            that(i0.notifications() > 0 && i1.notifications() > 0, Rule.MOVE_3, () -> "after move() of " + e.what()
                    + ", importer on 'dev0' was notified " + i0.notifications() + " times and on 'dev1' "
                    + i1.notifications() + " times", "that move() calls ExportedBuffer.invalidateMappings()");
            that(!m0.isValid() && !m1.isValid(), Rule.MOVE_5, () -> "mappings of " + e.what() + " made before the move"
                    + " are still valid after it", "that move() calls ExportedBuffer.invalidateMappings()");
            that(faults(d0, old0.getFirst()), Rule.MOVE_5, () -> "device 'dev0' still reaches " + e.what()
                    + " through an address of a mapping made before the move", "that the exporter's unmap() removes"
                    + " the translations when the framework kills the mapping");
        }

        /**
         * {@link Rule#MOVE_1 MOVE-1}: a move waits for the reservation lock.
         *
         * @throws Exception if interrupted
         */
        @Test
        @DisplayName("MOVE-1: a move waits while someone else holds the reservation lock")
        public void aMoveWaitsForTheReservationLock() throws Exception {
            requireDynamic();
            Exported e = export(size(3 * PAGE));
            RecordingImporter imp = importer();
            Attachment a = session.attach(e.handle(), dev(DeviceSpec.PLAIN), imp);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            Reservation r = e.exported().reservation();
            int before = imp.notifications();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread mover = new Thread(() -> {
                try {
                    session.fixture().move(e.exported());
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "kit-mover");
            r.lock();
            Threads.Seen seen;
            try {
                mover.start();
                seen = Threads.awaitParkedOrDone(mover, session.fenceTimeout());
                if (seen == Threads.Seen.DONE) {
                    Throwable t = thrown.get();
                    if (t instanceof DmaBufException d && Verify.blame(d, null) != null) {
                        throw failure(d.rule(), "move() of " + e.what() + " threw " + Verify.describe(t),
                                "that move() takes the reservation lock before calling invalidateMappings()", t);
                    }
                    throw failure(Rule.MOVE_1, "move() of " + e.what() + " returned"
                            + (t == null ? "" : " (" + Verify.describe(t) + ")") + " while the kit held the "
                            + "reservation lock: it did not wait for the lock", "that move() takes the reservation "
                            + "lock (reservation().lock()) for the whole move", t);
                }
                that(imp.notifications() == before && m.isValid(), Rule.MOVE_1, () -> "move() of " + e.what()
                        + " notified importers while the kit held the reservation lock", "that move() takes the"
                        + " reservation lock for the whole move");
            } finally {
                r.unlock();
            }
            mover.join(session.fenceTimeout().toMillis() * 2);
            that(!mover.isAlive(), Rule.MOVE_1, () -> "move() of " + e.what() + " did not finish after the lock was "
                    + "released", "that move() does not wait for anything it cannot get");
            Throwable t = thrown.get();
            if (t != null) {
                Rule rule = Verify.blame(t, Rule.MOVE_1);
                throw failure(rule, "move() of " + e.what() + " threw " + Verify.describe(t), "the move's steps", t);
            }
            that(imp.notifications() > before && !m.isValid(), Rule.MOVE_3, () -> "move() of " + e.what()
                    + " returned without notifying the dynamic importer", "that move() calls invalidateMappings()");
        }

        private Attachment pinned(Exported e, SimulatedDevice d) {
            if (!has(ExporterFeature.PIN_REFUSAL)) {
                Attachment a = session.attach(e.handle(), d, importer());
                Reservation r = e.exported().reservation();
                r.lock();
                try {
                    Verify.runs(Rule.PIN_3, "pin() of " + e.what(), "that Exporter.pin accepts the pin, or declare"
                            + " PIN_REFUSAL", a::pin);
                } finally {
                    r.unlock();
                }
                session.onCleanup(() -> {
                    if (a.isAttached() && a.isPinned() && !r.isLocked()) {
                        r.lock();
                        try {
                            a.unpin();
                        } finally {
                            r.unlock();
                        }
                    }
                });
                return a;
            }
            try {
                return session.attach(e.handle(), d, null);
            } catch (DmaBufException refused) {
                Assumptions.abort("the exporter refuses every pin (PIN_REFUSAL), even implicit ones: nothing can pin "
                        + e.what());
                return null;
            }
        }

        /** {@link Rule#MOVE_2 MOVE-2}: a pinned buffer does not move. */
        @Test
        @DisplayName("MOVE-2: a pinned buffer is not moved, and its importers are not notified")
        public void aPinnedBufferIsNotMoved() {
            requireDynamic();
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            RecordingImporter imp = importer();
            Attachment dyn = session.attach(e.handle(), dev(DeviceSpec.PLAIN), imp);
            Mapping m = map(dyn, Direction.BIDIRECTIONAL);
            Attachment pin = pinned(e, dev(DeviceSpec.SECOND));
            int before = imp.notifications();
            move(e, Rule.MOVE_2, "that move() checks ExportedBuffer.isPinned() under the lock and returns without "
                    + "moving a pinned buffer");
            that(imp.notifications() == before && m.isValid(), Rule.MOVE_2, () -> "move() of pinned " + e.what()
                    + " notified importers and killed their mappings", "that move() returns without moving when "
                    + "ExportedBuffer.isPinned() is true");
            if (pin.isDynamic()) {
                Reservation r = e.exported().reservation();
                r.lock();
                try {
                    pin.unpin();
                } finally {
                    r.unlock();
                }
            } else {
                pin.close();
            }
            move(e, Rule.MOVE_2, "that move() moves once the buffer is unpinned");
            // the control: without it, an exporter that never notifies would pass the check above for nothing
            that(imp.notifications() > before && !m.isValid(), Rule.MOVE_3, () -> "move() of " + e.what() + ", once"
                    + " unpinned, notified no importer and left its mapping valid", "most likely move() moves"
                    + " without calling ExportedBuffer.invalidateMappings() (then this test cannot tell whether it"
                    + " honours pins), or keeps the buffer pinned after the last unpin");
        }

        /** {@link Rule#PIN_3 PIN-3}: a pinned buffer's mappings keep reaching its memory across move attempts. */
        @Test
        @DisplayName("PIN-3: a pinned buffer's memory stays in place: its mappings keep reaching the buffer")
        public void aPinnedBuffersMemoryStaysInPlace() {
            requireDynamic();
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            SimulatedDevice d1 = dev(DeviceSpec.SECOND);
            Attachment pin = pinned(e, d1);
            Mapping pm = map(pin, Direction.BIDIRECTIONAL);
            for (int round = 0; round < 3; round++) {
                move(e, Rule.PIN_3, "that move() leaves a pinned buffer alone");
                awaitKernelFences(e, Rule.PIN_3);
                int seed = 61 + round;
                devWrite(d1, entries(pm), 0, s, seed);
                Mapping fresh = map(session.attach(e.handle(), dev(DeviceSpec.PLAIN), importer()),
                        Direction.BIDIRECTIONAL);
                devExpect(dev(DeviceSpec.PLAIN), entries(fresh), 0, s, seed, Rule.PIN_3, "after move() of pinned "
                        + e.what() + ", what device 'dev1' wrote through its pinned mapping is not in the buffer",
                        "through a pinned mapping after a move", "most likely move() moved the memory of the pinned"
                        + " buffer and left the pinned mapping on the old memory: check ExportedBuffer.isPinned() and"
                        + " leave a pinned buffer in place; ");
                session.unmap(fresh);
            }
        }

        /** {@link Rule#MOVE_6 MOVE-6}: after a move a fresh map succeeds and the data moved along. */
        @Test
        @DisplayName("MOVE-6: after a move a fresh map succeeds, at the new location, with the data")
        public void afterAMoveAFreshMapSucceedsWithTheData() {
            requireDynamic();
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            RecordingImporter imp = importer();
            Attachment a = session.attach(e.handle(), d, imp);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            devWrite(d, entries(m), 0, s, 67);
            for (int round = 0; round < 4; round++) {
                move(e, Rule.MOVE_6, MOVE_STEPS);
                awaitKernelFences(e, Rule.MOVE_6);
                Mapping old = m;
                m = Verify.succeeds(Rule.MOVE_6, "a map of " + e.what() + " after a move", "that map() works after"
                        + " invalidateMappings() for as long as the buffer is valid (a predictable exporter)",
                        () -> session.map(a, Direction.BIDIRECTIONAL));
                session.recorder().check();
                awaitKernelFences(e, Rule.MOVE_6);
                session.unmap(old);
                devExpect(d, entries(m), 0, s, 67, Rule.MOVE_6, "after move " + (round + 1) + " of " + e.what()
                        + ", a fresh mapping does not hold what device 'dev0' wrote before the move", "after a move",
                        "map() must return the new location and move() copy every byte; ");
                if (has(ExporterFeature.CPU_ACCESS)) {
                    long cpuBad = cpuMismatch(e.handle(), 67);
                    that(cpuBad < 0, Rule.MOVE_6, () -> "after a move of " + e.what() + ", byte " + cpuBad + " differs"
                            + " in a CPU window while devices see the data", "most likely beginCpuAccess still returns"
                            + " the old location (or a copy of it) after a move: read the current one");
                }
            }
        }

        /** MOVE-6: a move while a READ and a WRITE window are open keeps the data in the new placement. */
        @Test
        @DisplayName("MOVE-6: a move while a READ and a WRITE window are open keeps the device's data and the"
                + " window's writes, in the new placement")
        public void aMoveWithWindowsOpenKeepsTheData() {
            requireDynamic();
            require(ExporterFeature.CPU_ACCESS, "there is no CPU window");
            long s = size(4 * PAGE);
            Exported e = export(s);
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            Attachment a = session.attach(e.handle(), d, importer());
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            devWrite(d, entries(m), 0, s, 131);
            session.unmap(m);
            awaitFencesBeforeCpu(e.handle(), Access.WRITE);
            Verify.runs(Rule.MOVE_6, "a move of " + e.what() + " while a READ window on page 0 and a WRITE window on"
                    + " page 1 are open", "that a move keeps CPU windows' bytes", () -> {
                        try (CpuAccess rd = e.handle().beginCpuAccess(Access.READ, Region.range(0, PAGE));
                                CpuAccess wr = e.handle().beginCpuAccess(Access.WRITE, Region.range(PAGE, PAGE))) {
                            long bad = Pattern.mismatch(rd.segment(), 0, 131);
                            that(bad < 0, Rule.CPU_3, () -> "byte " + bad + " of a READ window on " + e.what()
                                    + " differs from what device 'dev0' wrote", "that beginCpuAccess fills the range");
                            Pattern.fill(wr.segment(), PAGE, 137);
                            move(e, Rule.MOVE_6, "a move while windows are open");
                        }
                    });
            awaitKernelFences(e, Rule.MOVE_6);
            Mapping fresh = Verify.succeeds(Rule.MOVE_6, "a map of " + e.what() + " after the move", "that map()"
                    + " works after a move", () -> session.map(a, Direction.BIDIRECTIONAL));
            awaitKernelFences(e, Rule.MOVE_6);
            byte[] all = devReadAll(d, entries(fresh), s);
            MemorySegment seg = MemorySegment.ofArray(all);
            for (int i = 0; i < s; i++) {
                int want = i >= PAGE && i < 2 * PAGE ? 137 : 131;
                if (all[i] != Pattern.at(want, i)) {
                    String[] why = Diagnose.explain(seg, 0, i, want, "after a move with windows open", 131);
                    throw failure(Rule.MOVE_6, "after a move of " + e.what() + " with a READ window on page 0 and a"
                            + " WRITE window on page 1 open, byte " + i + " (" + (want == 137 ? "written in the WRITE"
                            + " window" : "written by the device before") + ") is wrong in the new placement: "
                            + why[0], (want == 137 ? "most likely endCpuAccess writes the window back to the"
                            + " placement it had at beginCpuAccess (or the move copied before the window closed"
                            + " and the window's bytes stayed behind): write back to the current placement, under the"
                            + " lock; " : "") + why[1]);
                }
            }
            long cpuBad = cpuMismatchRange(e.handle(), 0, PAGE, 131);
            that(cpuBad < 0, Rule.MOVE_6, () -> "after a move with windows open, byte " + cpuBad + " of " + e.what()
                    + " differs in a CPU window", "that beginCpuAccess reads the current placement after a move");
        }

        /** {@link Rule#MOVE_8 MOVE-8}: the copy of a move is published as a KERNEL fence. */
        @Test
        @DisplayName("MOVE-8: a move publishes its copy as a KERNEL-usage fence, which signals")
        public void aMovePublishesItsCopyAsAKernelFence() {
            requireDynamic();
            Exported e = export(size(64 * 1024 + PAGE));
            Reservation r = e.exported().reservation();
            List<Fence> before = kernelFences(r);
            move(e, Rule.MOVE_8, MOVE_STEPS);
            List<Fence> after = kernelFences(r);
            List<Fence> added = new ArrayList<>(after);
            added.removeIf(f -> before.stream().anyMatch(b -> b == f));
            that(!added.isEmpty(), Rule.MOVE_8, () -> "after move() of " + e.what() + " the reservation holds no new"
                    + " KERNEL fence: " + r.describe(), "that move() adds the copy's fence with reserveFences(1) and "
                    + "addFence(fence, FenceUsage.KERNEL) before unlocking");
            awaitKernelFences(e, Rule.MOVE_8);
        }

        private List<Fence> kernelFences(Reservation r) {
            r.lock();
            try {
                return r.entries(FenceUsage.KERNEL).stream().filter(x -> x.usage() == FenceUsage.KERNEL)
                        .map(FenceEntry::fence).toList();
            } finally {
                r.unlock();
            }
        }

        /**
         * SYNCOBJ-4, SYNCOBJ-9: the copies of three moves, imported at points 1 to 3 of a timeline sync object (as an
         * explicit-sync importer does with the fences it gets from a buffer), make the points signal in order and
         * carry their status. The framework builds the points as fence chains, which wait for each fence through its
         * callbacks: an exporter that publishes a fence of its own making that reports SIGNALED without running its
         * callbacks (FENCE-2) stalls every explicit-sync waiter, although waits on the fence itself return.
         */
        @Test
        @DisplayName("SYNCOBJ-4: the copies of three moves, imported at points 1 to 3 of a timeline sync object, signal"
                + " the points in order and carry their status")
        public void moveFencesImportedIntoATimelineKeepItsSemantics() {
            requireDynamic();
            Exported e = export(size(64 * 1024 + PAGE));
            Reservation r = e.exported().reservation();
            SyncObject timeline = session.system().newSyncObject(SyncObjectKind.TIMELINE, "kit-moves");
            session.onCleanup("close of the kit's timeline sync object", timeline::close);
            List<Fence> copies = new ArrayList<>();
            for (int point = 1; point <= 3; point++) {
                List<Fence> before = kernelFences(r);
                move(e, Rule.MOVE_8, MOVE_STEPS);
                List<Fence> added = new ArrayList<>(kernelFences(r));
                added.removeIf(f -> before.stream().anyMatch(b -> b == f));
                int p = point;
                that(!added.isEmpty(), Rule.MOVE_8, () -> "move " + p + " of " + e.what() + " added no KERNEL fence: "
                        + r.describe(), "that move() adds the copy's fence with reserveFences(1) and addFence(fence,"
                        + " FenceUsage.KERNEL) before unlocking");
                Fence copy = added.getLast();
                copies.add(copy);
                Verify.runs(Rule.SYNCOBJ_3, "importing the fence of move " + p + " of " + e.what() + " at point " + p
                        + " of a timeline sync object", "the framework's timeline", () -> timeline.addPoint(p, copy));
            }
            boolean done = Verify.succeeds(Rule.SYNCOBJ_4, "waiting for point 3 of the timeline of " + e.what(),
                    "the framework's timeline", () -> timeline.waitFor(3, SyncWaitFlag.NONE,
                            session.fenceTimeout()));
            if (!done) {
                for (int point = 1; point <= 3; point++) {
                    Fence copy = copies.get(point - 1);
                    int p = point;
                    that(!copy.isSignaled() || timeline.status(p) != FenceStatus.PENDING, Rule.FENCE_2, () -> "the"
                            + " fence of move " + p + " of " + e.what() + " (" + copy.driverName() + " "
                            + copy.timelineName() + ") reports " + copy.status() + ", yet point " + p + " of a"
                            + " timeline sync object built on it is still pending after "
                            + session.fenceTimeout().toMillis() + " ms", "most likely the exporter publishes a fence"
                            + " of its own making that does not run the callbacks added to it when it signals: a"
                            + " timeline point (a fence chain), a readiness future or an engine job waits through"
                            + " callbacks; use a fence of DmaBufSystem.fences(), or run every callback exactly once");
                }
                throw failure(Rule.FENCE_7, "point 3 of a timeline sync object holding the fences of three moves of "
                        + e.what() + " did not signal within " + session.fenceTimeout().toMillis() + " ms: "
                        + r.describe(), "that the copy of every move signals its fence in finite time");
            }
            for (int point = 1; point <= 3; point++) {
                Fence copy = copies.get(point - 1);
                int p = point;
                FenceStatus expected = copies.subList(0, point).stream().anyMatch(f -> f.error().isPresent())
                        ? FenceStatus.ERROR : FenceStatus.SIGNALED;
                FenceStatus seen = timeline.status(p);
                if (seen != expected) {
                    boolean changed = copy.error().isPresent() && seen == FenceStatus.SIGNALED;
                    throw failure(changed ? Rule.FENCE_3 : Rule.SYNCOBJ_9, "point " + p + " of a timeline sync object"
                            + " holding the fences of moves of " + e.what() + " reports " + seen + " where its fences"
                            + " now say " + expected, changed ? "most likely the exporter's fence of move " + p
                            + " got its error after it had signaled: set the error before signaling (FENCE-3)"
                            : "the framework's timeline: report it to dmabuf4j");
                }
            }
            that(timeline.query() == 3, Rule.SYNCOBJ_4, () -> "the timeline holding the fences of three moves of "
                    + e.what() + " reports point " + timeline.query() + " as its last signaled point, not 3",
                    "the framework's timeline: report it to dmabuf4j");
        }

        /** {@link Rule#FENCE_4 FENCE-4}: the move's fence signals while the lock is held by a waiter. */
        @Test
        @DisplayName("FENCE-4: a move's fence signals while a waiter holds the reservation lock")
        public void aMovesFenceSignalsWhileAWaiterHoldsTheLock() {
            requireDynamic();
            Exported e = export(size(64 * 1024 + PAGE));
            move(e, Rule.FENCE_4, MOVE_STEPS);
            Reservation r = e.exported().reservation();
            boolean done;
            r.lock();
            try {
                done = Verify.succeeds(Rule.FENCE_4, "waiting for the KERNEL fences of " + e.what()
                        + " with its lock held", "that the move's fence signals", () -> r.await(FenceUsage.KERNEL,
                        session.fenceTimeout()));
            } finally {
                r.unlock();
            }
            if (!done) {
                signalsOnlyWithoutTheLock(r, e.what(), "while the kit held the reservation lock");
            }
        }
    }

    // ---- P2P ------------------------------------------------------------------------------------------------------

    /** Peer-to-peer memory. */
    @Nested
    @DisplayName("P2P: peer-to-peer memory")
    public class PeerToPeer {
        /** For JUnit. */
        public PeerToPeer() {
        }

        /** {@link Rule#P2P_1 P2P-1}: importers that do not allow peer-to-peer get CPU pages. */
        @Test
        @DisplayName("P2P-1: importers that do not allow peer-to-peer, or whose device cannot, get CPU pages")
        public void nonPeerImportersGetCpuPages() {
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            List<Attachment> atts = new ArrayList<>();
            Attachment st = staticOrNull(e.handle(), dev(DeviceSpec.PLAIN));
            if (st != null) {
                atts.add(st);
            }
            try {
                atts.add(session.attach(e.handle(), dev(DeviceSpec.SECOND), importer()));
                atts.add(session.attach(e.handle(), dev(DeviceSpec.NON_COHERENT),
                        new RecordingImporter(session.recorder(), true)));
            } catch (AttachRefusedException refused) {
                // P2P-2: refusing is allowed
            }
            for (Attachment a : atts) {
                Mapping m = map(a, Direction.BIDIRECTIONAL);
                for (SgEntry x : m.entries()) {
                    that(x.hasCpuPage(), Rule.P2P_1, () -> "device '" + a.device().name() + "' ("
                            + (a.peerToPeer() ? "importer allows peer-to-peer, device cannot" : "importer does not "
                            + "allow peer-to-peer") + ") got an entry of " + e.what() + " without a CPU page",
                            "that map() gives device memory only when attachment.peerToPeer() and "
                            + "attachment.device().isPeerToPeerCapable()");
                }
            }
        }

        /** P2P-1: on fresh buffers, each device's first mapping follows that device's own peer-to-peer reach. */
        @Test
        @DisplayName("P2P-1: on fresh buffers still in their first place, peer-to-peer is decided per device: a"
                + " peer-allowing importer on a device that cannot reach peer memory gets CPU pages")
        public void peerToPeerIsDecidedPerDeviceOnFreshBuffers() {
            long s = size(64 * 1024 + PAGE);
            for (DeviceSpec first : new DeviceSpec[] {DeviceSpec.SECOND, DeviceSpec.PEER}) {
                Exported e = export(s);
                List<Attachment> peers = new ArrayList<>();
                List<RecordingImporter> imps = new ArrayList<>();
                for (DeviceSpec spec : first == DeviceSpec.PEER ? new DeviceSpec[] {DeviceSpec.PEER, DeviceSpec.SECOND}
                        : new DeviceSpec[] {DeviceSpec.SECOND, DeviceSpec.PEER}) {
                    RecordingImporter imp = new RecordingImporter(session.recorder(), true);
                    try {
                        peers.add(session.attach(e.handle(), dev(spec), imp));
                        imps.add(imp);
                    } catch (AttachRefusedException refused) {
                        // P2P-2: refusing is allowed
                    }
                }
                List<Mapping> maps = new ArrayList<>();
                List<List<SgEntry>> seen = new ArrayList<>();
                for (Attachment a : peers) {
                    Mapping m = map(a, Direction.BIDIRECTIONAL);
                    maps.add(m);
                    seen.add(entries(m));
                    if (!a.device().isPeerToPeerCapable()) {
                        for (SgEntry x : m.entries()) {
                            that(x.hasCpuPage(), Rule.P2P_1, () -> "device '" + a.device().name() + "' cannot reach"
                                    + " peer memory, yet its peer-allowing importer got an entry of fresh " + e.what()
                                    + " without a CPU page (first attachment: '" + first.deviceName() + "')",
                                    "most likely map() decides on attachment.peerToPeer() alone: also require"
                                    + " attachment.device().isPeerToPeerCapable(), per device, and migrate (P2P-2)"
                                    + " otherwise");
                        }
                    }
                }
                for (int i = 0; i + 1 < maps.size(); i++) {
                    int at = i;
                    boolean deviceMemory = seen.get(i).stream().anyMatch(x -> !x.hasCpuPage());
                    boolean laterCpu = seen.get(i + 1).stream().allMatch(SgEntry::hasCpuPage);
                    that(!deviceMemory || !laterCpu || !maps.get(i).isValid() || imps.get(i).notifications() > 0,
                            Rule.P2P_2, () -> "the device-memory mapping of '" + peers.get(at).device().name()
                            + "' stayed valid and unnotified while '" + peers.get(at + 1).device().name() + "' got CPU"
                            + " pages of " + e.what(), "most likely the migration to CPU memory skips"
                            + " invalidateMappings(): migrate as a move, notifying under the lock first");
                }
            }
        }

        /**
         * {@link Rule#P2P_2 P2P-2}: a peer importer's device memory is migrated with notification, or refused, for a
         * non-peer one.
         */
        @Test
        @DisplayName("P2P-2: for a non-peer importer, device memory is migrated with notification, or refused")
        public void deviceMemoryIsMigratedWithNotificationOrRefused() {
            require(ExporterFeature.PEER_TO_PEER, "the exporter has no device memory (P2P-1 checks every entry has "
                    + "a CPU page)");
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            RecordingImporter peer = new RecordingImporter(session.recorder(), true);
            Attachment pa = session.attach(e.handle(), dev(DeviceSpec.PEER), peer);
            Mapping pm = map(pa, Direction.BIDIRECTIONAL);
            boolean deviceMemory = pm.entries().stream().anyMatch(x -> !x.hasCpuPage());
            for (SgEntry x : pm.entries()) {
                if (!x.hasCpuPage()) {
                    Verify.refuses(NoCpuPageException.class, Rule.P2P_3, Rule.P2P_3, "cpuSegment() of an entry "
                            + "without a CPU page", "the framework", x::cpuSegment);
                }
            }
            Attachment na;
            try {
                na = session.attach(e.handle(), dev(DeviceSpec.PLAIN), importer());
            } catch (AttachRefusedException refused) {
                return;
            }
            Mapping nm = map(na, Direction.BIDIRECTIONAL);
            for (SgEntry x : nm.entries()) {
                that(x.hasCpuPage(), Rule.P2P_1, () -> "a non-peer importer got an entry without a CPU page",
                        "that map() migrates device memory to CPU memory for non-peer importers");
            }
            if (deviceMemory) {
                that(peer.notifications() > 0 && !pm.isValid(), Rule.P2P_2, () -> e.what() + " was given to a "
                        + "non-peer importer with CPU pages while the peer importer's device-memory mapping stayed"
                        + " valid and unnotified", "that the migration is a move: invalidateMappings() under the lock"
                        + " before the memory changes place");
            }
        }
    }

    // ---- REV ------------------------------------------------------------------------------------------------------

    /** Revocation. */
    @Nested
    @DisplayName("REV: revocation")
    public class Revocation {
        /** For JUnit. */
        public Revocation() {
        }

        private void requireRevocation() {
            require(ExporterFeature.REVOCATION, "nothing can trigger a revocation of this exporter's buffers");
        }

        private Duration shortTimeout() {
            return Duration.ofMillis(Math.min(300, session.fenceTimeout().toMillis()));
        }

        /** {@link Rule#REV_2 REV-2}: after revocation maps and CPU access fail, while everything still closes. */
        @Test
        @DisplayName("REV-2: after revocation every map and CPU access fails, and everything can still be closed")
        public void afterRevocationMapsAndCpuAccessFail() {
            requireRevocation();
            Exported e = export(size(3 * PAGE));
            AtomicReference<Boolean> revokedAtNotify = new AtomicReference<>();
            RecordingImporter imp = importer();
            Attachment a = session.attach(e.handle(), dev(DeviceSpec.PLAIN), imp);
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            imp.onNotify(att -> {
                revokedAtNotify.compareAndSet(null, att.buffer().isRevoked());
                if (att.buffer().isRevoked()) {
                    att.unmap(m);
                    session.untrack(m);
                }
            });
            Verify.runs(Rule.REV_1, "revoke of " + e.what(), "that revoke() completes when importers unmap in "
                    + "moveNotify", () -> session.fixture().revoke(e.exported(), session.fenceTimeout()));
            that(e.exported().isRevoked() && e.handle().isRevoked(), Rule.REV_1, () -> e.what() + " is not revoked"
                    + " after revoke()", "that revoke() calls ExportedBuffer.revoke");
            that(imp.notifications() > 0, Rule.REV_1, () -> "the dynamic importer of " + e.what() + " was not"
                    + " notified of the revocation", "that revocation invalidates every importer");
            that(Boolean.TRUE.equals(revokedAtNotify.get()), Rule.REV_1, () -> "the importer of " + e.what()
                    + " was notified before the buffer counted as revoked", "that revocation first makes new maps "
                    + "fail, then notifies");
            Verify.refuses(RevokedException.class, Rule.REV_2, Rule.REV_2, "map after revocation of " + e.what(),
                    "that map() throws RevokedException once revoked", () -> session.map(a, Direction.BIDIRECTIONAL));
            if (has(ExporterFeature.CPU_ACCESS)) {
                Verify.refuses(RevokedException.class, Rule.REV_2, Rule.REV_2, "beginCpuAccess after revocation of "
                        + e.what(), "that beginCpuAccess throws RevokedException once revoked",
                        () -> e.handle().beginCpuAccess(Access.READ).close());
            }
            a.close();
            e.handle().close();
        }

        /** REV-1: inside the revocation's invalidation, importers still read the buffer's data. */
        @Test
        @DisplayName("REV-1: importers that read through their still-live mapping inside the revocation's"
                + " invalidation see the buffer's data: memory is scrubbed or freed only after every unmap")
        public void importersReadingInsideTheRevocationSeeTheData() {
            requireRevocation();
            long s = size(64 * 1024 + PAGE);
            Exported e = export(s);
            List<AtomicReference<String>> problems = new ArrayList<>();
            DeviceSpec[] specs = {DeviceSpec.PLAIN, DeviceSpec.SECOND};
            for (int i = 0; i < specs.length; i++) {
                SimulatedDevice d = dev(specs[i]);
                RecordingImporter imp = importer();
                Attachment a = session.attach(e.handle(), d, imp);
                Mapping m = map(a, Direction.BIDIRECTIONAL);
                if (i == 0) {
                    devWrite(d, entries(m), 0, s, 127);
                }
                List<SgEntry> ents = entries(m);
                AtomicReference<String> problem = new AtomicReference<>();
                problems.add(problem);
                imp.onNotify(att -> {
                    if (!att.buffer().isRevoked()) {
                        return;
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment dst = arena.allocate(s);
                        Dma.read(d, ents, 0, dst);
                        long bad = Pattern.mismatch(dst, 0, 127);
                        if (bad >= 0) {
                            problem.compareAndSet(null, "device '" + d.name() + "', reading through its live mapping"
                                    + " inside the revocation's invalidation, found byte " + bad + " of " + e.what()
                                    + " changed: " + Diagnose.describe(Diagnose.fact(dst, 0, bad, 127)));
                        }
                    } catch (RuntimeException ex) {
                        problem.compareAndSet(null, "device '" + d.name() + "' could not read through its live"
                                + " mapping inside the revocation's invalidation: " + Verify.describe(ex));
                    }
                    att.unmap(m);
                    session.untrack(m);
                });
            }
            Verify.runs(Rule.REV_1, "revoke of " + e.what(), "that revoke() completes when importers unmap in"
                    + " moveNotify", () -> session.fixture().revoke(e.exported(), session.fenceTimeout()));
            session.recorder().check();
            for (AtomicReference<String> p : problems) {
                that(p.get() == null, Rule.REV_1, p::get, "most likely revoke() scrubs, frees or unplugs the memory"
                        + " before ExportedBuffer.revoke has notified the importers and waited for their unmaps:"
                        + " scrub or free only after revoke(timeout) returns");
            }
        }

        /** {@link Rule#REV_1 REV-1}: revocation waits for the buffer's fences. */
        @Test
        @DisplayName("REV-1: revocation waits for every fence of the buffer, BOOKKEEP included")
        public void revocationWaitsForEveryFence() {
            requireRevocation();
            Exported e = export(size(3 * PAGE));
            Timeline t = session.timeline("kit-rev");
            Fence pending = t.point(1);
            Reservation r = e.exported().reservation();
            r.lock();
            try {
                r.reserveFences(1);
                r.addFence(pending, FenceUsage.BOOKKEEP);
            } finally {
                r.unlock();
            }
            try {
                session.fixture().revoke(e.exported(), shortTimeout());
            } catch (DmaTimeoutException expected) {
                t.advance(1);
                return;
            } catch (DmaBufException other) {
                throw failure(Verify.blame(other, Rule.REV_1), "revoke of "
                        + e.what() + " threw " + Verify.describe(other), "the revocation's steps", other);
            }
            throw failure(Rule.REV_1, "revoke of " + e.what() + " returned while a BOOKKEEP fence was pending",
                    "that revocation waits for every fence (reservation.await(BOOKKEEP, timeout)) and fails with "
                    + "DmaTimeoutException when they do not signal in time");
        }

        /** {@link Rule#REV_4 REV-4}: a revocation that times out names the importers that did not unmap. */
        @Test
        @DisplayName("REV-4: a revocation that times out names the importers that did not unmap")
        public void aRevocationThatTimesOutNamesTheImporters() {
            requireRevocation();
            Exported e = export(size(3 * PAGE));
            Attachment a = uncached(e, dev(DeviceSpec.SECOND));
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            Assumptions.assumeFalse(m.isCached(), "the attachment's mapping is cached by the framework (ATT-5)");
            DmaTimeoutException timeout;
            try {
                session.fixture().revoke(e.exported(), shortTimeout());
                throw failure(Rule.REV_1, "revoke of " + e.what() + " returned while an importer on 'dev1' had not"
                        + " unmapped", "that revocation waits for every importer to unmap, within the timeout");
            } catch (DmaTimeoutException expected) {
                timeout = expected;
            }
            that(timeout.getMessage().contains("dev1"), Rule.REV_4, () -> "the timeout does not name device 'dev1': "
                    + timeout.getMessage(), "that the revocation's timeout names the importers that did not unmap");
        }
    }

    // ---- HEAP -----------------------------------------------------------------------------------------------------

    /** Heap-like exporters: zeroed memory, returned on release. */
    @Nested
    @DisplayName("HEAP: fresh memory")
    public class Heap {
        /** For JUnit. */
        public Heap() {
        }

        private long total() {
            long fix = session.fixture().liveBytes().orElse(0);
            return session.system().liveNativeBytes() + fix;
        }

        /** {@link Rule#HEAP_1 HEAP-1}: allocations are zeroed even right after a previous user filled the memory. */
        @Test
        @DisplayName("HEAP-1: every export is zeroed, even right after a previous user filled the memory with 0xff")
        public void everyExportIsZeroed() {
            require(ExporterFeature.HEAP, "zeroing is a heap property");
            SimulatedDevice d = dev(DeviceSpec.PLAIN);
            for (long s : sizes()) {
                for (int round = 0; round < 3; round++) {
                    Exported e = export(s);
                    Attachment a = uncached(e, d);
                    Mapping m = map(a, Direction.BIDIRECTIONAL);
                    // the device side first: an exporter that zeroes only in beginCpuAccess shows old data here
                    checkZero(e, devReadAll(d, entries(m), s), "device 'dev0'");
                    if (has(ExporterFeature.CPU_ACCESS)) {
                        checkZero(e, cpuReadAll(e.handle()), "a CPU window");
                    }
                    devFill(d, entries(m), s, (byte) 0xff);
                    if (has(ExporterFeature.CPU_ACCESS)) {
                        try (CpuAccess w = e.handle().beginCpuAccess(Access.WRITE)) {
                            w.segment().fill((byte) 0xff);
                        }
                    }
                    if (!m.isCached()) {
                        session.unmap(m);
                    }
                    a.close();
                    e.handle().close();
                }
            }
        }

        private void checkZero(Exported e, byte[] seen, String how) {
            for (int i = 0; i < seen.length; i++) {
                if (seen[i] != 0) {
                    int at = i;
                    byte v = seen[i];
                    boolean previousUser = v == (byte) 0xff;
                    throw failure(Rule.HEAP_1, "byte " + at + " of fresh " + e.what() + " read by " + how + " is 0x"
                            + Integer.toHexString(v & 0xff) + ", not zero" + (previousUser ? ", the previous user's"
                            + " data" : ""), how.startsWith("device") ? "most likely the exporter zeroes reused memory"
                            + " lazily (on CPU access) or only in a CPU-side copy: zero it at export, in the memory"
                            + " devices map" : "most likely export() takes memory from a pool or a previous buffer"
                            + " without zeroing it");
                }
            }
        }

        /** {@link Rule#HEAP_5 HEAP-5}: memory is returned on release and not before. */
        @Test
        @DisplayName("HEAP-5: memory is returned when the buffer is released, and not before")
        public void memoryIsReturnedOnReleaseAndNotBefore() {
            require(ExporterFeature.HEAP, "memory accounting is a heap property");
            long base = total();
            long s = size(1L << 20);
            Exported e = export(s);
            long atExport = total() - base;
            Attachment a = uncached(e, dev(DeviceSpec.PLAIN));
            // an exporter may allocate lazily, on the first map or CPU access: touch the memory before counting it
            Mapping m = map(a, Direction.BIDIRECTIONAL);
            devWrite(dev(DeviceSpec.PLAIN), entries(m), 0, PAGE, 79);
            if (has(ExporterFeature.CPU_ACCESS)) {
                cpuMismatch(e.handle(), 79);
            }
            long held = total() - base;
            that(held >= s, Rule.HEAP_5, () -> e.what() + " was exported, mapped and written, yet the memory the kit"
                    + " can see rose by only " + held + " bytes (" + atExport + " at export)", "most likely the"
                    + " exporter takes its memory from somewhere the kit cannot see: report it in"
                    + " ExporterFixture.liveBytes(), or allocate from system.exporterArena(), which the system counts");
            if (!m.isCached()) {
                session.unmap(m);
            }
            a.close();
            // the last attachment is gone, the handle is still open: the buffer lives, and so must its memory
            long detached = total() - base;
            that(detached >= s, Rule.HEAP_5, () -> "the memory of " + e.what() + " was returned when its last"
                    + " attachment detached, while a handle was still open (" + detached + " of " + s + " bytes"
                    + " left)", "most likely the exporter frees its memory (or gives it back to its pool) in detach()"
                    + " or in unmap() when nothing is attached or mapped any more: the buffer lives until release(),"
                    + " so free it there only");
            Attachment again = uncached(e, dev(DeviceSpec.PLAIN));
            Mapping back = map(again, Direction.BIDIRECTIONAL);
            long lost = devMismatch(dev(DeviceSpec.PLAIN), entries(back), 0, PAGE, 79);
            that(lost < 0, Rule.HEAP_5, () -> "byte " + lost + " of " + e.what() + ", written before its last"
                    + " attachment detached, is gone when a new attachment maps it (the handle stayed open)",
                    "most likely the exporter frees or reallocates its memory when the last attachment detaches or"
                    + " the last mapping is unmapped: keep it until release()");
            if (!back.isCached()) {
                session.unmap(back);
            }
            e.handle().close();
            long attached = total() - base;
            that(attached >= s, Rule.HEAP_5, () -> "the memory of " + e.what() + " was returned while it was still"
                    + " attached (" + attached + " of " + s + " bytes left once its last handle closed)", "that memory"
                    + " is freed in release() only, not when a handle closes or the last mapping goes");
            again.close();
            long after = total();
            that(after == base, Rule.HEAP_5, () -> "after release of " + e.what() + " the kit sees " + (after - base)
                    + " bytes more than before the export", after > base ? "that release() frees the buffer's memory"
                    + " (closes its Arena, or gives it back to the pool and says so in liveBytes())" : "that liveBytes()"
                    + " counts what the exporter holds, not what it handed back twice");
        }
    }

    // ---- concurrency ----------------------------------------------------------------------------------------------

    /** Stress tests: several threads on one buffer, with invariants checked. */
    @Nested
    @DisplayName("Concurrency")
    public class Concurrency {
        /** For JUnit. */
        public Concurrency() {
        }

        /** MAP-5: concurrent attach/map/unmap/detach keep every invariant. */
        @Test
        @DisplayName("MAP-5: concurrent share, attach, map, device access, unmap, detach and close keep every"
                + " invariant")
        public void concurrentLifecyclesKeepEveryInvariant() {
            session.observing().addressChecks(false);
            int threads = 4;
            int iterations = 60;
            long slice = 4 * PAGE;
            Exported e = export(size(threads * slice));
            long sl = e.size() / threads / PAGE * PAGE;
            DeviceSpec[] specs = {DeviceSpec.PLAIN, DeviceSpec.SECOND, DeviceSpec.NON_COHERENT, DeviceSpec.PLAIN};
            for (DeviceSpec spec : specs) {
                dev(spec);
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(new Thread(() -> {
                    try {
                        start.await(10, TimeUnit.SECONDS);
                        SimulatedDevice d = dev(specs[id]);
                        for (int i = 0; i < iterations; i++) {
                            try (DmaBuf h = e.handle().share()) {
                                boolean dynamic = ((i + id) & 1) == 0 || !has(ExporterFeature.DYNAMIC_MOVE)
                                        || has(ExporterFeature.PIN_REFUSAL);
                                Attachment a = dynamic ? h.attach(d, importer()) : h.attach(d);
                                try {
                                    Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
                                    if (!h.reservation().await(FenceUsage.KERNEL, session.fenceTimeout())) {
                                        throw failure(Rule.FENCE_7, "a KERNEL fence of " + e.what() + " did not"
                                                + " signal within " + session.fenceTimeout().toMillis() + " ms of a map"
                                                + " by thread " + id + ": " + h.reservation().describe(), "that every"
                                                + " fence the exporter publishes (a migration's copy) signals in"
                                                + " finite time");
                                    }
                                    int seed = id * 1000 + i;
                                    devWrite(d, m.entries(), id * sl, sl, seed);
                                    long bad = devMismatch(d, m.entries(), id * sl, sl, seed);
                                    if (bad >= 0) {
                                        errors.add(failure(Rule.MAP_5, "thread " + id + " read back byte " + bad
                                                + " of " + e.what() + " wrong while other threads mapped it",
                                                "that map() returns new entries each time and unmap() removes only"
                                                + " its own"));
                                    }
                                    a.unmapUnlocked(m);
                                } finally {
                                    a.close();
                                }
                            }
                        }
                    } catch (Throwable x) {
                        errors.add(x);
                    }
                }, "kit-stress-" + t));
            }
            Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                workers.forEach(Thread::start);
                for (Thread w : workers) {
                    w.join();
                }
            }, "[MAP-5] the stress test did not finish in 30 s");
            if (!errors.isEmpty()) {
                Throwable first = errors.peek();
                if (first instanceof ConformanceError ce) {
                    throw ce;
                }
                Rule rule = Verify.blame(first, Rule.MAP_5);
                throw failure(rule, errors.size() + " thread(s) sharing, attaching and mapping " + e.what()
                        + " failed; first: " + Verify.describe(first), rule == Rule.MAP_5 ? "the exporter's thread"
                        + " safety: map/unmap may run concurrently for different attachments" : Verify.hintFor(rule,
                        first), first);
            }
            session.recorder().check();
        }

        /** {@link Rule#MOVE_1 MOVE-1}: moves racing with locked maps never lose writes. */
        @Test
        @DisplayName("MOVE-1: moves racing with maps and device writes under the lock never lose a write")
        public void movesRacingWithMapsNeverLoseAWrite() {
            require(ExporterFeature.DYNAMIC_MOVE, "a static exporter never moves");
            session.observing().addressChecks(false);
            int importers = 3;
            int iterations = 40;
            Exported e = export(size(importers * 4 * PAGE));
            long sl = e.size() / importers / PAGE * PAGE;
            DeviceSpec[] specs = {DeviceSpec.PLAIN, DeviceSpec.SECOND, DeviceSpec.NON_COHERENT};
            List<Attachment> atts = new ArrayList<>();
            for (int i = 0; i < importers; i++) {
                atts.add(session.attach(e.handle(), dev(specs[i]), importer()));
            }
            Reservation r = e.exported().reservation();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            // set when an importer's wait for a move's fence timed out under the lock: everyone stops, and the fence
            // is judged once nobody holds the lock (FENCE-4 if it then signals, FENCE-7 if not)
            java.util.concurrent.atomic.AtomicBoolean stuck = new java.util.concurrent.atomic.AtomicBoolean();
            CyclicBarrier start = new CyclicBarrier(importers + 1);
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < iterations && !stuck.get(); i++) {
                        session.fixture().move(e.exported());
                    }
                } catch (Throwable x) {
                    errors.add(x);
                }
            }, "kit-mover"));
            for (int t = 0; t < importers; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    try {
                        start.await(10, TimeUnit.SECONDS);
                        Attachment a = atts.get(id);
                        SimulatedDevice d = dev(specs[id]);
                        int last = -1;
                        int previous = -1;
                        for (int i = 0; i < iterations && !stuck.get(); i++) {
                            boolean pending = false;
                            r.lock();
                            try {
                                Mapping m = Verify.succeeds(Rule.MOVE_6, "importer " + id + "'s map of " + e.what()
                                        + " between moves", "that map() works after every move (a predictable"
                                        + " exporter)", () -> a.map(Direction.BIDIRECTIONAL));
                                try {
                                    pending = !r.await(FenceUsage.KERNEL, session.fenceTimeout());
                                    if (!pending && last >= 0) {
                                        lostWrite(d, m.entries(), id, id * sl, sl, last, previous, e);
                                    }
                                    if (!pending) {
                                        previous = last;
                                        last = id * 1000 + i;
                                        devWrite(d, m.entries(), id * sl, sl, last);
                                    }
                                } finally {
                                    a.unmap(m);
                                }
                            } finally {
                                r.unlock();
                            }
                            if (pending) {
                                stuck.set(true);
                            }
                        }
                    } catch (Throwable x) {
                        errors.add(x);
                    }
                }, "kit-importer-" + t));
            }
            Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                threads.forEach(Thread::start);
                for (Thread w : threads) {
                    w.join();
                }
            }, "[MOVE-1] the stress test did not finish in 30 s");
            if (errors.isEmpty() && stuck.get()) {
                signalsOnlyWithoutTheLock(r, e.what(), "while an importer held the lock after its map");
            }
            if (!errors.isEmpty()) {
                Throwable first = errors.peek();
                if (first instanceof ConformanceError ce) {
                    throw ce;
                }
                Rule rule = Verify.blame(first, Rule.MOVE_1);
                throw failure(rule, errors.size() + " thread(s) moving or mapping " + e.what() + " failed; first: "
                        + Verify.describe(first), rule == Rule.MOVE_1 ? "that move() is safe against concurrent maps"
                        + " under the lock" : Verify.hintFor(rule, first), first);
            }
            session.recorder().check();
        }

        /**
         * Checks that an importer's last write, made under the lock before moves, is still there: stale bytes of its
         * write before that mean a move copied before the last write landed (MOVE-1: the copy ran without the lock, or
         * the write went to memory the move had left); anything else (zeros, poison) is a copy that lost data (MOVE-6).
         */
        private void lostWrite(SimulatedDevice d, List<SgEntry> entries, int id, long off, long len, int last,
                int previous, Exported e) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment dst = arena.allocate(len);
                Dma.read(d, entries, off, dst);
                long bad = Pattern.mismatch(dst, off, last);
                if (bad < 0) {
                    return;
                }
                Diagnose.Found f = previous >= 0 ? Diagnose.find(dst, off, bad, last, previous)
                        : Diagnose.find(dst, off, bad, last);
                String[] why = previous >= 0 ? Diagnose.explain(dst, off, bad, last, "after a move", previous)
                        : Diagnose.explain(dst, off, bad, last, "after a move");
                if (f.fact() == Diagnose.Fact.EARLIER_WRITE) {
                    throw failure(Rule.MOVE_1, "importer " + id + " wrote byte " + bad + " of " + e.what() + " under the"
                            + " lock, and after a move it holds the importer's write before that: " + why[0], "most"
                            + " likely move() copies (or switches memory) without holding the reservation lock from"
                            + " before invalidateMappings() until the new memory is in place, so a write made under"
                            + " the lock meanwhile was left behind");
                }
                throw failure(Rule.MOVE_6, "importer " + id + " wrote byte " + bad + " of " + e.what() + " under the"
                        + " lock, and after a move it was gone: " + why[0], why[1]);
            }
        }
    }

    // ---- campaign -------------------------------------------------------------------------------------------------

    /** The stateful campaign, with a small budget. */
    @Nested
    @DisplayName("Campaign")
    public class StatefulCampaign {
        /** For JUnit. */
        public StatefulCampaign() {
        }

        /** Random operation sequences follow the model. */
        @Test
        @DisplayName("MAP-10: seeded random sequences of operations match the model (campaign; replay with "
                + "-Ddmabuf4j.campaign.seed)")
        public void randomSequencesOfOperationsMatchTheModel() {
            campaign(session.fixture()).run();
        }
    }
}
