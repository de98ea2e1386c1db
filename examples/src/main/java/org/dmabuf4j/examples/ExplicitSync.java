package org.dmabuf4j.examples;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.SyncWaitFlag;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * The explicit-sync frame loop of a Wayland compositor and a client (linux-drm-syncobj-v1), on timeline sync
 * objects: per frame, an <em>acquire</em> point that the client's rendering signals and the compositor waits for,
 * and a <em>release</em> point that the compositor's read signals and the client waits for before it renders into the
 * same buffer again.
 *
 * <pre>
 *   client (engine "client-gpu")                         compositor (engine "display")
 *   frame n into buffer n % 2:
 *     wait   release@(n-2)  ◄───────────────────────────  signal release@n  (read done)
 *     render (Fill)                                        │
 *     signal acquire@n  ──── commit(n) ────────────────►  wait acquire@n, read (scan out)
 *     deadline hint on acquire@n: the next vblank
 * </pre>
 *
 * <p>The client's job for frame n+2 waits for release@n on the client engine (SYNCOBJ-11), so the CPU never blocks
 * for the compositor's read itself; it only waits until that read is <em>queued</em> (WAIT_AVAILABLE) before it
 * queues a write into the same buffer. That is needed because the simulated engines also sync implicitly through the
 * buffers' reservations: a write queued before the compositor's read would become a dependency of that read (a
 * reader waits for the last writer) while waiting for its release point: a cycle. (Drivers that support explicit
 * sync let a buffer opt out of implicit sync; these engines do not, yet.) The deadline hint set on the acquire point
 * reaches the client engine's job fence (SYNCOBJ-8). Each frame's scan-out is checked pixel by
 * pixel. Run it with {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples -am package
 * -Ddemo.mainClass=org.dmabuf4j.examples.ExplicitSync}.
 */
public final class ExplicitSync {
    private static final int FRAMES = 8;
    private static final int RING = 2;
    private static final int SIZE = 64 * 1024;
    private static final Duration FRAME_TIME = Duration.ofNanos(16_666_667);
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** What the client hands the compositor per frame: wl_surface.commit with its acquire and release points. */
    private record Commit(long frame, int buffer, long acquirePoint, long releasePoint, boolean hintReachedGpu) {
    }

    private ExplicitSync() {
    }

    /**
     * Runs the example on standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Runs the frame loop and prints one line per frame, then the timelines' final points.
     *
     * @param out where to print
     * @throws IllegalStateException if a frame's pixels are wrong or a thread fails
     */
    public static void run(PrintStream out) {
        try (SimulatedSystem sys = DmaBufs.newSystem();
                SyncObject acquire = sys.newSyncObject(SyncObjectKind.TIMELINE, "surface acquire");
                SyncObject release = sys.newSyncObject(SyncObjectKind.TIMELINE, "surface release")) {
            SimulatedDevice clientGpu = sys.newDevice("client-gpu").build();
            SimulatedDevice display = sys.newDevice("display").build();
            DmaBuf[] buffers = new DmaBuf[RING];
            Attachment[] clientAtt = new Attachment[RING];
            Attachment[] displayAtt = new Attachment[RING];
            Mapping[] clientMap = new Mapping[RING];
            Mapping[] displayMap = new Mapping[RING];
            try {
                for (int i = 0; i < RING; i++) {
                    buffers[i] = sys.systemHeap().allocate(SIZE);
                    clientAtt[i] = buffers[i].attach(clientGpu);
                    displayAtt[i] = buffers[i].attach(display);
                    clientMap[i] = clientAtt[i].mapUnlocked(Direction.BIDIRECTIONAL);
                    displayMap[i] = displayAtt[i].mapUnlocked(Direction.TO_DEVICE);
                }
                loop(out, clientGpu, display, acquire, release, clientMap, displayMap);
            } finally {
                for (int i = 0; i < RING; i++) {
                    closeAll(displayMap[i], clientMap[i], displayAtt[i], clientAtt[i], buffers[i]);
                }
            }
        }
    }

    private static void loop(PrintStream out, SimulatedDevice clientGpu, SimulatedDevice display, SyncObject acquire,
            SyncObject release, Mapping[] clientMap, Mapping[] displayMap) {
        BlockingQueue<Commit> commits = new ArrayBlockingQueue<>(FRAMES);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Instant firstVblank = Instant.now().plus(FRAME_TIME);
        Thread client = Thread.ofPlatform().name("client").start(() -> {
            try {
                for (long frame = 1; frame <= FRAMES; frame++) {
                    int buffer = (int) ((frame - 1) % RING);
                    // the buffer is free once the compositor released the frame it last held (none for the first)
                    List<SyncPoint> waits = List.of();
                    if (frame > RING) {
                        // queue the write only once the compositor's read of the buffer is queued (see the class doc)
                        if (!release.waitFor(frame - RING, EnumSet.of(SyncWaitFlag.WAIT_AVAILABLE), BOUND)) {
                            throw new IllegalStateException("the compositor never queued its read of frame "
                                    + (frame - RING));
                        }
                        waits = List.of(new SyncPoint(release, frame - RING));
                    }
                    Fence rendered = clientGpu.engine().submit(
                            Job.fill(clientMap[buffer], 0, SIZE, pixel(frame)), waits,
                            List.of(new SyncPoint(acquire, frame)));
                    acquire.setDeadline(frame, firstVblank.plus(FRAME_TIME.multipliedBy(frame - 1)));
                    commits.put(new Commit(frame, buffer, frame, frame, rendered.isSignaled()
                            || rendered.deadline().isPresent()));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        try {
            MemorySegment scanout = MemorySegment.ofArray(new byte[SIZE]);
            for (int i = 0; i < FRAMES; i++) {
                Commit c = commits.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
                if (c == null) {
                    throw new IllegalStateException("the client stopped committing: " + failure.get(), failure.get());
                }
                display.engine().submit(Job.read(displayMap[c.buffer()], 0, scanout),
                        List.of(new SyncPoint(acquire, c.acquirePoint())),
                        List.of(new SyncPoint(release, c.releasePoint())));
                if (!release.waitFor(c.releasePoint(), SyncWaitFlag.NONE, BOUND)) {
                    throw new IllegalStateException("frame " + c.frame() + " was not scanned out within " + BOUND);
                }
                boolean ok = allBytes(scanout, pixel(c.frame()));
                out.println("frame " + c.frame() + ": buffer " + c.buffer() + ", acquire point " + c.acquirePoint()
                        + ", release point " + c.releasePoint() + ", deadline hint reached the client gpu="
                        + c.hintReachedGpu() + ", pixels ok=" + ok);
                if (!ok) {
                    throw new IllegalStateException("frame " + c.frame() + " scanned out the wrong pixels");
                }
            }
            client.join(BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the client failed: " + failure.get(), failure.get());
        }
        out.println("acquire timeline: last point " + acquire.lastPoint() + ", signaled up to " + acquire.query());
        out.println("release timeline: last point " + release.lastPoint() + ", signaled up to " + release.query());
    }

    private static byte pixel(long frame) {
        return (byte) (0x10 + frame);
    }

    private static boolean allBytes(MemorySegment s, byte value) {
        for (long i = 0; i < s.byteSize(); i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != value) {
                return false;
            }
        }
        return true;
    }

    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + r, e);
                }
            }
        }
    }
}
