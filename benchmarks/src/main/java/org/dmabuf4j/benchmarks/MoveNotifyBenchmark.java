package org.dmabuf4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
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

/**
 * Path 6, move-notify fan-out: moving a buffer with 1, 10, 100 and 1000 dynamic importers, each told through
 * {@link Importer#moveNotify}. The cost must be linear in the importer count and at most 1 µs per importer.
 *
 * <p>{@code moveNotifyFanOut} takes the reservation lock, calls {@link ExportedBuffer#invalidateMappings()} (what a
 * moving exporter does, MOVE-3) and unlocks, on a buffer of a {@link MovableExporter} with that many dynamic
 * attachments, none of them mapped: the notification alone. {@code moveNotifyWithMappings} first maps every
 * attachment, so that the invalidation also kills one mapping per importer (MOVE-5), as in a real move.
 *
 * <p>Baseline: {@code baselineCallImporters}, calling {@code moveNotify} of every importer in a plain loop (the
 * notification itself, without locking, invalidation or re-mapping).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class MoveNotifyBenchmark {

    /** An importer that counts its notifications. */
    static final class CountingImporter implements Importer {
        long notified;

        @Override
        public void moveNotify(Attachment attachment) {
            notified++;
        }
    }

    /** The importers. */
    @State(Scope.Thread)
    public static class Importers {
        /** Number of dynamic importers. */
        @Param({"1", "10", "100", "1000"})
        public int importers;

        CountingImporter[] all;

        /** Creates the importers. */
        @Setup(Level.Trial)
        public void setUp() {
            all = new CountingImporter[importers];
            for (int i = 0; i < importers; i++) {
                all[i] = new CountingImporter();
            }
        }
    }

    /** Library: a dynamic exporter's buffer with {@code importers} dynamic attachments. */
    @State(Scope.Thread)
    public static class Attached {
        /** Number of dynamic importers. */
        @Param({"1", "10", "100", "1000"})
        public int importers;

        SimulatedSystem system;
        ExportedBuffer exported;
        DmaBuf buffer;
        final List<Attachment> attachments = new ArrayList<>();
        final List<CountingImporter> counters = new ArrayList<>();
        long operations;

        /** Exports the buffer and attaches the importers, all on one device. */
        @Setup(Level.Trial)
        public void setUp() {
            system = Systems.newSystem();
            SimulatedDevice device = system.newDevice("importers").coherent().build();
            exported = system.export(ExportInfo.of("movable", HeapChunks.PAGE, new MovableExporter()));
            buffer = exported.handle();
            for (int i = 0; i < importers; i++) {
                CountingImporter c = new CountingImporter();
                counters.add(c);
                attachments.add(buffer.attach(device, c));
            }
        }

        /** Checks that every importer was told every time, then detaches and frees everything. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (CountingImporter c : counters) {
                if (c.notified != operations) {
                    throw new IllegalStateException("an importer was notified " + c.notified + " times in "
                            + operations + " moves");
                }
            }
            for (Attachment a : attachments) {
                a.close();
            }
            buffer.close();
            Systems.closeChecked(system);
        }
    }

    /**
     * Lock, invalidate (notify every importer), unlock.
     *
     * @param a the buffer and its importers
     */
    @Benchmark
    public void moveNotifyFanOut(Attached a) {
        a.exported.reservation().lock();
        try {
            a.exported.invalidateMappings();
        } finally {
            a.exported.reservation().unlock();
        }
        a.operations++;
    }

    /**
     * Lock, map every attachment, invalidate (notify every importer and kill its mapping), unmap the dead mappings,
     * unlock.
     *
     * @param a the buffer and its importers
     */
    @Benchmark
    public void moveNotifyWithMappings(Attached a) {
        List<Attachment> atts = a.attachments;
        Mapping[] maps = new Mapping[atts.size()];
        a.exported.reservation().lock();
        try {
            for (int i = 0; i < maps.length; i++) {
                maps[i] = atts.get(i).map(Direction.BIDIRECTIONAL);
            }
            a.exported.invalidateMappings();
            for (int i = 0; i < maps.length; i++) {
                atts.get(i).unmap(maps[i]);
            }
        } finally {
            a.exported.reservation().unlock();
        }
        a.operations++;
    }

    /**
     * Calls every importer's moveNotify once.
     *
     * @param s the importers
     * @return the first importer's count
     */
    @Benchmark
    public long baselineCallImporters(Importers s) {
        for (CountingImporter i : s.all) {
            i.moveNotify(null);
        }
        return s.all[0].notified;
    }
}
