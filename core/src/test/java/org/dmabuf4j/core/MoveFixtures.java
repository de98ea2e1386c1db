package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;

/** Helpers of the move, pin, peer-to-peer and revocation tests. */
final class MoveFixtures {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;

    private MoveFixtures() {
    }

    /** A device with local memory, peer-to-peer capable. */
    static SimulatedDevice gpu(SimulatedSystem sys, long vramBytes) {
        return sys.newDevice("gpu").peerToPeer(true).localMemory(vramBytes).build();
    }

    /**
     * An importer that records every notification with whether the notifying thread held the buffer's lock, and
     * otherwise does nothing: it keeps its dead mappings until the test unmaps them.
     */
    static final class RecordingImporter implements Importer {
        final boolean peerToPeer;
        final AtomicInteger notifications = new AtomicInteger();
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> lockHeld = Collections.synchronizedList(new ArrayList<>());

        RecordingImporter(boolean peerToPeer) {
            this.peerToPeer = peerToPeer;
        }

        @Override
        public void moveNotify(Attachment attachment) {
            notifications.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            lockHeld.add(attachment.buffer().reservation().isHeldByCurrentThread());
        }

        @Override
        public boolean allowPeerToPeer() {
            return peerToPeer;
        }
    }

    /** A pattern of {@code n} bytes from a seed. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }

    /** The device writes bytes through a mapping. */
    static void deviceWrite(SimulatedDevice dev, Mapping m, long offset, byte[] data) {
        dev.dmaWrite(m.dmaAddress(offset), MemorySegment.ofArray(data));
    }

    /** The device reads bytes through a mapping. */
    static byte[] deviceRead(SimulatedDevice dev, Mapping m, long offset, int n) {
        byte[] out = new byte[n];
        dev.dmaRead(m.dmaAddress(offset), MemorySegment.ofArray(out));
        return out;
    }

    /** The CPU reads bytes through a window. */
    static byte[] cpuRead(DmaBuf buf, long offset, int n) {
        try (CpuAccess w = buf.beginCpuAccess(Access.READ, Region.range(offset, n))) {
            return w.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** The CPU writes bytes through a window. */
    static void cpuWrite(DmaBuf buf, long offset, byte[] data) {
        try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.range(offset, data.length))) {
            MemorySegment.copy(MemorySegment.ofArray(data), 0, w.segment(), 0, data.length);
        }
    }

    static void assertCpuSees(DmaBuf buf, long offset, byte[] expected) {
        assertArrayEquals(expected, cpuRead(buf, offset, expected.length), "CPU view at offset " + offset);
    }

    /** Runs {@code body} with the buffer's reservation lock held. */
    static void locked(DmaBuf buf, Runnable body) {
        buf.reservation().lock();
        try {
            body.run();
        } finally {
            buf.reservation().unlock();
        }
    }

    /** Adds a fence to the buffer's reservation, as work that the test controls. */
    static void addFence(DmaBuf buf, Fence fence, FenceUsage usage) {
        locked(buf, () -> {
            buf.reservation().reserveFences(1);
            buf.reservation().addFence(fence, usage);
        });
    }

    /** Waits (bounded, without sleeping) until {@code t} is parked on {@code blocker}. */
    static void awaitParkedOn(Thread t, Object blocker) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Thread.State s = t.getState();
            if ((s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)
                    && java.util.concurrent.locks.LockSupport.getBlocker(t) == blocker) {
                return;
            }
            if (s == Thread.State.TERMINATED || System.nanoTime() > deadline) {
                org.junit.jupiter.api.Assertions.fail("thread " + t.getName() + " did not park on " + blocker
                        + "; it is " + s);
            }
            Thread.yield();
        }
    }

    /** Waits for the buffer's KERNEL fences (the copies of moves), as a dynamic importer must before DMA. */
    static void awaitKernel(DmaBuf buf) throws InterruptedException {
        assertTrue(buf.reservation().await(FenceUsage.KERNEL, Duration.ofSeconds(10)), "KERNEL fences pending");
    }
}
