package org.dmabuf4j.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.OwnedFd;
import org.dmabuf4j.ipc.ReceivedFrame;
import org.dmabuf4j.ipc.SharedTimeline;
import org.dmabuf4j.ipc.UnixAddress;

/**
 * The other process of {@link IpcHandOffBenchmark}: one thread per mechanism, each answering every frame the
 * benchmark sends (a release, an acknowledgement byte, an acknowledgement message, a timeline signal).
 *
 * <pre>
 *   args: channelName socketPath ringPath frameBytes parentPid parentTimelineFd benchmarkMethod
 *   prints "PEER pid timelineFd" once everything is connected
 * </pre>
 *
 * <p>Only the mechanism of the benchmark method under test is served (every one for an unknown method): an idle
 * mechanism must cost nothing, and the ring's polling thread, which wakes every 100 µs at most, would otherwise take
 * CPU time from the measured path on a two-CPU machine. The system has no leak detection, as in every benchmark
 * ({@link Systems}).
 */
@SuppressWarnings("restricted") // one open(2) downcall: to open the parent's timeline page through /proc
public final class IpcPeer {
    /** Ring chunks: Agrona's largest message is an eighth of the ring's capacity. */
    static final int RING_CAPACITY = 16 << 20;
    static final int CHUNK = 1 << 20;
    static final int RING_FILE = 2 * (RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);

    private IpcPeer() {
    }

    public static void main(String[] args) throws Exception {
        UnixAddress channelAddress = UnixAddress.abstractName(args[0]);
        Path socketPath = Path.of(args[1]);
        File ringFile = new File(args[2]);
        int frameBytes = Integer.parseInt(args[3]);
        long parentPid = Long.parseLong(args[4]);
        int parentTimelineFd = Integer.parseInt(args[5]);
        String method = args.length > 6 ? args[6] : "";
        try (SimulatedSystem sys = Systems.newSystem();
             BufferChannel channel = BufferChannel.connect(MemfdHeap.of(sys), channelAddress, "peer");
             SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
             SharedTimeline mine = SharedTimeline.create(sys, "peer");
             SharedTimeline theirs = SharedTimeline.open(sys, openProcFd(parentPid, parentTimelineFd), "parent");
             OwnedFd myFd = mine.exportFd()) {
            socket.connect(UnixDomainSocketAddress.of(socketPath));
            List<Thread> threads = new ArrayList<>();
            boolean all = !MECHANISMS.contains(method);
            if (all || method.equals("poolHandOff") || method.equals("poolPipelined") || method.equals("fdPerFrame")) {
                serveChannel(channel);
            }
            if (all || method.equals("baselineSocketCopy")) {
                threads.add(start("socket", () -> serveSocket(socket, frameBytes)));
            }
            if (all || method.equals("baselineAgronaRing")) {
                threads.add(start("ring", () -> serveRing(ringFile)));
            }
            if (all || method.equals("timelineRoundTrip")) {
                threads.add(start("timeline", () -> serveTimeline(theirs, mine)));
            }
            System.out.println("PEER " + ProcessHandle.current().pid() + " " + myFd.fd());
            System.out.flush();
            // the benchmark closes stdin when it is done
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        // the serving threads are daemons blocked on what was just closed; System.exit (not halt) lets a flight
        // recording started with -XX:StartFlightRecording be written
        System.exit(0);
    }

    /** The benchmark methods whose mechanism the peer serves alone. */
    private static final java.util.Set<String> MECHANISMS = java.util.Set.of("poolHandOff", "poolPipelined",
            "fdPerFrame", "baselineSocketCopy", "baselineAgronaRing", "timelineRoundTrip", "baselineParkPingPong");

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, "peer-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Releases every frame at once, on the channel's reader thread (no hop to another thread). */
    private static void serveChannel(BufferChannel channel) {
        channel.onFrame(ReceivedFrame::release);
    }

    private static void serveSocket(SocketChannel socket, int frameBytes) {
        ByteBuffer frame = ByteBuffer.allocateDirect(frameBytes);
        ByteBuffer ack = ByteBuffer.allocateDirect(1);
        try {
            while (true) {
                frame.clear();
                while (frame.hasRemaining()) {
                    if (socket.read(frame) < 0) {
                        return;
                    }
                }
                ack.clear();
                ack.put((byte) 1).flip();
                socket.write(ack);
            }
        } catch (IOException done) {
            // the benchmark closed the socket
        }
    }

    private static void serveRing(File ringFile) {
        var mapped = IoUtil.mapExistingFile(ringFile, "ring");
        int half = RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        OneToOneRingBuffer in = new OneToOneRingBuffer(new UnsafeBuffer(mapped, 0, half));
        OneToOneRingBuffer out = new OneToOneRingBuffer(new UnsafeBuffer(mapped, half, half));
        UnsafeBuffer ack = new UnsafeBuffer(new byte[8]);
        IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MICROSECONDS.toNanos(100));
        byte[] sink = new byte[CHUNK];
        while (true) {
            int n = in.read((type, buffer, index, length) -> {
                buffer.getBytes(index, sink, 0, length); // the receiver takes the bytes out, as a socket would
                if (type == 2) {
                    while (!out.write(1, ack, 0, 8)) {
                        Thread.onSpinWait();
                    }
                }
            });
            idle.idle(n);
        }
    }

    private static void serveTimeline(SharedTimeline theirs, SharedTimeline mine) {
        try {
            for (long n = 1; ; n++) {
                if (!theirs.point(n).await(Duration.ofHours(1))) {
                    return;
                }
                mine.signal(n);
            }
        } catch (org.dmabuf4j.api.DmaBufException done) {
            // the benchmark closed its timeline (its pending point failed) or this one was closed: the trial is over
        }
    }

    /** Opens another process's descriptor through /proc (same user): how the peers share their timeline pages. */
    static OwnedFd openProcFd(long pid, int fd) {
        Linker linker = Linker.nativeLinker();
        MethodHandle open = linker.downcallHandle(linker.defaultLookup().findOrThrow("open"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
        try (Arena a = Arena.ofConfined()) {
            int n = (int) open.invokeExact(a.allocateFrom("/proc/" + pid + "/fd/" + fd), 2 | 0x80000, 0);
            if (n < 0) {
                throw new IllegalStateException("cannot open /proc/" + pid + "/fd/" + fd);
            }
            return OwnedFd.adopt(n, "timeline of process " + pid);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
