package org.dmabuf4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Importer;
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
 * Path 6, move-notify fan-out: moving a buffer with 1, 10, 100 and 1000 dynamic importers, each told through
 * {@link Importer#moveNotify}. The cost must be linear in the importer count and at most 1 µs per importer.
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
