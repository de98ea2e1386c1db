package org.dmabuf4j.testkit.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ConformanceError;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * One test's world: its own system (observed), its devices, what it opened, and the leak checks that end it.
 *
 * <p>Every resource opened through the session is closed at the end in reverse order, whether or not the test
 * passed. Only when the test passed are the leak checks run: then anything left is the code under test's doing.
 */
public final class KitSession {
    private final ExporterFixture fixture;
    private final ObservingSystem observing;
    private final Recorder recorder = new Recorder();
    private final Map<DeviceSpec, SimulatedDevice> devices = new EnumMap<>(DeviceSpec.class);
    private final Deque<Cleanup> cleanups = new ArrayDeque<>();
    /** What failed while closing what the test left open; guarded by this. */
    private final List<String> cleanupWhat = new ArrayList<>();
    private final List<RuntimeException> cleanupFailures = new ArrayList<>();
    private final List<Exported> exported = new ArrayList<>();
    private final List<Timeline> timelines = new ArrayList<>();
    private final Set<Mapping> liveMappings = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long nativeBaseline;
    private final OptionalLong fixtureBaseline;
    private final Duration fenceTimeout;
    private final boolean importerKit;
    private volatile boolean finished;

    private KitSession(ExporterFixture fixture, Duration fenceTimeout, boolean importerKit) {
        this.fixture = fixture;
        this.importerKit = importerKit;
        this.fenceTimeout = fenceTimeout;
        SimulatedSystem real = fixture.newSystem();
        this.observing = new ObservingSystem(real, recorder);
        this.nativeBaseline = real.liveNativeBytes();
        this.fixtureBaseline = fixture.liveBytes();
    }

    /**
     * Opens a session.
     *
     * @param fixture the exporter under test
     * @param fenceTimeout how long fences may take to signal (FENCE-7)
     * @return the session
     */
    public static KitSession open(ExporterFixture fixture, Duration fenceTimeout) {
        return new KitSession(fixture, fenceTimeout, false);
    }

    /**
     * Opens a session of the importer kit: the fixture is the kit's own exporter, so leaks are the importer's doing
     * and the end-of-test messages say so.
     *
     * @param fixture the kit's adversarial exporter
     * @param fenceTimeout how long fences and blocked uses may take
     * @return the session
     */
    public static KitSession openForImporter(ExporterFixture fixture, Duration fenceTimeout) {
        return new KitSession(fixture, fenceTimeout, true);
    }

    /** The end-of-test hint: the exporter's cause in the exporter kit, the importer's in the importer kit. */
    private String cause(String exporterCause, String importerCause) {
        return importerKit ? importerCause : exporterCause;
    }

    private static String bytes(OptionalLong n) {
        return n.isPresent() ? n.getAsLong() + " bytes" : "an unknown number of bytes";
    }

    /**
     * The fixture.
     *
     * @return the fixture
     */
    public ExporterFixture fixture() {
        return fixture;
    }

    /**
     * Whether the fixture declares a feature.
     *
     * @param feature the feature
     * @return true if declared
     */
    public boolean has(ExporterFeature feature) {
        return fixture.features().contains(feature);
    }

    /**
     * The observing system, as handed to the fixture.
     *
     * @return the system
     */
    public SimulatedSystem system() {
        return observing.view();
    }

    /**
     * The observing system's controller.
     *
     * @return the observer
     */
    public ObservingSystem observing() {
        return observing;
    }

    /**
     * Where exporter-side violations go.
     *
     * @return the recorder
     */
    public Recorder recorder() {
        return recorder;
    }

    /**
     * How long fences may take.
     *
     * @return the timeout
     */
    public Duration fenceTimeout() {
        return fenceTimeout;
    }

    /**
     * A device of the session, built on first use.
     *
     * @param spec which device
     * @return the device
     */
    public synchronized SimulatedDevice device(DeviceSpec spec) {
        return devices.computeIfAbsent(spec, s -> s.build(observing.real()));
    }

    /** A step of the end-of-test cleanup, with what it does for messages. */
    private record Cleanup(String what, Runnable action) {
    }

    /**
     * Registers a cleanup, run at the end in reverse order.
     *
     * @param cleanup the cleanup
     */
    public void onCleanup(Runnable cleanup) {
        onCleanup("closing what the test opened", cleanup);
    }

