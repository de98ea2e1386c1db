package org.dmabuf4j.core.engine;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.device.DeviceAccess;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;

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
            case Job.Write w -> write(plan.dstRuns, 0, w.length(), w.from(), 0);
            case Job.Read r -> read(plan.srcRuns, 0, r.length(), r.into(), 0);
            case Job.Copy c -> copy(plan.srcRuns, plan.dstRuns, c.length());
        }
    }

    private void fill(long[] runs, byte value) {
        for (int i = 0; i < runs.length; i += 2) {
            try (DeviceAccess a = device.access(runs[i], runs[i + 1], true)) {
                for (MemorySegment piece : a.pieces()) {
                    piece.fill(value);
                }
            }
        }
    }

    private void copy(long[] src, long[] dst, long length) {
        MemorySegment b = bounce(length);
        for (long pos = 0; pos < length; pos += b.byteSize()) {
            long n = Math.min(b.byteSize(), length - pos);
            read(src, pos, n, b, 0);
            write(dst, pos, n, b, 0);
        }
    }

    private MemorySegment bounce(long length) {
        long want = Math.min(length, BURST);
        if (bounce == null || bounce.byteSize() < want) {
            bounce = MemorySegment.ofArray(new byte[(int) want]);
        }
        return bounce;
    }

    /** Device reads of job bytes {@code [pos, pos + n)} (runs cover the job's bytes from 0) into {@code dst}. */
    private void read(long[] runs, long pos, long n, MemorySegment dst, long dstOffset) {
        long runStart = 0;
        long end = pos + n;
        for (int i = 0; i < runs.length && runStart < end; i += 2) {
            long runEnd = runStart + runs[i + 1];
            if (runEnd > pos) {
                long from = Math.max(pos, runStart);
                long len = Math.min(end, runEnd) - from;
                device.dmaRead(runs[i] + (from - runStart), dst.asSlice(dstOffset + (from - pos), len));
            }
            runStart = runEnd;
        }
    }

    /** Device writes of {@code src} to job bytes {@code [pos, pos + n)}. */
    private void write(long[] runs, long pos, long n, MemorySegment src, long srcOffset) {
        long runStart = 0;
        long end = pos + n;
        for (int i = 0; i < runs.length && runStart < end; i += 2) {
            long runEnd = runStart + runs[i + 1];
            if (runEnd > pos) {
                long from = Math.max(pos, runStart);
                long len = Math.min(end, runEnd) - from;
                device.dmaWrite(runs[i] + (from - runStart), src.asSlice(srcOffset + (from - pos), len));
            }
            runStart = runEnd;
        }
    }
}
