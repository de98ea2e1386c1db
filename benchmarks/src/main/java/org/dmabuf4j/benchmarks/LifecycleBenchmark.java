package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
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
 * Path 3, lifecycle: attach/detach, export/close, share/close, and heap allocation (system, contiguous) of
 * {@code allocSize} bytes, against {@code Arena.allocate} of the same size. Handles are created without leak
 * detection except in {@code systemHeapAllocateLeakTracked}, which shows what recording a creation site per handle
 * (BUF-8) costs.
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

    /** Library: a system without buffers. */
    @State(Scope.Thread)
    public static class Library {
        SimulatedSystem system;

        /** Creates the system. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
        }

        /** Closes it, checking that nothing leaked. */
        @TearDown(Level.Trial)
        public void tearDown() {
            Systems.closeChecked(system);
        }
    }

    /** Library: a system with leak detection on. */
    @State(Scope.Thread)
    public static class LeakTracked {
        SimulatedSystem system;

        /** Creates the system. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem(true);
        }

        /** Closes it, checking that nothing leaked. */
        @TearDown(Level.Trial)
        public void tearDown() {
            Systems.closeChecked(system);
        }
    }

    /** Library: one 4 KiB buffer and a device to attach it to. */
    @State(Scope.Thread)
    public static class OneBuffer {
        SimulatedSystem system;
        SimulatedDevice device;
        DmaBuf buffer;

        /** Creates the buffer and the device. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            device = system.newDevice("importer").coherent().build();
            buffer = system.systemHeap().allocate(HeapChunks.PAGE);
        }

        /** Frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            buffer.close();
            Systems.closeChecked(system);
        }
    }

    /** An exporter with nothing behind it: export/close measures the framework alone. */
    static final class NullExporter implements Exporter {
        @Override
        public List<SgEntry> map(Attachment attachment, Direction direction) {
            throw new UnsupportedOperationException("the lifecycle benchmark never maps");
        }

        @Override
        public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
            throw new UnsupportedOperationException("the lifecycle benchmark never maps");
        }

        @Override
        public void release() {
            // nothing to free
        }
    }

    private static final ExportInfo NULL_EXPORT = ExportInfo.of("null-exporter", HeapChunks.PAGE, new NullExporter());

    /**
     * System-heap allocation (zeroed, chunked) and close.
     *
     * @param l the system
     * @param a the size
     * @return the closed handle
     */
    @Benchmark
    public DmaBuf systemHeapAllocate(Library l, Alloc a) {
        DmaBuf b = l.system.systemHeap().allocate(a.allocSize);
        b.close();
        return b;
    }

    /**
     * Contiguous-heap allocation (zeroed, one region of the pool) and close.
     *
     * @param l the system
     * @param a the size
     * @return the closed handle
     */
    @Benchmark
    public DmaBuf contiguousHeapAllocate(Library l, Alloc a) {
        DmaBuf b = l.system.contiguousHeap().allocate(a.allocSize);
        b.close();
        return b;
    }

    /**
     * System-heap allocation and close of 4 KiB with leak detection on (a creation stack trace per handle).
     *
     * @param l the system
     * @return the closed handle
     */
    @Benchmark
    public DmaBuf systemHeapAllocateLeakTracked(LeakTracked l) {
        DmaBuf b = l.system.systemHeap().allocate(HeapChunks.PAGE);
        b.close();
        return b;
    }

    /**
     * Export of a buffer with a do-nothing exporter, and close of its handle (release runs).
     *
     * @param l the system
     * @return the closed handle
     */
    @Benchmark
    public DmaBuf exportClose(Library l) {
        ExportedBuffer e = l.system.export(NULL_EXPORT);
        DmaBuf h = e.handle();
        h.close();
        return h;
    }

    /**
     * Static attach of a 4 KiB buffer and detach.
     *
     * @param b the buffer and device
     * @return the detached attachment
     */
    @Benchmark
    public Attachment attachDetach(OneBuffer b) {
        Attachment a = b.buffer.attach(b.device);
        a.close();
        return a;
    }

    /**
     * share() (a dup) and close of the new handle.
     *
     * @param b the buffer
     * @return the closed handle
     */
    @Benchmark
    public DmaBuf shareClose(OneBuffer b) {
        DmaBuf h = b.buffer.share();
        h.close();
        return h;
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