    /**
     * Registers a cleanup, run at the end in reverse order. If the test passed and the cleanup throws, the test fails
     * with what it threw: the code under test failed to close something (an exporter whose unmap or detach throws).
     *
     * @param what what the cleanup does, for the failure message ("unmap of a mapping of buffer #3")
     * @param cleanup the cleanup
     */
    public synchronized void onCleanup(String what, Runnable cleanup) {
        cleanups.push(new Cleanup(what, cleanup));
    }

    /**
     * Exports a buffer without layout.
     *
     * @param size bytes
     * @return the buffer
     */
    public Exported export(long size) {
        return export(size, Optional.empty());
    }

    /**
     * Exports a buffer through the fixture (BUF-7): any failure is reported on BUF-7 or on the rule the framework
     * named.
     *
     * @param size bytes
     * @param layout the layout or empty
     * @return the buffer
     */
    public Exported export(long size, Optional<BufferLayout> layout) {
        ExportedBuffer buffer = Verify.succeeds(Rule.BUF_7, "fixture " + fixture.name() + ".export(" + size + ", "
                + layout.map(BufferLayout::toString).orElse("no layout") + ")",
                "that export() builds a valid ExportInfo (non-blank name, page-multiple size, the exporter) and calls "
                + "system.export with it", () -> fixture.export(system(), size, layout));
        Verify.that(buffer != null, Rule.BUF_7, () -> "fixture " + fixture.name() + ".export returned null",
                "that export() returns what system.export returned");
        DmaBuf handle = buffer.handle();
        Reservation reservation = buffer.reservation();
        onCleanup("close of the first handle of buffer #" + handle.id(), () -> {
            // closing may release the buffer, which needs its lock: never wait for a lock a stuck thread holds
            if (!reservation.isLocked() || reservation.isHeldByCurrentThread()) {
                handle.close();
            }
        });
        Verify.that(handle.size() == size, Rule.BUF_1, () -> "fixture " + fixture.name() + " exported buffer #"
                + handle.id() + " of " + handle.size() + " bytes when asked for " + size,
                "that export() passes the requested size to ExportInfo");
        Exported e = new Exported(buffer, handle, observing.observerOf(buffer), "buffer #" + handle.id() + " ("
                + size + " bytes, exporter '" + handle.exporterName() + "')");
        synchronized (this) {
            exported.add(e);
        }
        return e;
    }

    /**
     * Attaches, tracked for cleanup.
     *
     * @param buffer the handle
     * @param device the device
     * @param importer the importer, or null for a static attachment
     * @return the attachment
     */
    public Attachment attach(DmaBuf buffer, SimulatedDevice device, Importer importer) {
        List<FenceEntry> before = MoveFences.entries(buffer.reservation());
        Attachment a = importer == null ? buffer.attach(device) : buffer.attach(device, importer);
        Reservation r = a.buffer().reservation();
        onCleanup("detach of buffer #" + a.buffer().id() + " from device '" + device.name() + "'", () -> {
            if (!r.isLocked() || r.isHeldByCurrentThread()) {
                a.close();
            }
        });
        MoveFences.newOnesAreKernel(r, before, "an attach to device '" + device.name() + "' (which may migrate the"
                + " buffer)", "buffer #" + buffer.id());
        return a;
    }

    /**
     * Maps without holding the lock (mapUnlocked), tracked for cleanup.
     *
     * @param attachment the attachment
     * @param direction the direction
     * @return the mapping
     */
    public Mapping map(Attachment attachment, Direction direction) {
        Mapping m = attachment.mapUnlocked(direction);
        track(m);
        return m;
    }

    /**
     * Tracks a mapping made elsewhere, for cleanup.
     *
     * @param m the mapping
     */
    public void track(Mapping m) {
        synchronized (this) {
            liveMappings.add(m);
        }
        Reservation r = m.attachment().buffer().reservation();
        onCleanup("unmap of a mapping of buffer #" + m.attachment().buffer().id() + " on device '"
                + m.attachment().device().name() + "'", () -> {
            boolean live;
            synchronized (this) {
                live = liveMappings.remove(m);
            }
            if (live && !m.isCached() && (!r.isLocked() || r.isHeldByCurrentThread())) {
                if (r.isHeldByCurrentThread()) {
                    m.attachment().unmap(m);
                } else {
                    m.attachment().unmapUnlocked(m);
                }
            }
        });
    }

