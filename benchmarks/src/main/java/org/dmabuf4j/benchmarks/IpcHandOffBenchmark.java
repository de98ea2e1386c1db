package org.dmabuf4j.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.BufferPool;
import org.dmabuf4j.ipc.ChannelListener;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.OwnedFd;
import org.dmabuf4j.ipc.SentFrame;
import org.dmabuf4j.ipc.SharedTimeline;
import org.dmabuf4j.ipc.UnixAddress;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Path 9, across processes (issue 13): handing a frame of {@code frameBytes} to another process ({@link IpcPeer}, a
 * child JVM started per trial) and hearing back that it is done with it.
 *
 * <ul>
 *   <li>{@code poolHandOff}: pool mode, a FRAME message (index + sync points, no descriptor), the peer releases, the
 *       release point wakes this thread: one round trip per frame;</li>
 *   <li>{@code poolPipelined}: pool mode with three buffers in flight: frames per second of a producer that only
 *       waits when the pool is exhausted;</li>
 *   <li>{@code fdPerFrame}: the same round trip with the buffer's memfd sent with every frame (the peer imports and
 *       maps it each time);</li>
 *   <li>{@code timelineRoundTrip}: cross-process fence wake-up: this process signals its shared timeline, the peer
 *       (asleep on the futex) wakes and signals its own, this thread (asleep on the futex) wakes: two wake-ups.</li>
 * </ul>
 *
 * <table>
 *   <caption>Baselines and peers</caption>
 *   <tr><th>method</th><th>what it is</th></tr>
 *   <tr><td>baselineSocketCopy</td><td>the frame's bytes copied through a JDK Unix-domain SocketChannel, one ack byte
 *       back (targets: pool hand-off of an 8 MiB frame at least 100x cheaper)</td></tr>
 *   <tr><td>baselineAgronaRing</td><td>the frame's bytes through an Agrona one-to-one ring buffer over a shared
 *       mapped file (1 MiB messages), one ack message back; both sides back off from spinning to parking</td></tr>
 *   <tr><td>baselineParkPingPong</td><td>a same-process park/unpark round trip, two wake-ups (target:
 *       timelineRoundTrip at most 2x)</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS, JvmFlags.AGRONA_EXPORT_MISC})
@State(Scope.Benchmark)
public class IpcHandOffBenchmark {
    private static final Duration T = Duration.ofSeconds(30);

    /** The frame size: 8 MiB, the size of the target (a 1920x1080 RGBA frame rounds up to it). */
    @Param({"8388608"})
    public int frameBytes;

