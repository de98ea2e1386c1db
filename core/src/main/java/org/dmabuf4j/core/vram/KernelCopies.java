package org.dmabuf4j.core.vram;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.dmabuf4j.core.engine.EngineImpl;

/**
 * How a device's local memory copies: as kernel work on the device's first engine (MOVE-8), in order with the
 * device's own jobs. Each copy waits until its dependencies signaled (whatever their status), copies, then frees the
 * location it read, before its fence signals; if the device is unplugged before the copy runs, the fence fails and
 * the location is freed all the same.
 */
final class KernelCopies {
    private final SimulatedDeviceImpl device;

    KernelCopies(SimulatedDeviceImpl device) {
        this.device = device;
    }

    /**
     * Queues a copy.
     *
     * @param after the fences to wait for first
     * @param copy the copy
     * @param then runs once after the copy, or instead of it if it never runs (frees what the copy read)
     * @return the copy's fence
     * @throws org.dmabuf4j.api.ClosedException (DEV-7) if the device was unplugged; nothing is queued
     */
    Fence submit(List<Fence> after, Runnable copy, Runnable then) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable thenOnce = () -> {
            if (done.compareAndSet(false, true)) {
                then.run();
            }
        };
        Fence fence = ((EngineImpl) device.engine()).submitKernel(after, () -> {
            try {
                copy.run();
            } finally {
                thenOnce.run();
            }
        });
        if (!fence.addCallback(f -> thenOnce.run())) {
            thenOnce.run();
        }
        return fence;
    }
}
