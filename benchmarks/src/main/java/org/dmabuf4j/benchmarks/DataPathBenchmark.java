package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.BytesStore;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
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

/**
 * Path 7, the data path inside a CPU window: read, write and sum over {@code dataSize} bytes (4 KiB … 1 MiB), against
 * the same loops on a raw {@link MemorySegment} (the baseline: a window must reach at least 95 % of its throughput),
 * a direct {@link ByteBuffer} and Chronicle Bytes (peers).
 *
 * <ul>
 *   <li><b>read</b>: every byte, xor-folded (the per-access cost at the smallest granularity);</li>
 *   <li><b>write</b>: every 8-byte word;</li>
 *   <li><b>sum</b>: every 4-byte int, added into a long (a reduction C2 may vectorize).</li>
 * </ul>
 * The library paths ({@code windowRead/Write/Sum}) run the same loops on the segment of a READ_WRITE window on a
 * coherent system-heap buffer, opened for each measurement iteration (its cost is CpuAccessBenchmark's business).
 * The only class that runs with Chronicle's JVM flags.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS,
        JvmFlags.CHRONICLE_OPEN_REFLECT, JvmFlags.CHRONICLE_EXPORT_REF, JvmFlags.CHRONICLE_EXPORT_UTIL,
        JvmFlags.CHRONICLE_EXPORT_NIO, JvmFlags.CHRONICLE_NO_ANALYTICS})
public class DataPathBenchmark {

    /** Baselines and peers: the same number of bytes in each representation, filled with the same pattern. */
    @State(Scope.Thread)
    public static class Data {
        /** Bytes per operation. */
        @Param({"4096", "65536", "1048576"})
        public int dataSize;

        Arena arena;
        MemorySegment segment;
        ByteBuffer buffer;
        BytesStore<?, Void> chronicle;

        /** Allocates and fills every representation. */
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            segment = arena.allocate(dataSize, HeapChunks.PAGE);
            buffer = ByteBuffer.allocateDirect(dataSize).order(ByteOrder.nativeOrder());
            chronicle = BytesStore.nativeStoreWithFixedCapacity(dataSize);
            for (int i = 0; i < dataSize; i++) {
                byte b = (byte) (i * 31 + 7);
                segment.set(ValueLayout.JAVA_BYTE, i, b);
                buffer.put(i, b);
                chronicle.writeByte(i, b);
            }
        }

        /** Frees the native memory. */
        @TearDown(Level.Trial)
        public void tearDown() {
            chronicle.releaseLast();
            arena.close();
        }
    }

    /** Library: a coherent buffer of {@code dataSize} bytes with a window open for each iteration. */
    @State(Scope.Thread)
    public static class Window {
        /** Bytes per operation. */
        @Param({"4096", "65536", "1048576"})
        public int dataSize;

        SimulatedSystem system;
        DmaBuf buffer;
        CpuAccess window;
        MemorySegment segment;

        /** Allocates the buffer and fills it with the baselines' pattern. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            buffer = system.systemHeap().allocate(dataSize);
            try (CpuAccess w = buffer.beginCpuAccess(Access.WRITE)) {
                MemorySegment s = w.segment();
                for (int i = 0; i < dataSize; i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
                }
            }
        }

        /** Opens the window (THREAD confined: iteration fixtures run on the benchmark thread). */
        @Setup(Level.Iteration)
        public void begin() {
            window = buffer.beginCpuAccess(Access.READ_WRITE);
            segment = window.segment();
        }

        /** Closes the window. */
        @TearDown(Level.Iteration)
        public void end() {
            window.close();
            segment = null;
        }

        /** Frees the buffer. */
        @TearDown(Level.Trial)
        public void tearDown() {
            buffer.close();
            Systems.closeChecked(system);
        }
    }

    /**
     * Window: read every byte.
     *
     * @param w the window
     * @return the xor of all bytes
     */
    @Benchmark
    public int windowRead(Window w) {
        return read(w.segment, w.dataSize);
    }

    /**
     * Window: write every 8-byte word.
     *
     * @param w the window
     */
    @Benchmark
    public void windowWrite(Window w) {
        write(w.segment, w.dataSize);
    }

    /**
     * Window: sum every int.
     *
     * @param w the window
     * @return the sum
     */
    @Benchmark
    public long windowSum(Window w) {
        return sum(w.segment, w.dataSize);
    }

    /**
     * Raw segment: read every byte.
     *
     * @param d the data
     * @return the xor of all bytes
     */
    @Benchmark
    public int baselineSegmentRead(Data d) {
        return read(d.segment, d.dataSize);
    }

    /**
     * Raw segment: write every 8-byte word.
     *
     * @param d the data
     */
    @Benchmark
    public void baselineSegmentWrite(Data d) {
        write(d.segment, d.dataSize);
    }

    /**
     * Raw segment: sum every int.
     *
     * @param d the data
     * @return the sum
     */
    @Benchmark
    public long baselineSegmentSum(Data d) {
        return sum(d.segment, d.dataSize);
    }

    // The loop kernels, shared by the raw-segment baselines and the window paths so that both run the same code and
    // differ only in the segment. Each fork runs one benchmark method, so the shared kernels see one profile each.
    // int induction variables: C2 unrolls and vectorizes int-counted loops best, as a user would write them.

    static int read(MemorySegment s, int n) {
        int acc = 0;
        for (int i = 0; i < n; i++) {
            acc ^= s.get(ValueLayout.JAVA_BYTE, i);
        }
        return acc;
    }

    // Indexed access (getAtIndex/setAtIndex), not get(JAVA_INT, byteOffset): with an aligned layout at a computed
    // byte offset C2 keeps an alignment check in the loop that blocks vectorization (about 3-4x slower here).
    static void write(MemorySegment s, int n) {
        for (int i = 0, words = n >>> 3; i < words; i++) {
            s.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        }
    }

    static long sum(MemorySegment s, int n) {
        long sum = 0;
        for (int i = 0, ints = n >>> 2; i < ints; i++) {
            sum += s.getAtIndex(ValueLayout.JAVA_INT, i);
        }
        return sum;
    }

    /**
     * Direct ByteBuffer: read every byte.
     *
     * @param d the data
     * @return the xor of all bytes
     */
    @Benchmark
    public int peerByteBufferRead(Data d) {
        ByteBuffer b = d.buffer;
        int acc = 0;
        for (int i = 0; i < d.dataSize; i++) {
            acc ^= b.get(i);
        }
        return acc;
    }

    /**
     * Direct ByteBuffer: write every 8-byte word.
     *
     * @param d the data
     */
    @Benchmark
    public void peerByteBufferWrite(Data d) {
        ByteBuffer b = d.buffer;
        for (int off = 0; off < d.dataSize; off += 8) {
            b.putLong(off, off);
        }
    }

    /**
     * Direct ByteBuffer: sum every int.
     *
     * @param d the data
     * @return the sum
     */
    @Benchmark
    public long peerByteBufferSum(Data d) {
        ByteBuffer b = d.buffer;
        long sum = 0;
        for (int off = 0; off < d.dataSize; off += 4) {
            sum += b.getInt(off);
        }
        return sum;
    }

    /**
     * Chronicle Bytes: read every byte.
     *
     * @param d the data
     * @return the xor of all bytes
     */
    @Benchmark
    public int peerChronicleRead(Data d) {
        BytesStore<?, Void> c = d.chronicle;
        int acc = 0;
        for (int i = 0; i < d.dataSize; i++) {
            acc ^= c.readByte(i);
        }
        return acc;
    }

    /**
     * Chronicle Bytes: write every 8-byte word.
     *
     * @param d the data
     */
    @Benchmark
    public void peerChronicleWrite(Data d) {
        BytesStore<?, Void> c = d.chronicle;
        for (int off = 0; off < d.dataSize; off += 8) {
            c.writeLong(off, off);
        }
    }

    /**
     * Chronicle Bytes: sum every int.
     *
     * @param d the data
     * @return the sum
     */
    @Benchmark
    public long peerChronicleSum(Data d) {
        BytesStore<?, Void> c = d.chronicle;
        long sum = 0;
        for (int off = 0; off < d.dataSize; off += 4) {
            sum += c.readInt(off);
        }
        return sum;
    }
}
