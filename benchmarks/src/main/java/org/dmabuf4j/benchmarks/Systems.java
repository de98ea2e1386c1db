package org.dmabuf4j.benchmarks;

import java.util.function.Function;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * The library systems the benchmarks run on, and the leak check at their end.
 *
 * <p>Leak detection (a stack trace per handle, BUF-8) is off: it is a debugging aid whose cost would swamp the handle
 * paths; {@code LifecycleBenchmark} measures it on its own. The contiguous pool is large enough for the 64 MiB
 * contiguous buffers of {@code MapBenchmark} and {@code LifecycleBenchmark}.
 */
final class Systems {
    /** Contiguous pool: two 64 MiB buffers plus slack. */
    static final long CONTIGUOUS_POOL = 192L << 20;

    private Systems() {
    }

    /**
     * A new system for a benchmark trial.
     *
     * @param leakDetection whether handles record their creation site
     * @return the system
     */
    static SimulatedSystem newSystem(boolean leakDetection) {
        return DmaBufs.builder().contiguousPoolBytes(CONTIGUOUS_POOL).leakDetection(leakDetection).build();
    }

    /**
     * A new system without leak detection.
     *
     * @return the system
     */
    static SimulatedSystem newSystem() {
        return newSystem(false);
    }

    /**
     * Closes a system after checking that the benchmark released everything: a benchmark that leaks buffers measures
     * something else than it says, so it fails instead.
     *
     * @param system the system; may be null (setup failed early)
     * @throws IllegalStateException if buffers are still live; the system is closed anyway
     */
    static void closeChecked(SimulatedSystem system) {
        if (system == null) {
            return;
        }
        try {
            if (!system.liveBufferIds().isEmpty()) {
                throw new IllegalStateException("benchmark left buffers open: " + system.liveBufferIds() + "\n"
                        + system.describeBuffers());
            }
        } finally {
            system.close();
        }
    }

    /**
     * A system-heap buffer in a system of its own, statically attached to one device. On a non-coherent device the CPU
     * reaches it through the simulated cache (CPU-9); the buffer is then synced once so that first-touch page faults
     * are not measured.
     *
     * @param system its own system, closed (checked) by {@link #close()}
     * @param buffer the buffer
     * @param attachment the buffer's static attachment to the device
     */
    record Attached(SimulatedSystem system, DmaBuf buffer, Attachment attachment) implements AutoCloseable {
        static Attached open(String deviceName, boolean coherent, Function<DmaHeap, DmaBuf> allocate) {
            SimulatedSystem system = newSystem();
            DmaBuf buffer = allocate.apply(system.systemHeap());
            var device = system.newDevice(deviceName);
            Attachment attachment = buffer.attach((coherent ? device.coherent() : device.nonCoherent()).build());
            if (!coherent) {
                try (CpuAccess w = buffer.beginCpuAccess(Access.READ_WRITE)) {
                    w.segment().fill((byte) 1);
                }
            }
            return new Attached(system, buffer, attachment);
        }

        @Override
        public void close() {
            attachment.close();
            buffer.close();
            closeChecked(system);
        }
    }
}
