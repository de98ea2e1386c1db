package org.dmabuf4j.benchmarks;

import java.lang.foreign.Arena;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A population of live buffers as a pipeline holds them: each exported (one page, shared by all, see
 * {@link SharedPageExporter}), statically attached to one device, mapped, and with one fence (signaled) in its
 * reservation. {@code FootprintBenchmark} measures what each costs the heap; {@code ScalingBenchmark} measures other
 * operations while they are alive.
 */
final class LiveBuffers implements AutoCloseable {
    /** Bytes of the shared page. */
    static final long PAGE = HeapChunks.PAGE;

    private final SimulatedSystem system;
    private final SimulatedDevice device;
    private final Arena arena;
    private final SharedPageExporter exporter;
    private final FenceContext fences;
    // what a user keeps of each live buffer, in three arrays: 12 bytes a buffer, counted in the footprint
    private final DmaBuf[] handles;
    private final Attachment[] attachments;
    private final Mapping[] mappings;
    private int size;

    /**
     * Makes {@code count} live buffers in {@code system}, attached to {@code device}.
     *
     * @param system the system
     * @param device the device every buffer is attached to and mapped on
     * @param count how many
     */
    LiveBuffers(SimulatedSystem system, SimulatedDevice device, int count) {
        this.system = system;
        this.device = device;
        this.arena = system.exporterArena();
        this.exporter = new SharedPageExporter(arena.allocate(PAGE, PAGE));
        this.fences = system.fences().newContext("bench", "live-buffers");
        this.handles = new DmaBuf[count];
        this.attachments = new Attachment[count];
        this.mappings = new Mapping[count];
        for (int i = 0; i < count; i++) {
            make(i);
            size = i + 1;
        }
    }

    /** The exporter the buffers share, for exports of further buffers of the same kind. */
    SharedPageExporter exporter() {
        return exporter;
    }

    /**
     * Exports one more buffer of the shared page (not attached, not kept).
     *
     * @return the exported buffer
     */
    ExportedBuffer exportOne() {
        return system.export(ExportInfo.of("shared-page", PAGE, exporter));
    }

    private void make(int i) {
        DmaBuf handle = exportOne().handle();
        Attachment a = handle.attach(device);
        handle.reservation().lock();
        try {
            Mapping m = a.map(Direction.BIDIRECTIONAL);
            handle.reservation().reserveFences(1);
            SignalingFence f = fences.next();
            f.signal();
            handle.reservation().addFence(f, FenceUsage.WRITE);
            handles[i] = handle;
            attachments[i] = a;
            mappings[i] = m;
        } finally {
            handle.reservation().unlock();
        }
    }

    /**
     * How many buffers are live.
     *
     * @return the count
     */
    int size() {
        return size;
    }

    /** Unmaps, detaches and closes every buffer (each is released), then frees the shared page. */
    @Override
    public void close() {
        for (int i = size - 1; i >= 0; i--) {
            DmaBuf handle = handles[i];
            handle.reservation().lock();
            try {
                attachments[i].unmap(mappings[i]);
            } finally {
                handle.reservation().unlock();
            }
            attachments[i].close();
            handle.close();
            handles[i] = null;
            attachments[i] = null;
            mappings[i] = null;
            size = i;
        }
        arena.close(); // deferred by the system until the last view of the page ends (SAFE-1)
    }
}
