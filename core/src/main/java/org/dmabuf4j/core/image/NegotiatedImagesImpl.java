package org.dmabuf4j.core.image;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.NegotiatedImages;
import org.dmabuf4j.api.image.NegotiationResult;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;

/** The images of a negotiation and the route between them (NEG-6). */
final class NegotiatedImagesImpl implements NegotiatedImages {
    private final ImageAllocatorImpl allocator;
    private final NegotiationResult result;
    private final Image producer;
    private final Image consumer;
    private final SimulatedDevice blitter;
    private final ImageMapping src;
    private final ImageMapping dst;
    private final AtomicBoolean open = new AtomicBoolean(true);

    NegotiatedImagesImpl(ImageAllocatorImpl allocator, NegotiationResult result, Image producer, Image consumer,
            SimulatedDevice blitter, ImageMapping src, ImageMapping dst) {
        this.allocator = allocator;
        this.result = result;
        this.producer = producer;
        this.consumer = consumer;
        this.blitter = blitter;
        this.src = src;
        this.dst = dst;
    }

    @Override
    public NegotiationResult result() {
        return result;
    }

    @Override
    public Image producerImage() {
        return producer;
    }

    @Override
    public Image consumerImage() {
        return consumer;
    }

    @Override
    public Fence transfer() {
        if (!open.get()) {
            throw new ClosedException(Rule.BUF_3, "transfer on closed negotiated images (" + result.route() + ")");
        }
        return switch (result.route()) {
            case DIRECT, LINEAR -> allocator.system.fences().signaled();
            case DEVICE_BLIT -> {
                Fence f = blitter.engine().submit(Job.convert(src, dst));
                allocator.stats.blits.increment();
                yield f;
            }
            case CPU_COPY -> {
                cpuCopy();
                allocator.stats.cpuCopies.increment();
                yield allocator.system.fences().signaled();
            }
        };
    }

    /** The CPU converts through both images' linear views, row by row (NEG-6). */
    private void cpuCopy() {
        try (ImageAccess from = producer.beginCpuAccess(Access.READ);
             ImageAccess to = consumer.beginCpuAccess(Access.WRITE)) {
            for (int p = 0; p < from.planeCount(); p++) {
                CpuAccess a = from.plane(p);
                CpuAccess b = to.plane(p);
                for (int r = 0; r < a.rowCount(); r++) {
                    MemorySegment row = a.row(r);
                    MemorySegment.copy(row, 0, b.row(r), 0, row.byteSize());
                }
            }
        }
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        List<Runnable> parts = new ArrayList<>(4);
        if (dst != null) {
            parts.add(dst.attachment()::close);
        }
        if (src != null) {
            parts.add(src.attachment()::close);
        }
        parts.add(consumer::close);
        if (producer != consumer) {
            parts.add(producer::close);
        }
        Closing.rethrow(Closing.all(parts, Runnable::run, null));
    }

    @Override
    public String toString() {
        return "negotiated images: " + result.describe();
    }
}
