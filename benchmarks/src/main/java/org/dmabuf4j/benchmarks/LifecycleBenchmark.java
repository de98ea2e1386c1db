package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Path 3, lifecycle: attach/detach, export/close, and heap allocation (system, contiguous) of {@code allocSize}
 * bytes, against {@code Arena.allocate} of the same size.
 *
 * <p>Baselines: {@code baselineConfinedArenaAllocate} (confined arena, zeroed allocate, close: the cheapest way to
 * get and free zeroed native memory) and {@code baselineSharedArenaAllocate} (the same with a shared arena, whose
 * close is a thread handshake: what a buffer pays if every buffer owns a shared arena).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class LifecycleBenchmark {

    /** The allocation size. */
    @State(Scope.Thread)
    public static class Alloc {
        /** Bytes allocated. */
        @Param({"4096", "65536", "1048576", "67108864"})
        public long allocSize;
    }

    /**
     * Confined arena + zeroed allocation + close.
     *
     * @param a the size
     * @param bh sink for the segment
     */
    @Benchmark
    public void baselineConfinedArenaAllocate(Alloc a, Blackhole bh) {
        Arena arena = Arena.ofConfined();
        bh.consume(arena.allocate(a.allocSize, HeapChunks.PAGE));
        arena.close();
    }

    /**
     * Shared arena + zeroed allocation + close.
     *
     * @param a the size
     * @param bh sink for the segment
     */
    @Benchmark
    public void baselineSharedArenaAllocate(Alloc a, Blackhole bh) {
        Arena arena = Arena.ofShared();
        bh.consume(arena.allocate(a.allocSize, HeapChunks.PAGE));
        arena.close();
    }
}
