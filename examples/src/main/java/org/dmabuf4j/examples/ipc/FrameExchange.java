package org.dmabuf4j.examples.ipc;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.BufferPool;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.PeerGoneException;
import org.dmabuf4j.ipc.ReceivedFrame;
import org.dmabuf4j.ipc.SentFrame;
import org.dmabuf4j.ipc.UnixAddress;

/**
 * A producer process and a consumer process exchanging 1920x1080 RGBA frames (8 MiB each) through a pool of memfd
 * buffers, with an acquire and a release point per frame: zero copies between the processes.
 *
 * <pre>
 *   producer (this JVM)                                          consumer (a child JVM)
 *   pool = channel.createPool(3, 1920x1080x4)  ── 3 memfds once ──►  imports the 3 buffers
 *   loop: i = pool.acquire()   (waits for the release point of the buffer's last frame)
 *         render into buffer i, then signal the "render" fence
 *         pool.submit(i, render fence) ── FRAME(i, acquire, release) ──► receive: beginCpuAccess(READ) waits
 *                                                                         for the acquire point, checks the
 *                                                                         pixels, release()
 * </pre>
 *
 * <p>Run it: {@code ./mvnw -B -ntp -Pdemo -DskipTests -pl examples -am package
 * -Ddemo.mainClass=org.dmabuf4j.examples.ipc.FrameExchange} (add {@code -Ddemo.frames=600} for a longer run: the
 * property is passed on as {@code -Dframes}). The producer starts the consumer itself, with the same {@code java} and
 * class path, and prints both sides' figures: frames per second and the latency from the end of a frame's rendering
 * to the consumer having checked it.
 */
public final class FrameExchange {
    /** Frame width in pixels. */
    public static final int WIDTH = 1920;
    /** Frame height in pixels. */
    public static final int HEIGHT = 1080;
    private static final Duration WAIT = ConsumerProcess.WAIT;

    private FrameExchange() {
    }

    /**
     * Without arguments: the producer, which starts the consumer. With {@code consumer ADDRESS}: the consumer.
     *
     * @param args none, or {@code consumer} and the abstract socket name
     */
    public static void main(String[] args) {
        if (args.length >= 2 && args[0].equals("consumer")) {
            consume(UnixAddress.abstractName(args[1]), System.out);
        } else {
            int frames = Integer.getInteger("frames", 120);
            run(frames, System.out);
        }
    }

    /**
     * Runs the producer side: starts the consumer process, sends {@code frames} frames, prints both sides' figures.
     *
     * @param frames how many frames; positive
     * @param out where to print
     * @return the consumer's exit code (0 if every frame was intact)
     */
    public static int run(int frames, PrintStream out) {
        return ConsumerProcess.run(FrameExchange.class, "frames", (sys, channel) -> produce(sys, channel, frames, out),
                out);
    }

    private static void produce(SimulatedSystem sys, BufferChannel channel, int frames, PrintStream out) {
        FenceContext render = sys.fences().newContext("example", "render");
        BufferLayout layout = BufferLayout.linear(WIDTH, HEIGHT, 4);
        List<SentFrame> sent = new ArrayList<>();
        long start = System.nanoTime();
        try (BufferPool pool = channel.createPool(3, layout.minimumSize(), Optional.of(layout), "frame")) {
            for (int n = 1; n <= frames; n++) {
                int slot = pool.acquire(WAIT);
                SignalingFence rendered = render.next();
                try (CpuAccess w = pool.buffer(slot).beginCpuAccess(Access.WRITE)) {
                    MemorySegment pixels = w.segments().get(0);
                    pixels.fill((byte) n);
                    pixels.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, n);
                    pixels.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, System.nanoTime());
                }
                rendered.signal(); // the "GPU" finished: the consumer's acquire point signals now
                sent.add(pool.submit(slot, rendered));
            }
            for (SentFrame f : sent) {
                f.released().await(WAIT);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "producer: %d frames of %dx%d (%d bytes) in %.2f s: %.1f frames/s, %.2f GB/s"
                + " handed over without a copy%n", frames, WIDTH, HEIGHT, layout.minimumSize(), seconds,
                frames / seconds, frames * (double) layout.minimumSize() / seconds / 1e9);
    }

    private static void consume(UnixAddress address, PrintStream out) {
        try (SimulatedSystem sys = DmaBufs.newSystem();
             BufferChannel channel = BufferChannel.connect(MemfdHeap.of(sys), address, "consumer")) {
            ConsumerStats stats = new ConsumerStats();
            while (true) {
                Optional<ReceivedFrame> next;
                try {
                    next = channel.receive(WAIT);
                } catch (PeerGoneException done) {
                    break;
                }
                if (next.isEmpty()) {
                    out.println("consumer: no frame within " + WAIT);
                    break;
                }
                try (ReceivedFrame f = next.get(); CpuAccess r = f.buffer().beginCpuAccess(Access.READ)) {
                    MemorySegment pixels = r.segments().get(0);
                    long n = pixels.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    long rendered = pixels.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
                    boolean ok = n == f.frame();
                    for (long off = 16; ok && off < pixels.byteSize(); off += 4093) {
                        ok = pixels.get(ValueLayout.JAVA_BYTE, off) == (byte) n;
                    }
                    stats.frame(rendered, ok);
                }
            }
            out.println("consumer: " + stats.summary("", ""));
            out.flush();
            System.exit(stats.exitCode());
        }
    }
}
