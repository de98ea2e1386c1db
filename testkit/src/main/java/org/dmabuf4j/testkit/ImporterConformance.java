package org.dmabuf4j.testkit;

import static org.dmabuf4j.testkit.internal.Verify.failure;
import static org.dmabuf4j.testkit.internal.Verify.that;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.NoCpuPageException;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.internal.AdversarialExporter;
import org.dmabuf4j.testkit.internal.AdversarialExporter.MoveFence;
import org.dmabuf4j.testkit.internal.AdversarialFixture;
import org.dmabuf4j.testkit.internal.DeviceSpec;
import org.dmabuf4j.testkit.internal.Exported;
import org.dmabuf4j.testkit.internal.KitSession;
import org.dmabuf4j.testkit.internal.Threads;
import org.dmabuf4j.testkit.internal.Verify;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The importer conformance suite. Extend it and implement {@link #puppet} so the kit can drive your importer:
 *
 * <pre>{@code
 * class MyImporterConformanceTest extends ImporterConformance {
 *     @Override
 *     protected ImporterPuppet puppet(DmaBuf buffer, SimulatedDevice device) {
 *         MyImporter importer = new MyImporter(buffer, device);
 *         return new ImporterPuppet() {
 *             public void attach() { importer.start(); }
 *             public void use() { importer.processOneFrame(); }
 *             public void stop() { importer.shutdown(); }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>An adversarial exporter (a real dynamic exporter in the kit) moves the buffer at awkward points, holds back or
 * fails the fences of its moves and revokes the buffer. The kit fails a test when the importer touches memory through
 * a stale mapping (an IOMMU fault out of {@code use()}, {@link Rule#MOVE_7 MOVE-7}), touches the new memory before a
 * move's fence signals ({@link Rule#MOVE_8 MOVE-8}), does not unmap on revocation ({@link Rule#REV_5 REV-5}), breaks a
 * rule the framework enforces (the rule of the exception it caused: {@link Rule#MAP_1 MAP-1},
 * {@link Rule#MAP_10 MAP-10}, {@link Rule#ATT_2 ATT-2}, ...) or leaves an attachment or mapping behind after
 * {@code stop()}. Random tests print their seed; {@code -Ddmabuf4j.importer.seed=<n>} replays one.
 */
public abstract class ImporterConformance {
    /** Ends each test with the leak checks and tags failures with their rule. */
    @RegisterExtension
    static final KitExtension KIT = new KitExtension();

    /** Prints failed and skipped tests by display name, with their messages and reasons, and the suite's counts. */
    @RegisterExtension
    static final KitReport REPORT = new KitReport();

    /** The system property that replays the random tests. */
    public static final String SEED_PROPERTY = "dmabuf4j.importer.seed";

    /** The running test's session; set before each test. */
    KitSession session;
    private AdversarialFixture fixture;

    /** For subclasses. */
    protected ImporterConformance() {
    }

    /**
     * The importer under test, for one buffer on one device. Called once per test.
     *
     * @param buffer a handle to the buffer to import; the importer may close it when it stops
     * @param device the device the importer runs on
     * @return the puppet through which the kit drives the importer
     */
    protected abstract ImporterPuppet puppet(DmaBuf buffer, SimulatedDevice device);

    /**
     * How long the kit waits for the importer (blocked uses, revocation) before calling it stuck.
     *
     * @return 5 seconds by default
     */
    protected Duration fenceTimeout() {
        return Duration.ofSeconds(5);
    }

    @BeforeEach
    final void openKitSession() {
        fixture = new AdversarialFixture(false);
        session = KitSession.openForImporter(fixture, fenceTimeout());
    }

    /**
     * One test's importer and its buffer: of the kit's adversarial exporter ({@code exporter} set), or of a core heap
     * ({@code buffer} and {@code exporter} null), whose CPU cache the framework simulates for non-coherent devices.
     */
    private record Setup(Exported buffer, AdversarialExporter exporter, SimulatedDevice device,
            ImporterPuppet puppet, String what) {
        int moves() {
            return exporter == null ? 0 : exporter.moves();
        }
    }

    private Setup setup(DeviceSpec spec) {
        Exported e = session.export(64 * 1024 + DmaConstraints.PAGE_SIZE);
        SimulatedDevice d = session.device(spec);
        DmaBuf handle = e.handle().share();
        session.onCleanup(handle::close);
        ImporterPuppet p = puppet(handle, d);
        that(p != null, Rule.ATT_3, () -> "puppet() returned null", "that puppet() returns the importer's puppet");
        return new Setup(e, fixture.exporterOf(e.exported()), d, p, e.what());
    }

    private static Rule classify(Throwable t, Rule fallback) {
        if (t instanceof NoCpuPageException) {
            return Rule.CPU_1;
        }
        if (t instanceof DmaBufException d && d.rule() == Rule.PIN_2) {
            // the exporter refused a pin, as it may: the importer did not handle the refusal
            return Rule.PIN_2;
        }
        if (t instanceof DmaBufException d && d.rule().binds() == Rule.Party.IMPORTER) {
            return d.rule();
        }
        if (closedSegment(t)) {
            return Rule.CPU_1;
        }
        return fallback;
    }

    /** An FFM access to a segment whose scope was closed: a CPU window's or a dead mapping's view kept too long. */
    private static boolean closedSegment(Throwable t) {
        return t instanceof IllegalStateException && t.getMessage() != null
                && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("closed");
    }

    private static String hintFor(Throwable t, String hint) {
        if (t instanceof DmaBufException d && d.rule() == Rule.PIN_2) {
            return "most likely the importer pins without handling a refusal: an exporter may refuse a pin (a static"
                    + " one always does, its memory never moves); treat the refusal as 'not pinned', or do not pin";
        }
        if (t instanceof NoCpuPageException) {
            return "most likely the importer reads the buffer through a mapping entry's CPU view"
                    + " (SgEntry.cpuSegment()) instead of a CPU window; entries of device memory have no CPU page and"
                    + " on a non-coherent device that view is stale: open beginCpuAccess and read the window";
        }
        return closedSegment(t) ? "that every CPU access is bracketed by beginCpuAccess and close, and that no"
                + " segment of a closed window or of a dead mapping is kept and used" : hint;
    }

    private void call(Setup s, String what, Rule rule, String hint, Verify.Action action) {
        try {
            action.run();
        } catch (ConformanceError e) {
            throw e;
        } catch (IommuFaultException | InvalidatedMappingException stale) {
            throw deviceFault(s, what, stale);
        } catch (Exception e) {
            if (!s.device().isCoherent() && !(e instanceof DmaBufException) && !closedSegment(e)) {
                // the importer's own failure, on a non-coherent device only (the same importer passes the coherent
                // tests): it saw stale bytes, which CPU access outside a window's bracket does
                throw failure(Rule.CPU_1, what + " of the importer of " + s.what() + " on non-coherent"
                        + " device '" + s.device().name() + "' threw " + Verify.describe(e), "most likely the"
                        + " importer reads or writes the buffer from the CPU outside beginCpuAccess/close (through a"
                        + " mapping entry's CPU view, or a vmap): on a non-coherent device those go through the CPU"
                        + " cache and see stale bytes; bracket every CPU access with a CPU window", e);
            }
            throw failure(classify(e, rule), what + " of the importer of " + s.what() + " on device '"
                    + s.device().name() + "' threw " + Verify.describe(e), hintFor(e, hint), e);
        }
    }

    /**
     * A device access of the importer that faulted, filed by what the fault says: a wrong direction is DEV-4 (the
     * importer mapped TO_DEVICE and wrote, or FROM_DEVICE and read); an address that belonged to an invalidated
     * mapping is MOVE-7 (it kept using its mapping after moveNotify); an address of another device or of nothing is
     * MAP-10/DEV-1 territory, reported on {@code MOVE-7} only when a move happened in between.
     */
    private ConformanceError deviceFault(Setup s, String what, RuntimeException fault) {
        String m = fault.getMessage() == null ? "" : fault.getMessage();
        if (fault instanceof IommuFaultException f && f.rule() == Rule.DEV_4) {
            return failure(Rule.DEV_4, what + " on '" + s.device().name() + "' accessed " + s.what()
                    + " in a direction its mapping does not allow: " + Verify.describe(fault), "most likely the"
                    + " importer maps TO_DEVICE and lets the device write (or FROM_DEVICE and read): map with the"
                    + " direction the device access needs, BIDIRECTIONAL for read-modify-write", fault);
        }
        boolean moved = s.moves() > 0;
        String cause = fault instanceof InvalidatedMappingException || m.contains("belonged to")
                ? (moved ? "the importer kept using a mapping that a move invalidated: moveNotify must mark its"
                        + " mappings stale (or unmap them) and use() must map again, under the reservation lock,"
                        + " before its next access" : "the importer used a mapping after unmapping it")
                : m.contains("address of device") ? "the importer used the DMA addresses of another device's mapping;"
                        + " addresses are per device (MAP-9): map through an attachment of this device"
                : "the importer used an address nothing maps (never mapped, or unmapped): use the addresses of its"
                        + " current mapping";
        return failure(moved ? Rule.MOVE_7 : Rule.MAP_10, what + " touched " + s.what() + " through a dead"
                + " or foreign address" + (moved ? " after " + s.moves() + " move(s)" : "") + ": "
                + Verify.describe(fault), "most likely " + cause, fault);
    }

    private void attach(Setup s) {
        call(s, "attach()", Rule.ATT_3, "that attach() attaches the importer (dynamic, with moveNotify)",
                s.puppet()::attach);
    }

    private void use(Setup s) {
        call(s, "use()", Rule.MOVE_7, "that use() maps under the reservation lock and accesses through its current "
                + "mapping", s.puppet()::use);
    }

    /** Moves the buffer; false if it did not move (an attachment pins it: a static or pinning importer). */
    private boolean move(Setup s, MoveFence fence) {
        try {
            return s.exporter().move(fence);
        } catch (DmaBufException e) {
            throw failure(classify(e, Rule.MOVE_7), "a move of " + s.what() + " failed inside the importer's"
                    + " moveNotify: " + Verify.describe(e), "that moveNotify neither takes nor releases the "
                    + "reservation lock, tolerates repeated calls and only marks mappings stale (or unmaps them)", e);
        }
    }

    private static boolean hasDynamicAttachment(Setup s) {
        Reservation r = s.buffer().exported().reservation();
        r.lock();
        try {
            return s.buffer().exported().attachments().stream().anyMatch(a -> a.isDynamic());
        } finally {
            r.unlock();
        }
    }

    private void stopAndCheck(Setup s) {
        call(s, "stop()", Rule.ATT_2, "that stop() unmaps every mapping, then detaches", s.puppet()::stop);
        if (s.buffer() == null) {
            long translations = s.device().liveTranslations();
            that(translations == 0, Rule.ATT_2, () -> "after stop(), device '" + s.device().name() + "' still holds "
                    + translations + " translation(s) of " + s.what(), "most likely stop() does not detach: a dynamic"
                    + " importer of this static exporter gets a cached mapping that lives until detach (or a mapping"
                    + " was never unmapped); unmap every mapping, then close the attachment");
            return;
        }
        Reservation r = s.buffer().exported().reservation();
        r.lock();
        int left;
        try {
            left = s.buffer().exported().attachments().size();
        } finally {
            r.unlock();
        }
        that(left == 0, Rule.ATT_2, () -> "after stop(), " + left + " attachment(s) of " + s.what()
                + " are still attached", "that stop() unmaps its mappings and closes its attachment");
        long translations = s.device().liveTranslations();
        that(translations == 0, Rule.MAP_10, () -> "after stop(), device '" + s.device().name() + "' still holds "
                + translations + " translation(s): a mapping was never unmapped", "that stop() unmaps every mapping"
                + " it made, including ones killed by a move");
    }

    /** Runs use() on another thread across a held move; completes the move once the importer waits. */
    private void useAcrossHeldMove(Setup s, boolean copySucceeds) throws InterruptedException {
        useAcrossHeldMove(s, copySucceeds, 0);
    }

    /**
     * Runs use() on another thread across a held move; once the importer waits, keeps the move's fence pending for
     * {@code holdMillis} more (a slow copy), then completes the move. An importer that stops waiting and proceeds
     * within the hold touched the new memory before the copy: MOVE-8.
     */
    private void useAcrossHeldMove(Setup s, boolean copySucceeds, long holdMillis) throws InterruptedException {
        if (!move(s, MoveFence.HELD)) {
            // pinned by the importer (static or pinning): nothing moved, nothing to wait for
            use(s);
            return;
        }
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread user = new Thread(() -> {
            try {
                s.puppet().use();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "kit-importer-use");
        user.start();
        Threads.Seen seen = Threads.awaitParkedOrDone(user, fenceTimeout());
        if (seen != Threads.Seen.DONE && holdMillis > 0) {
            user.join(holdMillis); // a bounded hold of the fence, not a synchronisation: the importer must still wait
            if (!user.isAlive()) {
                s.exporter().completeMove(copySucceeds);
                Throwable t = thrown.get();
                throw failure(Rule.MOVE_8, "use() returned" + (t == null ? "" : " (" + Verify.describe(t) + ")")
                        + " while the KERNEL fence of a move of " + s.what() + " had been pending for less"
                        + " than " + holdMillis + " ms: it stopped waiting and touched the new memory before the copy"
                        + " was done", "most likely the importer waits with a timeout shorter than a slow copy and"
                        + " proceeds when it expires: wait until the fence signals (or fails), and treat a timed-out"
                        + " wait as an error, never as permission to access", t);
            }
        }
        s.exporter().completeMove(copySucceeds);
        if (seen == Threads.Seen.DONE) {
            Throwable t = thrown.get();
            if (t instanceof IommuFaultException || t instanceof InvalidatedMappingException) {
                throw deviceFault(s, "use()", (RuntimeException) t);
            }
            if (t instanceof DmaBufException d && d.rule().binds() == Rule.Party.IMPORTER) {
                throw failure(d.rule(), "use() threw " + Verify.describe(t), "the rule", t);
            }
            throw failure(Rule.MOVE_8, "use() returned" + (t == null ? "" : " (" + Verify.describe(t) + ")")
                    + " while the KERNEL fence of a move of " + s.what() + " was still pending: it did not"
                    + " wait for the copy before touching the new memory", "that use() waits for the buffer's KERNEL"
                    + " fences (reservation().await(FenceUsage.KERNEL, timeout)) after mapping, before the device"
                    + " access", t);
        }
        user.join(fenceTimeout().toMillis() * 2);
        that(!user.isAlive(), Rule.MOVE_8, () -> "use() did not return after the move's fence "
                + (copySucceeds ? "signaled" : "failed"), "that use() waits for the fence, not for something else");
        Throwable t = thrown.get();
        if (t == null) {
            return;
        }
        if (t instanceof IommuFaultException || t instanceof InvalidatedMappingException) {
            throw deviceFault(s, "use()", (RuntimeException) t);
        }
        if (copySucceeds || t instanceof DmaBufException d && d.rule().binds() == Rule.Party.IMPORTER) {
            throw failure(classify(t, Rule.MOVE_7), "use() threw " + Verify.describe(t) + " across a move", "that "
                    + "use() handles a move: map again, wait for the KERNEL fence, access", t);
        }
    }

    /** {@link Rule#ATT_2 ATT-2}: a plain life cycle leaves nothing. */
    @Test
    @DisplayName("ATT-2: attach, use and stop leave no attachment, mapping or translation behind")
    public void attachUseAndStopLeaveNothingBehind() {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        for (int i = 0; i < 3; i++) {
            use(s);
        }
        stopAndCheck(s);
    }

    /** {@link Rule#MOVE_7 MOVE-7}: the importer re-maps after a move before its next access. */
    @Test
    @DisplayName("MOVE-7: after a move the importer maps again before its next access")
    public void afterAMoveTheImporterMapsAgain() {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        for (int i = 0; i < 4; i++) {
            int before = s.exporter().maps();
            boolean moved = move(s, MoveFence.IMMEDIATE);
            use(s);
            that(!moved || s.exporter().maps() > before, Rule.MOVE_7, () -> "use() after a move of " + s.what()
                    + " did not map again", "that use() maps again after moveNotify");
        }
        stopAndCheck(s);
    }

    /** {@link Rule#MOVE_7 MOVE-7}: repeated notifications are tolerated. */
    @Test
    @DisplayName("MOVE-7: repeated notifications without an access in between are tolerated")
    public void repeatedNotificationsAreTolerated() {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        move(s, MoveFence.IMMEDIATE);
        move(s, MoveFence.IMMEDIATE);
        move(s, MoveFence.IMMEDIATE);
        use(s);
        use(s);
        stopAndCheck(s);
    }

    /**
     * {@link Rule#MOVE_8 MOVE-8}: the importer waits for the copy of a move.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("MOVE-8: after a move the importer waits for the KERNEL fence before touching the new memory")
    public void afterAMoveTheImporterWaitsForTheKernelFence() throws InterruptedException {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        useAcrossHeldMove(s, true);
        use(s);
        stopAndCheck(s);
    }

    /**
     * {@link Rule#MOVE_8 MOVE-8}: a failed copy is waited for too, and never leads to a stale access.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("MOVE-8: a move whose copy fails is still waited for, and never leads to a stale access")
    public void aFailedCopyIsStillWaitedFor() throws InterruptedException {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        useAcrossHeldMove(s, false);
        stopAndCheck(s);
    }

    /**
     * {@link Rule#MOVE_8 MOVE-8}: a slow copy is waited for until its fence signals.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("MOVE-8: a move whose copy stays pending for hundreds of milliseconds is waited for to the end")
    public void aSlowCopyIsWaitedForToTheEnd() throws InterruptedException {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        useAcrossHeldMove(s, true, Math.min(400, fenceTimeout().toMillis() / 2));
        use(s);
        stopAndCheck(s);
    }

    /**
     * {@link Rule#MOVE_7 MOVE-7}: a move that happens while use() waits for the lock is seen by use() once it has the
     * lock.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("MOVE-7: a move that happens while use() waits for the reservation lock is honoured once it has it")
    public void aMoveWhileUseWaitsForTheLockIsHonoured() throws InterruptedException {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        for (int round = 0; round < 2; round++) {
            Reservation r = s.buffer().exported().reservation();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread user = new Thread(() -> {
                try {
                    s.puppet().use();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "kit-importer-use");
            r.lock();
            try {
                user.start();
                // the importer either does not need the lock now (done) or waits for it; either way move under it
                Threads.awaitParkedOrDone(user, fenceTimeout());
                try {
                    s.exporter().moveLocked(MoveFence.IMMEDIATE);
                } catch (DmaBufException e) {
                    throw failure(classify(e, Rule.MOVE_7), "a move of " + s.what() + " failed inside the"
                            + " importer's moveNotify: " + Verify.describe(e), "that moveNotify neither takes nor"
                            + " releases the reservation lock and only marks mappings stale (or unmaps them)", e);
                }
            } finally {
                r.unlock();
            }
            user.join(fenceTimeout().toMillis() * 2);
            that(!user.isAlive(), Rule.MOVE_7, () -> "use() did not return after the kit released the reservation"
                    + " lock", "that use() waits for the lock, not for something the move never does");
            Throwable t = thrown.get();
            if (t instanceof IommuFaultException || t instanceof InvalidatedMappingException) {
                throw failure(deviceFault(s, "use() that waited for the lock while the buffer moved",
                        (RuntimeException) t).rule(), "use() that waited for the reservation lock while "
                        + s.what() + " moved then touched it through a dead mapping: "
                        + Verify.describe(t), "most likely use() decides whether to map again before it takes the"
                        + " lock (or keeps the mapping it read before): check staleness and read the current mapping"
                        + " after taking the lock", t);
            }
            if (t != null) {
                throw failure(classify(t, Rule.MOVE_7), "use() that waited for the reservation lock while "
                        + s.what() + " moved threw " + Verify.describe(t), hintFor(t, "that use() checks"
                        + " for a move after it takes the lock and maps again then"), t);
            }
            use(s);
        }
        stopAndCheck(s);
    }

    /**
     * {@link Rule#CPU_1 CPU-1}: on a non-coherent device, the importer reaches the buffer only through DMA or CPU
     * windows. An importer that reads a mapping entry's CPU view without beginCpuAccess is caught here only where core
     * makes those views obey the non-coherent cache model or guards them (the failure is then {@link Rule#CPU_1 CPU-1}
     * or a stale-data failure of use()); the kit itself cannot see a plain read of memory.
     */
    @Test
    @DisplayName("CPU-1: on a non-coherent device the importer reaches the buffer only through DMA or CPU windows")
    public void onANonCoherentDeviceTheImporterUsesOnlyDmaOrWindows() {
        Setup s = setup(DeviceSpec.NON_COHERENT);
        attach(s);
        use(s);
        move(s, MoveFence.IMMEDIATE);
        use(s);
        stopAndCheck(s);
    }

    /**
     * CPU-1: a buffer of the system heap on a non-coherent device. For memory the framework keeps, mapping entries'
     * CPU views and vmaps go through the simulated CPU cache (CPU-9), so an importer that reads what its device wrote
     * through them, outside a CPU window, sees stale bytes and fails its own checks here, on this device only.
     */
    @Test
    @DisplayName("CPU-1: on a non-coherent device, a system-heap buffer (whose CPU cache is simulated) is reached only"
            + " through DMA or CPU windows")
    public void onANonCoherentDeviceAHeapBufferIsReachedOnlyThroughDmaOrWindows() {
        SimulatedDevice d = session.device(DeviceSpec.NON_COHERENT);
        DmaBuf heap = session.system().systemHeap().allocate(64 * 1024 + DmaConstraints.PAGE_SIZE);
        session.onCleanup("close of the kit's handle of the system-heap buffer", heap::close);
        DmaBuf handle = heap.share();
        session.onCleanup("close of the importer's handle of the system-heap buffer", handle::close);
        ImporterPuppet p = puppet(handle, d);
        that(p != null, Rule.ATT_3, () -> "puppet() returned null", "that puppet() returns the importer's puppet");
        Setup s = new Setup(null, null, d, p, "buffer #" + heap.id() + " (" + heap.size() + " bytes, system heap)");
        attach(s);
        for (int i = 0; i < 4; i++) {
            use(s);
        }
        stopAndCheck(s);
    }

    /**
     * {@link Rule#REV_5 REV-5}: on revocation the importer stops and unmaps.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("REV-5: on revocation the importer stops and unmaps without waiting to map again")
    public void onRevocationTheImporterStopsAndUnmaps() throws InterruptedException {
        Setup s = setup(DeviceSpec.PLAIN);
        attach(s);
        use(s);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread revoker = new Thread(() -> {
            try {
                s.exporter().revoke(fenceTimeout());
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "kit-revoker");
        revoker.start();
        Threads.awaitParkedOrDone(revoker, fenceTimeout());
        try {
            s.puppet().use();
        } catch (RevokedException expected) {
            // allowed: the importer reports the revocation
        } catch (InvalidatedMappingException stale) {
            if (stale.rule() != Rule.REV_2 || hasDynamicAttachment(s)) {
                throw failure(Rule.REV_5, "use() during revocation of " + s.what() + " touched a dead"
                        + " mapping: " + Verify.describe(stale), "most likely moveNotify does not stop device access:"
                        + " on a revoked buffer it must unmap and make use() stop (or throw RevokedException)", stale);
            }
            // a static importer is never notified: the framework's refusal of its revoked mapping is its report
        } catch (IommuFaultException stale) {
            throw failure(Rule.REV_5, "use() during revocation of " + s.what() + " touched a dead mapping: "
                    + Verify.describe(stale), "that moveNotify stops device access", stale);
        } catch (DmaBufException other) {
            throw failure(classify(other, Rule.REV_5), "use() during revocation threw " + Verify.describe(other),
                    "that use() handles a revoked buffer (RevokedException from map) by stopping", other);
        }
        revoker.join(fenceTimeout().toMillis() * 3);
        that(!revoker.isAlive(), Rule.REV_5, () -> "revocation of " + s.what() + " did not finish",
                "that the importer unmaps when notified of a revocation");
        Throwable t = thrown.get();
        if (t instanceof DmaTimeoutException timeout) {
            throw failure(Rule.REV_5, "revocation of " + s.what() + " timed out waiting for the importer: "
                    + timeout.getMessage(), "that moveNotify (or the next use()) unmaps a revoked buffer's mappings "
                    + "without first trying to map again", timeout);
        }
        if (t != null) {
            throw failure(classify(t, Rule.REV_5), "revocation of " + s.what() + " failed: "
                    + Verify.describe(t), "that moveNotify neither takes nor releases the lock", t);
        }
        stopAndCheck(s);
    }

    private void randomRun(DeviceSpec spec) throws InterruptedException {
        String replay = System.getProperty(SEED_PROPERTY);
        long seed = replay != null && !replay.isBlank() ? Long.parseLong(replay.trim()) : System.nanoTime();
        System.out.println("dmabuf4j importer kit: seed=" + seed + " on " + spec.deviceName() + "; replay with -D"
                + SEED_PROPERTY + "=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        Setup s = setup(spec);
        StringBuilder steps = new StringBuilder();
        int step = 0;
        try {
            attach(s);
            steps.append("\n    1: attach");
            for (step = 2; step <= 40; step++) {
                int r = rnd.nextInt(10);
                String what = r < 5 ? "use" : r < 7 ? "move (fence signaled at once)" : r < 8
                        ? "move with a held fence, then use" : r < 9 ? "move whose copy fails, then use"
                        : "two moves, then use";
                steps.append("\n    ").append(step).append(": ").append(what);
                switch (r) {
                    case 0, 1, 2, 3, 4 -> use(s);
                    case 5, 6 -> move(s, MoveFence.IMMEDIATE);
                    case 7 -> useAcrossHeldMove(s, true);
                    case 8 -> useAcrossHeldMove(s, false);
                    default -> {
                        move(s, MoveFence.IMMEDIATE);
                        move(s, MoveFence.IMMEDIATE);
                        use(s);
                    }
                }
            }
            steps.append("\n    ").append(step).append(": stop");
            stopAndCheck(s);
        } catch (ConformanceError e) {
            throw new ConformanceError(e.rule(), e.observed() + " (seed=" + seed + ", step " + step + "; replay with -D"
                    + SEED_PROPERTY + "=" + seed + "); steps:" + steps, e.hint(), e);
        }
    }

    /**
     * {@link Rule#MOVE_7 MOVE-7}: random moves never lead to stale accesses.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("MOVE-7: random moves, held and failing fences and uses never touch stale memory (seeded)")
    public void randomMovesNeverLeadToStaleAccesses() throws InterruptedException {
        randomRun(DeviceSpec.PLAIN);
    }

    /**
     * {@link Rule#MOVE_7 MOVE-7}: the same on a non-coherent device.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @DisplayName("MOVE-7: on a non-coherent device, random moves and uses never touch stale memory (seeded)")
    public void randomMovesOnANonCoherentDevice() throws InterruptedException {
        randomRun(DeviceSpec.NON_COHERENT);
    }
}
