package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Images (issue #12): per-plane region sync of an NV12 1920×1080 frame and a layout-converting device copy of the
 * whole frame, each next to {@code MemorySegment.copy} of the same bytes in the same run.
 *
 * <table>
 *   <caption>Benchmarks and baselines</caption>
 *   <tr><th>method</th><th>what</th><th>baseline</th></tr>
 *   <tr><td>planeRegionSync</td><td>begin+close of a READ_WRITE image access on {@code region} (pixels, centred) of
 *       a frame in {@code layout} attached to a non-coherent device: per plane, the cache lines of exactly the region
 *       invalidated and cleaned, and for tiled layouts the region detiled and retiled</td>
 *       <td>baselineRegionCopy: the region's Y and UV rows copied there and back (the bytes a linear sync moves)</td></tr>
 *   <tr><td>convertCopy</td><td>an image copy job of the whole frame from {@code layout} into LINEAR on a device's
 *       engine, awaited: the compositor's fallback blit</td>
 *       <td>baselineFrameCopy: one MemorySegment.copy of the frame's 3 110 400 sample bytes</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class ImageBenchmark {
    private static final int WIDTH = 1920;
    private static final int HEIGHT = 1080;
    private static final long FRAME_BYTES = (long) WIDTH * HEIGHT * 3 / 2;
    private static final Duration BOUND = Duration.ofSeconds(60);

    /** A system with a non-coherent device that samples and renders every layout of NV12. */
    @State(Scope.Thread)
    public static class Frames {
        /** The frame's layout. */
        @Param({"LINEAR", "SIM_TILED", "SIM_TILED_CCS"})
        public String layout;

        SimulatedSystem system;
        SimulatedDevice gpu;
        Image frame;
        Image linear;
        ImageAttachment frameSide;
        ImageAttachment linearSide;
        ImageMapping src;
        ImageMapping dst;

        /** Allocates the frames, attaches them to the device, maps them, and writes the frame once. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            FormatSet nv12 = FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR, FormatModifier.SIM_TILED,
                    FormatModifier.SIM_TILED_CCS);
            gpu = system.newDevice("gpu").nonCoherent().formats(ImageUsage.SAMPLE, nv12)
                    .formats(ImageUsage.RENDER, nv12).build();
            frame = system.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    FormatModifier.parse(layout)));
            linear = system.images().allocate(ImageRequest.of(DrmFormat.NV12, WIDTH, HEIGHT,
                    FormatModifier.LINEAR));
            try (ImageAccess w = frame.beginCpuAccess(Access.WRITE)) {
                w.plane(0).row(0).fill((byte) 16);
            }
            frameSide = frame.attach(gpu, ImageUsage.RENDER);
            linearSide = linear.attach(gpu, ImageUsage.RENDER);
            src = frameSide.mapUnlocked(Direction.BIDIRECTIONAL);
            dst = linearSide.mapUnlocked(Direction.BIDIRECTIONAL);
        }

        /** Unmaps, detaches, closes and checks that nothing leaked. */
        @TearDown(Level.Trial)
        public void tearDown() {
            if (frameSide != null) {
                frameSide.close();
                linearSide.close();
            }
            if (frame != null) {
                frame.close();
                linear.close();
            }
            Systems.closeChecked(system);
        }
    }

    /** The region of a sync. */
    @State(Scope.Thread)
    public static class Rect {
        /** Pixels, centred: {@code WxH} or {@code full}. */
        @Param({"16x16", "256x256", "full"})
        public String region;

        Region pixels;
        long yBytes;
        long uvBytes;

        /** Parses the region. */
        @Setup(Level.Trial)
        public void setUp() {
            if (region.equals("full")) {
                pixels = Region.WHOLE;
                yBytes = (long) WIDTH * HEIGHT;
            } else {
                int sep = region.indexOf('x');
                int w = Integer.parseInt(region.substring(0, sep));
                int h = Integer.parseInt(region.substring(sep + 1));
                pixels = Region.rect((WIDTH - w) / 2 & ~1, (HEIGHT - h) / 2 & ~1, w, h);
                yBytes = (long) w * h;
            }
            uvBytes = yBytes / 2;
        }
    }

    /** Two native frames for the baselines. */
    @State(Scope.Thread)
    public static class Raw {
        Arena arena;
        MemorySegment a;
        MemorySegment b;

        /** Allocates and touches both. */
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            a = arena.allocate(FRAME_BYTES, 4096).fill((byte) 1);
            b = arena.allocate(FRAME_BYTES, 4096).fill((byte) 2);
        }

        /** Frees both. */
        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /**
     * Begin and close of a READ_WRITE access to a region of the frame, both planes.
     *
     * @param f the frames
     * @param r the region
     * @param bh keeps the windows alive
     */
    @Benchmark
    public void planeRegionSync(Frames f, Rect r, Blackhole bh) {
        try (ImageAccess w = f.frame.beginCpuAccess(Access.READ_WRITE, r.pixels)) {
            bh.consume(w.plane(1));
        }
    }

    /**
     * The region's bytes of both planes copied there and back, row by row: what a linear region sync moves.
     *
     * @param r the region
     * @param raw the memory
     */
    @Benchmark
    public void baselineRegionCopy(Rect r, Raw raw) {
        long rowY = r.pixels instanceof Region.Rect rect ? rect.width() : WIDTH;
        long rows = r.yBytes / rowY;
        for (long i = 0; i < rows; i++) {
            MemorySegment.copy(raw.a, i * WIDTH, raw.b, i * WIDTH, rowY);
            MemorySegment.copy(raw.b, i * WIDTH, raw.a, i * WIDTH, rowY);
        }
        for (long i = 0; i < rows / 2; i++) {
            long at = (long) WIDTH * HEIGHT + i * WIDTH;
            MemorySegment.copy(raw.a, at, raw.b, at, rowY);
            MemorySegment.copy(raw.b, at, raw.a, at, rowY);
        }
    }

    /**
     * A device converts the whole frame into LINEAR and the benchmark waits for it.
     *
     * @param f the frames
     * @return the job's fence
     */
    @Benchmark
    public Fence convertCopy(Frames f) {
        Fence done = f.gpu.engine().submit(Job.convert(f.src, f.dst));
        done.await(BOUND);
        return done;
    }

    /**
     * One copy of the frame's sample bytes.
     *
     * @param raw the memory
     */
    @Benchmark
    public void baselineFrameCopy(Raw raw) {
        MemorySegment.copy(raw.a, 0, raw.b, 0, FRAME_BYTES);
    }
}
