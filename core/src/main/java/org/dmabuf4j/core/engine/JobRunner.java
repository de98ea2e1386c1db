package org.dmabuf4j.core.engine;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.device.DeviceAccess;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.dmabuf4j.core.image.ImageJobs;

/**
 * Moves a job's bytes through the device's IOMMU, one DMA address run at a time, on the engine's thread. Every access
 * resolves its addresses, checks direction and claims ownership (CPU-11, DEV-6) before it touches a byte, so a run
 * through an unmapped or invalidated mapping faults without moving anything (DEV-1, DEV-8); runs that completed
 * before a fault stay written, as with a real DMA engine that stops at the faulting burst. A copy goes through a
 * bounce buffer of the engine in bursts of at most {@link #BURST} bytes, so that it never holds two IOMMU accesses at
 * once.
 */
final class JobRunner {
    /** The largest burst of a copy: bounds the bounce buffer. */
    static final int BURST = 256 * 1024;

    private final SimulatedDeviceImpl device;
    /** The bounce buffer of copies; touched only by the engine's thread. */
    private MemorySegment bounce;

    JobRunner(SimulatedDeviceImpl device) {
        this.device = device;
    }

    void run(Plan plan) {
        switch (plan.job) {
            case Job.Fill f -> fill(plan.dstRuns, f.value());
            case Job.Write w -> transfer(plan.dstRuns, 0, w.length(), w.from(), true);
            case Job.Read r -> transfer(plan.srcRuns, 0, r.length(), r.into(), false);
            case Job.Copy c -> copy(plan.srcRuns, plan.dstRuns, c.length());
            case Job.ImageCopy c -> ImageJobs.copy(device, c, plan.srcBuffers, plan.dstBuffers);
            case Job.ImageFill f -> ImageJobs.fill(device, f, plan.dstBuffers);
        }
    }

    private void fill(long[] runs, byte value) {
        for (int i = 0; i < runs.length; i += 2) {
            try (DeviceAccess a = device.access(runs[i], runs[i + 1], true)) {
                a.fill(value);
            }
        }
    }

    private void copy(long[] src, long[] dst, long length) {
        MemorySegment b = bounce(length);
        for (long pos = 0; pos < length; pos += b.byteSize()) {
            long n = Math.min(b.byteSize(), length - pos);
            transfer(src, pos, n, b, false);
            transfer(dst, pos, n, b, true);
        }
    }

    private MemorySegment bounce(long length) {
        long want = Math.min(length, BURST);
        if (bounce == null || bounce.byteSize() < want) {
            bounce = MemorySegment.ofArray(new byte[(int) want]);
        }
        return bounce;
    }

    /**
     * Moves job bytes {@code [pos, pos + n)} (the runs cover the job's bytes from 0) between the buffer and
     * {@code segment} (a write job's source, a read job's destination, or the bounce buffer), whose first byte is job
     * byte {@code pos}: device writes from the segment if {@code toBuffer}, else device reads into it.
     */
    private void transfer(long[] runs, long pos, long n, MemorySegment segment, boolean toBuffer) {
        long runStart = 0;
        long end = pos + n;
        for (int i = 0; i < runs.length && runStart < end; i += 2) {
            long runEnd = runStart + runs[i + 1];
            if (runEnd > pos) {
                long from = Math.max(pos, runStart);
                long len = Math.min(end, runEnd) - from;
                long address = runs[i] + (from - runStart);
                MemorySegment piece = segment.asSlice(from - pos, len);
                if (toBuffer) {
                    device.dmaWrite(address, piece);
                } else {
                    device.dmaRead(address, piece);
                }
            }
            runStart = runEnd;
        }
    }
}
