package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
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

    /** Memory chunked like a system-heap buffer of {@code mapSize} bytes. */
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