    private SimulatedSystem sys;
    private ChannelListener listener;
    private BufferChannel channel;
    private BufferPool pool;
    private DmaBuf ownFdBuffer;
    private ServerSocketChannel server;
    private SocketChannel socket;
    private ByteBuffer socketFrame;
    private final ByteBuffer ack = ByteBuffer.allocateDirect(1);
    private Path dir;
    private File ringFile;
    private MappedByteBuffer ringMapping;
    private OneToOneRingBuffer ringOut;
    private OneToOneRingBuffer ringIn;
    private UnsafeBuffer chunk;
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(100));
    private SharedTimeline mine;
    private OwnedFd mineFd;
    private SharedTimeline theirs;
    private long tick;
    private Process peer;
    private ParkPingPong park;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        sys = Systems.newSystem();
        MemfdHeap heap = MemfdHeap.of(sys);
        String name = "dmabuf4j-bench-" + ProcessHandle.current().pid();
        listener = ChannelListener.listen(heap, UnixAddress.abstractName(name), "bench");
        dir = Files.createTempDirectory("dmabuf4j-ipc-bench");
        Path socketPath = dir.resolve("copy.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socketPath));
        File shm = new File("/dev/shm");
        ringFile = new File(shm.isDirectory() ? shm : dir.toFile(), "dmabuf4j-ring-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime() + ".bin");
        ringFile.deleteOnExit(); // tearDown deletes it; this covers a trial whose setUp failed half way
        ringMapping = IoUtil.mapNewFile(ringFile, IpcPeer.RING_FILE);
        int half = IpcPeer.RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        ringOut = new OneToOneRingBuffer(new UnsafeBuffer(ringMapping, 0, half));
        ringIn = new OneToOneRingBuffer(new UnsafeBuffer(ringMapping, half, half));
        chunk = new UnsafeBuffer(ByteBuffer.allocateDirect(IpcPeer.CHUNK));
        mine = SharedTimeline.create(sys, "bench");
        mineFd = mine.exportFd();

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS,
                JvmFlags.AGRONA_EXPORT_MISC));
        // the peer waits as this process does: the same spin setting (unset: the library's adaptive default)
        // (-Ddmabuf4j.bench.peer.spinNanos and .readSpinNanos give the peer settings of its own, to measure one side
        // spinning while the other sleeps)
        for (String property : List.of("spinNanos", "readSpinNanos")) {
            String value = System.getProperty("dmabuf4j.bench.peer." + property,
                    System.getProperty("dmabuf4j.ipc." + property));
            if (value != null) {
                command.add("-Ddmabuf4j.ipc." + property + "=" + value);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IpcPeer.class.getName(),
                name, socketPath.toString(), ringFile.getPath(), Integer.toString(frameBytes),
                Long.toString(ProcessHandle.current().pid()), Integer.toString(mineFd.fd()), method));
        peer = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        channel = listener.accept(T).orElseThrow(() -> new IllegalStateException("the peer did not connect"));
        socket = server.accept();
        String hello = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (hello == null || !hello.startsWith("PEER ")) {
            throw new IllegalStateException("the peer said " + hello);
        }
        String[] parts = hello.split(" ");
        theirs = SharedTimeline.open(sys, IpcPeer.openProcFd(Long.parseLong(parts[1]), Integer.parseInt(parts[2])),
                "peer");

        pool = channel.createPool(3, frameBytes, Optional.empty(), "bench");
        for (int i = 0; i < pool.size(); i++) {
            fill(pool.buffer(i));
        }
        ownFdBuffer = heap.allocate(frameBytes);
        fill(ownFdBuffer);
        socketFrame = ByteBuffer.allocateDirect(frameBytes);
        for (int i = 0; i < frameBytes; i++) {
            socketFrame.put(i, (byte) i);
        }
        park = new ParkPingPong();
    }

    private static void fill(DmaBuf b) {
        try (CpuAccess w = b.beginCpuAccess(Access.WRITE)) {
            var s = w.segments().get(0);
            for (long i = 0; i < s.byteSize(); i += 8) {
                s.set(ValueLayout.JAVA_LONG, i, i);
            }
        }
    }

    /** One step of the tear-down; every step runs even if an earlier one fails. */
    private interface Step {
        void run() throws Exception;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Exception first = null;
        for (Step step : List.<Step>of(
                park::close,
                () -> peer.getOutputStream().close(), // the peer exits when its stdin closes
                () -> {
                    peer.waitFor(30, TimeUnit.SECONDS);
                    peer.destroyForcibly();
                },
                pool::close, ownFdBuffer::close, channel::close, listener::close, socket::close, server::close,
                theirs::close, mineFd::close, mine::close,
                () -> IoUtil.unmap(ringMapping),
                () -> Files.deleteIfExists(ringFile.toPath()),
                () -> {
                    try (var files = Files.list(dir)) {
                        for (Path p : files.toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                    Files.deleteIfExists(dir);
                },
                sys::close)) {
            try {
                step.run();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Benchmark
    public long poolHandOff() {
        int slot = pool.acquire(T);
        SentFrame f = pool.submit(slot, null);
        f.released().await(T);
        return f.frame();
    }

    @Benchmark
    public long poolPipelined() {
        int slot = pool.acquire(T);
        return pool.submit(slot, null).frame();
    }

    @Benchmark
    public long fdPerFrame() {
        SentFrame f = channel.send(ownFdBuffer, null);
        f.released().await(T);
        return f.frame();
    }

    @Benchmark
    public long timelineRoundTrip() {
        long n = ++tick;
        mine.signal(n);
        theirs.point(n).await(T);
        return n;
    }

    @Benchmark
    public int baselineSocketCopy() throws IOException {
        socketFrame.clear();
        while (socketFrame.hasRemaining()) {
            socket.write(socketFrame);
        }
        ack.clear();
        while (ack.hasRemaining()) {
            if (socket.read(ack) < 0) {
                throw new IOException("the peer closed its socket");
            }
        }
        return ack.get(0);
    }

    @Benchmark
    public int baselineAgronaRing() {
        int chunks = Math.max(1, frameBytes / IpcPeer.CHUNK);
        for (int c = 0; c < chunks; c++) {
            int len = Math.min(IpcPeer.CHUNK, frameBytes);
            while (!ringOut.write(c == chunks - 1 ? 2 : 1, chunk, 0, len)) {
                idle.idle(0);
            }
            idle.reset();
        }
        int[] acked = {0};
        while (acked[0] == 0) {
            idle.idle(ringIn.read((type, buffer, index, length) -> acked[0]++));
        }
        idle.reset();
        return acked[0];
    }

    @Benchmark
    public long baselineParkPingPong() {
        return park.roundTrip();
    }
}
