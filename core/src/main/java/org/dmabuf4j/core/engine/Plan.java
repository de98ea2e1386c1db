package org.dmabuf4j.core.engine;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.buffer.DmaRuns;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.dmabuf4j.core.image.ImageJobs;

/**
 * A job checked against its engine and compiled for the device: the DMA address runs it will use (taken now, judged
 * by the IOMMU when the job runs, DEV-8) and the buffers it touches, each with whether it is written.
 */
final class Plan {
    /**
     * One buffer the job touches: its reservation, whether the job writes it, and the attachment that names it in
     * messages (described only when a message is built: submission is a hot path).
     */
    record Touch(Reservation reservation, boolean write, Attachment what) {
    }

    final Job job;
    /** {@code (dmaAddress, length)} pairs of the memory read, or null if the job reads no buffer. */
    final long[] srcRuns;
    /** {@code (dmaAddress, length)} pairs of the memory written, or null if the job writes no buffer. */
    final long[] dstRuns;
    final List<Touch> touches;
    /** Image jobs: per source buffer, its mapping's runs over the whole buffer; else null. */
    final long[][] srcBuffers;
    /** Image jobs: per destination buffer, its mapping's runs over the whole buffer; else null. */
    final long[][] dstBuffers;

    private Plan(Job job, long[] srcRuns, long[] dstRuns, List<Touch> touches) {
        this(job, srcRuns, dstRuns, touches, null, null);
    }

    private Plan(Job job, long[] srcRuns, long[] dstRuns, List<Touch> touches, long[][] srcBuffers,
            long[][] dstBuffers) {
        this.job = job;
        this.srcRuns = srcRuns;
        this.dstRuns = dstRuns;
        this.touches = touches;
        this.srcBuffers = srcBuffers;
        this.dstBuffers = dstBuffers;
    }

    /**
     * Checks a job for an engine and compiles it.
     *
     * @param job the job
     * @param engine the engine it is submitted to
     * @param engineThread the thread that will run it (perhaps not started yet)
     * @return the plan
     * @throws RuleViolationException (DEV-8) if a mapping is of another device or a heap segment is confined to
     *     another thread, or the caller holds a reservation lock the job needs
     * @throws org.dmabuf4j.api.InvalidatedMappingException (MAP-11, MOVE-5) if a mapping is dead
     */
    static Plan of(Job job, EngineImpl engine, Thread engineThread) {
        SimulatedDeviceImpl device = engine.deviceImpl();
        List<Touch> touches = new ArrayList<>(2);
        Plan plan = switch (job) {
            case Job.Copy c -> {
                long[] src = runs(engine, device, c.src(), c.srcOffset(), c.length(), "source", false, touches);
                long[] dst = runs(engine, device, c.dst(), c.dstOffset(), c.length(), "destination", true, touches);
                yield new Plan(job, src, dst, touches);
            }
            case Job.Fill f -> new Plan(job, null,
                    runs(engine, device, f.dst(), f.offset(), f.length(), "destination", true, touches), touches);
            case Job.Read r -> {
                reachable(engine, r.into(), "destination segment", engineThread);
                yield new Plan(job, runs(engine, device, r.src(), r.offset(), r.length(), "source", false, touches),
                        null, touches);
            }
            case Job.Write w -> {
                reachable(engine, w.from(), "source segment", engineThread);
                yield new Plan(job, null,
                        runs(engine, device, w.dst(), w.offset(), w.length(), "destination", true, touches), touches);
            }
            case Job.ImageCopy c -> {
                long[][] src = imageRuns(engine, device, c.src(), "source", false, touches);
                long[][] dst = imageRuns(engine, device, c.dst(), "destination", true, touches);
                yield new Plan(job, null, null, touches, src, dst);
            }
            case Job.ImageFill f -> new Plan(job, null, null, touches, null,
                    imageRuns(engine, device, f.dst(), "destination", true, touches));
        };
        for (Touch t : touches) {
            if (t.reservation.isHeldByCurrentThread()) {
                throw new RuleViolationException(Rule.DEV_8, "submit to " + engine + " while the calling thread holds"
                        + " the reservation lock of " + t.what + ": unlock it first; the engine locks the buffers of a"
                        + " job itself. Nothing was queued");
            }
        }
        return plan;
    }

    private static long[] runs(EngineImpl engine, SimulatedDeviceImpl device, Mapping m, long offset, long length,
            String role, boolean write, List<Touch> touches) {
        if (m.attachment().device() != device) {
            throw new RuleViolationException(Rule.DEV_8, "the " + role + " mapping of a job submitted to " + engine
                    + " is a mapping of " + m.attachment() + ": an engine reaches memory only through its own"
                    + " device's mappings; attach the buffer to '" + device.name() + "' and map it there. Nothing was"
                    + " queued");
        }
        long[] runs = DmaRuns.of(m, offset, length);
        Reservation r = m.attachment().buffer().reservation();
        for (int i = 0; i < touches.size(); i++) {
            Touch t = touches.get(i);
            if (t.reservation == r) {
                if (write && !t.write) {
                    touches.set(i, new Touch(r, true, t.what));
                }
                return runs;
            }
        }
        touches.add(new Touch(r, write, m.attachment()));
        return runs;
    }

    /** The whole-buffer runs of every buffer of an image mapping (FMT-10: only the library's checked mappings). */
    private static long[][] imageRuns(EngineImpl engine, SimulatedDeviceImpl device, ImageMapping m, String role,
            boolean write, List<Touch> touches) {
        List<Mapping> buffers = ImageJobs.mappings(m, role);
        long[][] out = new long[buffers.size()][];
        for (int i = 0; i < out.length; i++) {
            Mapping b = buffers.get(i);
            out[i] = runs(engine, device, b, 0, b.size(), role + " image buffer " + i, write, touches);
        }
        return out;
    }

    private static void reachable(EngineImpl engine, MemorySegment s, String role, Thread engineThread) {
        if (!s.isAccessibleBy(engineThread)) {
            throw new RuleViolationException(Rule.DEV_8, "the " + role + " of a job submitted to " + engine
                    + " belongs to a confined arena of another thread: the engine touches it on its own thread. Use"
                    + " heap memory (MemorySegment.ofArray) or a shared, automatic or global arena. Nothing was queued");
        }
    }
}
