package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Region;
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
 * Path 1, CPU access: begin+end of a window (coherent zero-copy, non-coherent full buffer, 1-D range, 2-D region),
 * each next to the physical limit it is judged against, measured in the same run. The library paths open the window
 * with {@link DmaBuf#beginCpuAccess} and close it; their buffers come from the system heap.
 *
 * <p>Parameters live in the nested states, so each benchmark method runs only the parameters of the states it takes:
 * {@code windowSize} for coherent windows, {@code syncSize} for full-buffer syncs, {@code region} for the image.
 *
 * <table>
 *   <caption>Baselines</caption>
 *   <tr><th>method</th><th>what it is the floor of</th></tr>
 *   <tr><td>baselineConfinedArenaSlice</td><td>a coherent THREAD window: open a confined arena, slice the backing
 *       memory into it, close (objects escape to a Blackhole so escape analysis cannot delete them)</td></tr>
 *   <tr><td>baselineSharedArenaSlice</td><td>a coherent SHARED window: the same with a shared arena, whose close is
 *       a thread-local handshake</td></tr>
 *   <tr><td>baselineTwoSyscalls</td><td>a kernel DMA_BUF_IOCTL_SYNC start/end pair: two ioctl downcalls that enter
 *       the kernel and fail with ENOTTY</td></tr>
 *   <tr><td>baselineCopy</td><td>non-coherent full-buffer sync: MemorySegment.copy of the same bytes</td></tr>
 *   <tr><td>baselineRegionCopy / baselineRangeCopy</td><td>2-D / 1-D sync on 1600×1200×4: copying exactly the
 *       region's rows / the same number of bytes in one run</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
@SuppressWarnings("restricted") // reinterpret scopes a view to a window's arena, as the library does
public class CpuAccessBenchmark {

    /** Backing memory for a coherent window of {@code windowSize} bytes. */
    @State(Scope.Thread)
    public static class Window {
        /** Window (and buffer) size in bytes. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long windowSize;

        Arena backingArena;
        MemorySegment backing;

        /** Allocates the backing memory, shared like a buffer's memory is. */
        @Setup(Level.Trial)
        public void setUp() {
            backingArena = Arena.ofShared();
            backing = backingArena.allocate(windowSize, 4096);
        }

        /** Frees the backing memory. */
        @TearDown(Level.Trial)
        public void tearDown() {
            backingArena.close();
        }
    }

    /** Source and destination of a full-buffer sync of {@code syncSize} bytes. */
    @State(Scope.Thread)
    public static class Sync {
        /** Bytes synced. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long syncSize;

        Arena arena;
        MemorySegment memory;
        MemorySegment cache;

        /** Allocates both sides and touches them, so page faults are not measured. */
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            memory = arena.allocate(syncSize, 4096).fill((byte) 1);
            cache = arena.allocate(syncSize, 4096).fill((byte) 2);
        }

        /** Frees both sides. */
        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** The 1600×1200×4 image and its simulated CPU cache, with the {@code region} to sync. */
    @State(Scope.Thread)
    public static class Image {
        /** The region: see {@link ImageRegion#parse(String)}. */
        @Param({"10x10", "100x100", "full"})
        public String region;

        ImageRegion rect;
        Arena arena;
        MemorySegment memory;
        MemorySegment cache;

        /** Allocates and touches the image and its cache. */
        @Setup(Level.Trial)
        public void setUp() {
            rect = ImageRegion.parse(region);
            arena = Arena.ofShared();
            memory = arena.allocate(ImageRegion.IMAGE_BYTES, 4096).fill((byte) 1);
            cache = arena.allocate(ImageRegion.IMAGE_BYTES, 4096).fill((byte) 2);
        }

        /** Frees the image. */
        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    // ---- library states -------------------------------------------------------------------------------------------

    /** A system-heap buffer of {@code windowSize} bytes attached to a coherent device: windows are zero-copy. */
    @State(Scope.Thread)
    public static class CoherentBuffer {
        /** Window (and buffer) size in bytes. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long windowSize;

        Systems.Attached attached;
        DmaBuf buffer;

        /** Allocates the buffer and attaches it. */
        @Setup(Level.Trial)
        public void setUp() {
            attached = Systems.Attached.open("coherent-gpu", true, heap -> heap.allocate(windowSize));
            buffer = attached.buffer();
        }

        /** Detaches and frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            attached.close();
        }
    }

    /**
     * A system-heap buffer of {@code syncSize} bytes attached to a non-coherent device: the CPU reaches it through a
     * simulated cache that begin invalidates and end cleans (CPU-9).
     */
    @State(Scope.Thread)
    public static class NonCoherentBuffer {
        /** Bytes synced. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long syncSize;

        Systems.Attached attached;
        DmaBuf buffer;

        /** Allocates the buffer, attaches it, and syncs it once so that first-touch page faults are not measured. */
        @Setup(Level.Trial)
        public void setUp() {
            attached = Systems.Attached.open("non-coherent-dsp", false, heap -> heap.allocate(syncSize));
            buffer = attached.buffer();
        }

        /** Detaches and frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            attached.close();
        }
    }

    /** The 1600×1200×4 image as a non-coherent buffer with a layout, and the {@code region} to sync. */
    @State(Scope.Thread)
    public static class NonCoherentImage {
        /** The region: see {@link ImageRegion#parse(String)}. */
        @Param({"10x10", "100x100", "full"})
        public String region;

        Systems.Attached attached;
        DmaBuf buffer;
        Region rect;
        Region range;

        /** Allocates the image, attaches it, and syncs it once. */
        @Setup(Level.Trial)
        public void setUp() {
            ImageRegion r = ImageRegion.parse(region);
            rect = Region.rect(r.x(), r.y(), r.width(), r.height());
            range = Region.range(r.rowOffset(0), r.byteCount());
            attached = Systems.Attached.open("non-coherent-isp", false, heap -> heap.allocate(BufferLayout.linear(
                    ImageRegion.IMAGE_WIDTH, ImageRegion.IMAGE_HEIGHT, ImageRegion.BYTES_PER_PIXEL)));
            buffer = attached.buffer();
        }

        /** Detaches and frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            attached.close();
        }
    }

    // ---- baseline states ------------------------------------------------------------------------------------------

    /** An open /dev/null descriptor for the syscall floor. */
    @State(Scope.Thread)
    public static class Syscall {
        DevNullIoctl ioctl;

        /** Opens /dev/null and checks that the ioctl fails with ENOTTY. */
        @Setup(Level.Trial)
        public void setUp() {
            ioctl = new DevNullIoctl();
        }

        /** Closes the descriptor. */
        @TearDown(Level.Trial)
        public void tearDown() {
            ioctl.close();
        }
    }

    // ---- library paths --------------------------------------------------------------------------------------------

    /**
     * Coherent begin+end of a THREAD window over the whole buffer (zero copy).
     *
     * @param b the buffer
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void coherentBeginEnd(CoherentBuffer b, Blackhole bh) {
        try (CpuAccess w = b.buffer.beginCpuAccess(Access.READ_WRITE)) {
            bh.consume(w.segment());
        }
    }

    /**
     * Coherent begin+end of a SHARED window over the whole buffer.
     *
     * @param b the buffer
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void coherentBeginEndShared(CoherentBuffer b, Blackhole bh) {
        try (CpuAccess w = b.buffer.beginCpuAccess(Access.READ_WRITE, Region.WHOLE, Confinement.SHARED)) {
            bh.consume(w.segment());
        }
    }

    /**
     * Non-coherent full-buffer sync for reading: begin invalidates every byte (one copy), end has nothing to clean.
     *
     * @param b the buffer
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void nonCoherentSyncRead(NonCoherentBuffer b, Blackhole bh) {
        try (CpuAccess w = b.buffer.beginCpuAccess(Access.READ)) {
            bh.consume(w.segment());
        }
    }

    /**
     * Non-coherent full-buffer sync for reading and writing: begin invalidates, end cleans (two copies).
     *
     * @param b the buffer
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void nonCoherentSyncReadWrite(NonCoherentBuffer b, Blackhole bh) {
        try (CpuAccess w = b.buffer.beginCpuAccess(Access.READ_WRITE)) {
            bh.consume(w.segment());
        }
    }

    /**
     * 2-D region sync for reading on the non-coherent image: begin invalidates exactly the region's rows.
     *
     * @param im the image and region
     * @param bh sink for the window's first row
     */
    @Benchmark
    public void regionSync(NonCoherentImage im, Blackhole bh) {
        try (CpuAccess w = im.buffer.beginCpuAccess(Access.READ, im.rect)) {
            bh.consume(w.row(0));
        }
    }

    /**
     * 1-D range sync for reading of as many bytes as the region, starting at its first row.
     *
     * @param im the image and region
     * @param bh sink for the window's segment
     */
    @Benchmark
    public void rangeSync(NonCoherentImage im, Blackhole bh) {
        try (CpuAccess w = im.buffer.beginCpuAccess(Access.READ, im.range)) {
            bh.consume(w.segment());
        }
    }

    // ---- baselines ------------------------------------------------------------------------------------------------

    /**
     * Floor of a coherent THREAD window: confined arena open + slice + close.
     *
     * @param w the backing memory
     * @param bh sink for the arena and the view, so neither is scalar-replaced
     */
    @Benchmark
    public void baselineConfinedArenaSlice(Window w, Blackhole bh) {
        Arena arena = Arena.ofConfined();
        MemorySegment view = w.backing.asSlice(0, w.windowSize).reinterpret(arena, null);
        bh.consume(arena);
        bh.consume(view);
        arena.close();
    }

    /**
     * Floor of a coherent SHARED window: shared arena open + slice + close (the close is a handshake with every
     * thread).
     *
     * @param w the backing memory
     * @param bh sink for the arena and the view
     */
    @Benchmark
    public void baselineSharedArenaSlice(Window w, Blackhole bh) {
        Arena arena = Arena.ofShared();
        MemorySegment view = w.backing.asSlice(0, w.windowSize).reinterpret(arena, null);
        bh.consume(arena);
        bh.consume(view);
        arena.close();
    }

    /**
     * Floor of a kernel sync start/end pair: two ioctl downcalls on /dev/null.
     *
     * @param s the open descriptor
     * @return the sum of both results
     */
    @Benchmark
    public int baselineTwoSyscalls(Syscall s) {
        return s.ioctl.syncStartEnd();
    }

    /**
     * Floor of a non-coherent full-buffer sync: copying the same bytes once.
     *
     * @param s source and destination
     */
    @Benchmark
    public void baselineCopy(Sync s) {
        MemorySegment.copy(s.memory, 0, s.cache, 0, s.syncSize);
    }

    /**
     * Floor of a 2-D region sync: copying exactly the region's rows.
     *
     * @param im the image and region
     */
    @Benchmark
    public void baselineRegionCopy(Image im) {
        ImageRegion r = im.rect;
        long rowBytes = r.rowBytes();
        for (int row = 0; row < r.height(); row++) {
            long off = r.rowOffset(row);
            MemorySegment.copy(im.memory, off, im.cache, off, rowBytes);
        }
    }

    /**
     * Floor of a 1-D range sync of as many bytes as the region: one copy.
     *
     * @param im the image and region
     */
    @Benchmark
    public void baselineRangeCopy(Image im) {
        ImageRegion r = im.rect;
        long off = r.rowOffset(0);
        MemorySegment.copy(im.memory, off, im.cache, off, r.byteCount());
    }
}
