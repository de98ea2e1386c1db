package org.dmabuf4j.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The heap a live buffer costs, and whether a million of them come and go without a long GC pause (issue 15).
 *
 * <p>One operation ({@link Mode#SingleShotTime}, one per fork) makes {@code buffers} live buffers as a pipeline
 * holds them — exported, statically attached to one device, mapped, with one fence in the reservation
 * ({@link LiveBuffers}) — then releases them all. It reports, as secondary metrics:
 * <ul>
 *   <li>{@code retainedBytesPerBuffer}: heap in use after a full GC with the buffers alive, minus before, ÷ buffers
 *       (the retained size of everything the framework keeps per buffer; the shared page and the system are
 *       outside the difference);</li>
 *   <li>{@code allocatedBytesPerBuffer}: bytes the making thread allocated ({@code ThreadMXBean
 *       .getThreadAllocatedBytes}) ÷ buffers: garbage included;</li>
 *   <li>{@code maxFullGcPauseMillis} and {@code maxGcPauseMillis}: the longest full-GC pause and the longest pause of
 *       any kind while the buffers were made and released, from the collectors' notifications; the measurement's
 *       own {@code System.gc()} calls (cause "System.gc()") are not counted; {@code fullGcs} counts the others.</li>
 * </ul>
 * The primary score is the time to make and release them all. The fork runs with a fixed 3 GiB heap so that the
 * figures do not depend on the machine's memory.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS, "-Xms3g", "-Xmx3g"})
public class FootprintBenchmark {
    /** Set to true to print the heap's class histogram while the buffers are live (development). */
    static final String HISTOGRAM_PROPERTY = "dmabuf4j.footprint.histogram";

    /** The figures of the operation, reported by JMH as secondary metrics. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Figures {
        /** Retained heap per live buffer, in bytes. */
        public double retainedBytesPerBuffer;
        /** Bytes allocated per buffer made. */
        public double allocatedBytesPerBuffer;
        /** The longest full-GC pause, in milliseconds (0 if none). */
        public double maxFullGcPauseMillis;
        /** The longest GC pause of any kind, in milliseconds. */
        public double maxGcPauseMillis;
        /** Full GCs not asked for by the measurement. */
        public double fullGcs;

        /** Clears the figures. */
        @Setup(Level.Iteration)
        public void clear() {
            retainedBytesPerBuffer = 0;
            allocatedBytesPerBuffer = 0;
            maxFullGcPauseMillis = 0;
            maxGcPauseMillis = 0;
            fullGcs = 0;
        }
    }

    /** How many buffers. */
    @State(Scope.Thread)
    public static class Population {
        /** Live buffers made and released. */
        @Param({"1000000"})
        public int buffers;
    }

    /**
     * Makes the buffers, measures them, releases them.
     *
     * @param p how many
     * @param f the figures
     * @return the number of buffers that were live at once
     */
    @Benchmark
    public int exportAttachMapFence(Population p, Figures f) {
        Measurement m = Measurement.run(p.buffers);
        f.retainedBytesPerBuffer = m.retainedBytesPerBuffer();
        f.allocatedBytesPerBuffer = m.allocatedBytesPerBuffer();
        f.maxFullGcPauseMillis = m.maxFullGcPauseMillis();
        f.maxGcPauseMillis = m.maxGcPauseMillis();
        f.fullGcs = m.fullGcs();
        System.out.println(m);
        return m.buffers();
    }

    /**
     * One measurement.
     *
     * @param buffers live buffers at once
     * @param retainedBytesPerBuffer retained heap per buffer
     * @param allocatedBytesPerBuffer allocated bytes per buffer made
     * @param maxFullGcPauseMillis longest full-GC pause not asked for by the measurement
     * @param maxGcPauseMillis longest pause of any kind not asked for by the measurement
     * @param fullGcs full GCs not asked for by the measurement
     */
    record Measurement(int buffers, double retainedBytesPerBuffer, double allocatedBytesPerBuffer,
                       double maxFullGcPauseMillis, double maxGcPauseMillis, int fullGcs) {

        /**
         * Runs one measurement in this JVM.
         *
         * @param buffers how many live buffers
         * @return the figures
         */
        static Measurement run(int buffers) {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().threadId();
            Pauses pauses = new Pauses();
            SimulatedSystem system = Systems.newSystem();
            try {
                SimulatedDevice device = system.newDevice("footprint").coherent().build();
                LiveBuffers warm = new LiveBuffers(system, device, 1);
                pauses.settle();
                long before = memory.getHeapMemoryUsage().getUsed();
                long allocatedBefore = threads.getThreadAllocatedBytes(thread);
                pauses.start();
                LiveBuffers live = new LiveBuffers(system, device, buffers);
                pauses.stop();
                long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
                pauses.settle();
                long after = memory.getHeapMemoryUsage().getUsed();
                if (Boolean.getBoolean(HISTOGRAM_PROPERTY)) {
                    printHistogram();
                }
                pauses.start();
                live.close();
                pauses.stop();
                warm.close();
                pauses.finish();
                return new Measurement(buffers, (double) (after - before) / buffers, (double) allocated / buffers,
                        pauses.maxFull, pauses.maxAny, pauses.fullCount);
            } finally {
                pauses.detach();
                Systems.closeChecked(system);
            }
        }

        /**
         * Prints the heap's class histogram (the diagnostic command {@code GC.class_histogram}), its first lines:
         * which classes the retained bytes are.
         */
        private static void printHistogram() {
            try {
                Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
                String[] lines = String.valueOf(out).split("\n");
                for (int i = 0; i < Math.min(lines.length, 45); i++) {
                    System.out.println(lines[i]);
                }
            } catch (javax.management.JMException e) {
                System.out.println("FootprintBenchmark: no class histogram: " + e);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "FootprintBenchmark: %,d live buffers: %.0f B retained and %.0f B "
                    + "allocated per buffer; longest full-GC pause %.1f ms (%d full GCs), longest pause %.1f ms",
                    buffers, retainedBytesPerBuffer, allocatedBytesPerBuffer, maxFullGcPauseMillis, fullGcs,
                    maxGcPauseMillis);
        }
    }

    /**
     * The GC pauses the collectors report during the measured phases, except those the measurement asked for.
     * Notifications arrive on another thread, after the collection: every one is kept with its start time, and
     * {@link #finish()} waits (bounded) for the notification of a {@code System.gc()} started after the last phase,
     * which comes after every earlier one.
     */
    private static final class Pauses implements NotificationListener {
        private record Event(long startMillis, double millis, String action, String cause) {
        }

        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final List<Event> events = new ArrayList<>();
        private final List<long[]> phases = new ArrayList<>();
        private long phaseStart;
        /** The System.gc() calls made, and their notifications seen; guarded by this. */
        private int gcCalls;
        private int gcSeen;
        double maxFull;
        double maxAny;
        int fullCount;

        Pauses() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter e) {
                    e.addNotificationListener(this, null, null);
                    emitters.add(e);
                }
            }
        }

        private static long uptime() {
            return ManagementFactory.getRuntimeMXBean().getUptime();
        }

        void start() {
            phaseStart = uptime();
        }

        void stop() {
            phases.add(new long[] {phaseStart, uptime()});
        }

        @Override
        public synchronized void handleNotification(Notification n, Object handback) {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            events.add(new Event(info.getGcInfo().getStartTime(), info.getGcInfo().getDuration(), info.getGcAction(),
                    info.getGcCause()));
            if ("System.gc()".equals(info.getGcCause())) {
                gcSeen++;
            }
            notifyAll();
        }

        /** A System.gc() of the measurement's own, counted so that {@link #finish()} knows what to wait for. */
        private void gc() {
            synchronized (this) {
                gcCalls++;
            }
            System.gc();
        }

        /** Full GCs until the heap in use stops shrinking (at most 5). */
        void settle() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long last = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                gc();
                long used = memory.getHeapMemoryUsage().getUsed();
                if (used >= last) {
                    return;
                }
                last = used;
            }
        }

        /**
         * Waits for the collectors' notifications of the phases, then takes the figures. Notifications come in the
         * order of the collections: once the last System.gc()'s has come, every earlier one has.
         */
        void finish() {
            gc();
            waitForNotifications();
        }

        private synchronized void waitForNotifications() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (gcSeen < gcCalls) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    System.out.println("FootprintBenchmark: no GC notification within 10 s; pauses may be missing");
                    break;
                }
                try {
                    wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (Event e : events) {
                if ("System.gc()".equals(e.cause()) || !inPhase(e.startMillis())) {
                    continue;
                }
                if (e.action().contains("concurrent") && !e.action().contains("pause")) {
                    continue; // a concurrent cycle's duration is not a pause
                }
                maxAny = Math.max(maxAny, e.millis());
                if (e.action().contains("major")) {
                    fullCount++;
                    maxFull = Math.max(maxFull, e.millis());
                }
            }
        }

        private boolean inPhase(long t) {
            for (long[] p : phases) {
                if (t >= p[0] && t <= p[1]) {
                    return true;
                }
            }
            return false;
        }

        void detach() {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(this);
                } catch (ListenerNotFoundException ignored) {
                    // never added: nothing to remove
                }
            }
        }
    }

    /**
     * Runs one measurement outside JMH, for development: {@code java -Xmx3g -cp benchmarks.jar
     * [-Ddmabuf4j.footprint.histogram=true] org.dmabuf4j.benchmarks.FootprintBenchmark [buffers]}.
     *
     * @param args the number of buffers (default 1 000 000)
     */
    public static void main(String[] args) {
        System.out.println(Measurement.run(args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000));
    }
}
