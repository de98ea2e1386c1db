package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
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
 * Path 2, map/unmap: the cached mapping of a static/dynamic mismatch, uncached dynamic map+unmap of system-heap
 * buffers from 4 KiB to 64 MiB (1 to 64 segments, see {@link HeapChunks}), and contiguous buffers.
 *
 * <p>The library paths call {@link Attachment#map} and {@link Attachment#unmap} with the buffer's reservation lock
 * held (MAP-1): the lock is taken once per measurement iteration, so that the figures are map+unmap alone.
 * <ul>
 *   <li>{@code cachedMapUnmap}: a dynamic importer on the (static) system heap gets the mapping cached at attach
 *       (ATT-5, MAP-6): map returns it, unmap does nothing;</li>
 *   <li>{@code uncachedMapUnmap}: a static importer: every map asks the exporter for a new mapping of every chunk into
 *       the device's IOMMU (MAP-5), every unmap removes it;</li>
 *   <li>{@code contiguousMapUnmap}: the same on a contiguous-heap buffer (one chunk).</li>
 * </ul>
 *
 * <p>Baseline: {@code baselineScopedViews}, the least an uncached map can do per segment: hand out one scoped view
 * of each chunk (one confined arena for the mapping, one reinterpret per chunk, close). Map cost should be linear in
 * the segment count, as this baseline is.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
@SuppressWarnings("restricted") // reinterpret scopes a view to a mapping's arena, as the library does
public class MapBenchmark {

    /** Baseline: memory chunked like a system-heap buffer of {@code mapSize} bytes. */
    @State(Scope.Thread)
    public static class Chunks {
        /** Buffer size in bytes: 1, 1, 1, 16 and 64 segments. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long mapSize;

        Arena arena;
        MemorySegment[] chunks;

        /** Allocates the memory and slices it into chunks. */
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            MemorySegment all = arena.allocate(mapSize, HeapChunks.PAGE);
            long[] sizes = HeapChunks.sizes(mapSize);
            chunks = new MemorySegment[sizes.length];
            long off = 0;
            for (int i = 0; i < sizes.length; i++) {
                chunks[i] = all.asSlice(off, sizes[i]);
                off += sizes[i];
            }
        }

        /** Frees the memory. */
        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** Library: a system-heap buffer of {@code mapSize} bytes, attached statically and dynamically. */
    @State(Scope.Thread)
    public static class Attached {
        /** Buffer size in bytes: 1, 1, 1, 16 and 64 segments. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long mapSize;

        SimulatedSystem system;
        DmaBuf buffer;
        Attachment uncached;
        Attachment cached;

        /** Allocates the buffer and attaches it to two devices, one static and one dynamic importer. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            buffer = system.systemHeap().allocate(mapSize);
            SimulatedDevice staticDevice = system.newDevice("static-importer").coherent().build();
            SimulatedDevice dynamicDevice = system.newDevice("dynamic-importer").coherent().build();
            uncached = buffer.attach(staticDevice);
            cached = buffer.attach(dynamicDevice, NoMoves.INSTANCE);
            checkSegments(uncached, mapSize);
        }

        /** Locks the reservation for the iteration (MAP-1). */
        @Setup(Level.Iteration)
        public void lock() {
            buffer.reservation().lock();
        }

        /** Unlocks the reservation. */
        @TearDown(Level.Iteration)
        public void unlock() {
            buffer.reservation().unlock();
        }

        /** Detaches and frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            cached.close();
            uncached.close();
            buffer.close();
            Systems.closeChecked(system);
        }
    }

    /** Library: a contiguous-heap buffer of {@code mapSize} bytes, attached statically. */
    @State(Scope.Thread)
    public static class Contiguous {
        /** Buffer size in bytes. */
        @Param({"4096", "65536", "1048576", "16777216", "67108864"})
        public long mapSize;

        SimulatedSystem system;
        DmaBuf buffer;
        Attachment attachment;

        /** Allocates the buffer and attaches it. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            DmaHeap heap = system.contiguousHeap();
            buffer = heap.allocate(mapSize);
            attachment = buffer.attach(system.newDevice("static-importer").coherent().build());
        }

        /** Locks the reservation for the iteration (MAP-1). */
        @Setup(Level.Iteration)
        public void lock() {
            buffer.reservation().lock();
        }

        /** Unlocks the reservation. */
        @TearDown(Level.Iteration)
        public void unlock() {
            buffer.reservation().unlock();
        }

        /** Detaches and frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            attachment.close();
            buffer.close();
            Systems.closeChecked(system);
        }
    }

    /** A dynamic importer that never expects a move: the system heap does not move. */
    enum NoMoves implements Importer {
        INSTANCE;

        @Override
        public void moveNotify(Attachment attachment) {
            throw new IllegalStateException("the system heap moved " + attachment + ": it should not");
        }
    }

    /**
     * The report judges uncached map cost per segment by the kernel's chunking ({@link HeapChunks}): say so when
     * the implementation chunks differently, since the linearity figure would then be per something else.
     */
    private static void checkSegments(Attachment a, long size) {
        a.buffer().reservation().lock();
        try {
            Mapping m = a.map(Direction.BIDIRECTIONAL);
            int entries = m.entries().size();
            a.unmap(m);
            if (entries != HeapChunks.count(size)) {
                System.out.println("MapBenchmark: a " + size + "-byte system-heap buffer maps to " + entries
                        + " entries, not the " + HeapChunks.count(size) + " chunks the report's linearity check "
                        + "divides by");
            }
        } finally {
            a.buffer().reservation().unlock();
        }
    }

    /**
     * The cached mapping: map returns it, unmap leaves it (lock held).
     *
     * @param a the attachments
     * @return the mapping
     */
    @Benchmark
    public Mapping cachedMapUnmap(Attached a) {
        Mapping m = a.cached.map(Direction.BIDIRECTIONAL);
        a.cached.unmap(m);
        return m;
    }

    /**
     * A new mapping of every chunk and its removal (lock held).
     *
     * @param a the attachments
     * @return the (unmapped) mapping
     */
    @Benchmark
    public Mapping uncachedMapUnmap(Attached a) {
        Mapping m = a.uncached.map(Direction.BIDIRECTIONAL);
        a.uncached.unmap(m);
        return m;
    }

    /**
     * A new mapping of a contiguous buffer and its removal (lock held).
     *
     * @param c the attachment
     * @return the (unmapped) mapping
     */
    @Benchmark
    public Mapping contiguousMapUnmap(Contiguous c) {
        Mapping m = c.attachment.map(Direction.BIDIRECTIONAL);
        c.attachment.unmap(m);
        return m;
    }

    /**
     * The floor of an uncached mapping's CPU views: one arena, one scoped view per segment, close.
     *
     * @param c the chunks
     * @param bh sink for the arena and the views
     */
    @Benchmark
    public void baselineScopedViews(Chunks c, Blackhole bh) {
        Arena arena = Arena.ofConfined();
        for (MemorySegment chunk : c.chunks) {
            bh.consume(chunk.reinterpret(arena, null));
        }
        bh.consume(arena);
        arena.close();
    }
}
