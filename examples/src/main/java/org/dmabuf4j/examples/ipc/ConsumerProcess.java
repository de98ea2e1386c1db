package org.dmabuf4j.examples.ipc;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.ChannelListener;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.UnixAddress;

/**
 * The process half the examples share: the producer listens on a fresh abstract socket, starts the consumer as a
 * child JVM (the same {@code java} and class path, arguments {@code consumer ADDRESS}), copies its output, accepts its
 * connection and hands the channel to the example's producer loop.
 */
final class ConsumerProcess {
    /** How long the producer waits for the consumer to connect. */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The example's producer loop, on the accepted channel. */
    @FunctionalInterface
    interface Producer {
        /**
         * Produces the frames; returns when the last was sent (the channel is closed after).
         *
         * @param sys the producer's system (its heap is the listener's memfd heap)
         * @param channel the channel to the consumer
         */
        void produce(SimulatedSystem sys, BufferChannel channel);
    }

    private ConsumerProcess() {
    }

    /**
     * Runs the producer side of {@code main}: starts the consumer, runs {@code producer} on the channel, waits for the
     * consumer to exit.
     *
     * @param main the example's class; its {@code main(consumer, ADDRESS)} is the consumer
     * @param name the producer's name, in the socket and channel names
     * @param producer the producer loop
     * @param out where both sides print
     * @return the consumer's exit code
     */
    static int run(Class<?> main, String name, Producer producer, PrintStream out) {
        UnixAddress address = UnixAddress.abstractName("dmabuf4j-" + name + "-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        try (SimulatedSystem sys = DmaBufs.newSystem();
             ChannelListener listener = ChannelListener.listen(MemfdHeap.of(sys), address, name)) {
            Process consumer = start(main, address);
            Thread pump = pumpOutput(consumer, out);
            try (BufferChannel channel = listener.accept(WAIT).orElseThrow(
                    () -> new IllegalStateException("the consumer did not connect within " + WAIT))) {
                producer.produce(sys, channel);
            }
            consumer.waitFor();
            pump.join();
            return consumer.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Process start(Class<?> main, UnixAddress address) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), main.getName(),
                "consumer", address.name());
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the consumer: " + cmd, e);
        }
    }

    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : new String[] {System.getProperty("java.class.path"), System.getProperty("jdk.module.path")}) {
            if (p != null && !p.isBlank()) {
                parts.add(p);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    private static Thread pumpOutput(Process p, PrintStream out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.println(line);
                }
            } catch (IOException e) {
                out.println("consumer output lost: " + e);
            }
        }, "consumer-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