    /**
     * Unmaps a tracked mapping (unmapUnlocked).
     *
     * @param m the mapping
     */
    public void unmap(Mapping m) {
        m.attachment().unmapUnlocked(m);
        untrack(m);
    }

    /**
     * Marks a tracked mapping as unmapped by the test itself.
     *
     * @param m the mapping
     */
    public synchronized void untrack(Mapping m) {
        liveMappings.remove(m);
    }

    /**
     * A software timeline for the test's fences, closed at the end (pending points fail).
     *
     * @param name the name
     * @return the timeline
     */
    public Timeline timeline(String name) {
        Timeline t = observing.real().fences().newTimeline(name);
        synchronized (this) {
            timelines.add(t);
        }
        return t;
    }

    /**
     * The buffers exported so far.
     *
     * @return a copy
     */
    public synchronized List<Exported> exported() {
        return List.copyOf(exported);
    }

    /**
     * Ends the test: closes what is left, then, if the test passed, checks that nothing leaked.
     *
     * @param failure the test's failure, or null if it passed
     */
    public void finish(Throwable failure) {
        finish(failure, null);
    }

    /**
     * Ends the test: closes what is left, then, if the test passed, checks that nothing leaked.
     *
     * @param failure the test's failure, or null if it passed
     * @param testRule the rule the test checks, for a cleanup failure that names no rule of its own; or null
     */
    public void finish(Throwable failure, Rule testRule) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            cleanUp();
            if (failure == null) {
                reportCleanupFailure(testRule);
                checkNothingLeaked();
            }
        } finally {
            try {
                observing.real().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw Verify.failure(Rule.BUF_2, "closing the system after the test threw " + Verify.describe(e),
                            "that every buffer can be released and every device closed", e);
                }
            }
        }
    }

    /**
     * Waits, at most the fence timeout, for another thread to release a reservation lock: an exporter's own thread
     * (a copy engine's completion) may hold it for a moment; a lock still held afterwards is reported (RESV-11).
     */
    private void awaitUnlocked(Reservation r) {
        long deadline = System.nanoTime() + fenceTimeout.toNanos();
        while (r.isLocked() && !r.isHeldByCurrentThread() && System.nanoTime() - deadline < 0) {
            Thread.yield();
        }
    }

    private void cleanUp() {
        List<Exported> all = exported();
        for (Exported e : all) {
            Reservation r = e.exported().reservation();
            while (r.isHeldByCurrentThread()) {
                r.unlock();
            }
            awaitUnlocked(r);
        }
        while (true) {
            Cleanup next;
            synchronized (this) {
                next = cleanups.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.action().run();
            } catch (RuntimeException e) {
                // reported if the test passed: the code under test could not close what it opened
                synchronized (this) {
                    cleanupWhat.add(next.what());
                    cleanupFailures.add(e);
                }
            } catch (AssertionError ignored) {
                // best effort: the leak checks below report what is left
            }
        }
        List<Timeline> ts;
        synchronized (this) {
            ts = List.copyOf(timelines);
        }
        for (Timeline t : ts) {
            t.close();
        }
    }

    /**
     * Fails with the first exception a cleanup threw after a passing test: the leaks it causes are its consequences.
     * An exception naming a rule the code under test breaks is filed under that rule, any other under the test's.
     */
    private void reportCleanupFailure(Rule testRule) {
        String what;
        RuntimeException first;
        synchronized (this) {
            if (cleanupFailures.isEmpty()) {
                return;
            }
            what = cleanupWhat.getFirst();
            first = cleanupFailures.getFirst();
        }
        Rule rule = Verify.blame(first, testRule);
        if (rule == null) {
            throw first;
        }
        ConformanceError error = Verify.failure(rule, "after the test, " + what + " threw " + Verify.describe(first),
                rule == testRule ? "that the code under test's callbacks (unmap, detach, unpin, release) do not throw"
                + " for what they are given" : Verify.hintFor(rule, first), first);
        synchronized (this) {
            cleanupFailures.stream().skip(1).forEach(error::addSuppressed);
        }
        throw error;
    }

    private String exporterNames() {
        return exported().stream().map(e -> e.handle().exporterName()).distinct()
                .collect(java.util.stream.Collectors.joining("', '"));
    }

    private void checkNothingLeaked() {
        SimulatedSystem real = observing.real();
        for (Exported e : exported()) {
            Reservation r = e.exported().reservation();
            awaitUnlocked(r);
            Verify.that(!r.isLocked(), Rule.RESV_11, () -> "the reservation lock of " + e.what()
                    + " is still held " + fenceTimeout.toMillis() + " ms after the test closed everything", cause("that move(), revoke() and every "
                    + "exporter path unlock the reservation in a finally block", "that every path of the importer "
                    + "(moveNotify included) that locks the reservation unlocks it in a finally block"));
        }
        for (Exported e : exported()) {
            Reservation r = e.exported().reservation();
            boolean idle;
            try {
                idle = r.await(FenceUsage.BOOKKEEP, fenceTimeout);
            } catch (FenceFailedException failed) {
                idle = true; // every fence signaled, one with an error: finite time is all FENCE-7 asks
            } catch (DmaInterruptedException ie) {
                throw Verify.failure(Rule.FENCE_7, "interrupted while waiting for the fences of " + e.what(),
                        "nothing: the test thread was interrupted", ie);
            }
            Verify.that(idle, Rule.FENCE_7, () -> "fences of " + e.what() + " still pending " + fenceTimeout.toMillis()
                    + " ms after the test: " + r.describe(), cause("that every fence the exporter publishes (the copy "
                    + "of a move) signals in finite time, with an error if the work fails", "that every fence the "
                    + "importer adds to the buffer signals in finite time"));
        }
        recorder.check();
        for (Exported e : exported()) {
            ObservedExporter o = e.observer();
            if (o == null) {
                continue;
            }
            Verify.that(o.releases() == 1, Rule.BUF_2, () -> "the exporter of " + e.what() + " was released "
                    + o.releases() + " times after every handle and attachment was closed", cause("that the fixture"
                    + " keeps no handle of its own (share()) and returns the first handle", "that the importer closes"
                    + " every handle it share()d and closes its attachment in stop()"));
            Verify.that(o.openCpuAccesses() == 0, Rule.CPU_1, () -> o.openCpuAccesses()
                    + " CPU access(es) of " + e.what() + " were begun but never ended",
                    "the framework's endCpuAccess bookkeeping");
            o.checkNoTranslationLeft();
        }
        recorder.check();
        List<Long> live = real.liveBufferIds();
        Verify.that(live.isEmpty(), Rule.BUF_2, () -> "buffers " + live + " are still live after the test closed every"
                + " handle and attachment:\n" + real.describeBuffers(), cause("that the fixture keeps no handle of"
                + " its own and the exporter does not share() its buffers", "that the importer closes the handle it"
                + " was given and every handle it share()d, and closes its attachment in stop()"));
        for (SimulatedDevice d : real.devices()) {
            long n = d.liveTranslations();
            Verify.that(n == 0, Rule.DEV_9, () -> "device '" + d.name() + "' still holds " + n
                    + " IOMMU translation(s) after every buffer was released", cause("that unmap() calls "
                    + "device.unmap(entries) with exactly the entries map() returned", "that the importer unmaps every"
                    + " mapping it made (the exporter unmaps only what it is asked to)"));
        }
        long nativeNow = real.liveNativeBytes();
        Verify.that(nativeNow == nativeBaseline, Rule.HEAP_5, () -> "the system holds " + nativeNow
                + " bytes of native memory after every buffer of fixture " + fixture.name() + " (exporter '"
                + exporterNames() + "') was released, " + nativeBaseline + " before the test", cause("most likely"
                + " release() does not free the buffer's memory (close the exporter arena it came from; a pool that"
                + " keeps freed memory takes it from an arena of its own and reports it in liveBytes())", "that"
                + " the importer closes every CPU window, mapping and handle it opened"));
        OptionalLong fixtureNow = fixture.liveBytes();
        Verify.that(fixtureNow.equals(fixtureBaseline), Rule.HEAP_5, () -> "fixture " + fixture.name() + " holds "
                + bytes(fixtureNow) + " after every buffer was released, " + bytes(fixtureBaseline) + " before the"
                + " test", "that release() gives the buffer's memory back to the pool (or frees it)");
        List<String> leaks = real.leakReports();
        Verify.that(leaks.isEmpty(), Rule.BUF_8, () -> "leak reports: " + leaks,
                "that every handle the exporter creates is closed");
        var ownership = real.ownershipReports();
        Verify.that(ownership.isEmpty(), Rule.CPU_11, () -> "ownership reports: " + ownership,
                "that the exporter does not touch memory a device or a CPU window owns");
    }
}
