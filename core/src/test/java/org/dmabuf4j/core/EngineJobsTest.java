package org.dmabuf4j.core;

import static org.dmabuf4j.core.EngineTests.assertAll;
import static org.dmabuf4j.core.EngineTests.awaitOk;
import static org.dmabuf4j.core.EngineTests.cpuFill;
import static org.dmabuf4j.core.EngineTests.cpuRead;
import static org.dmabuf4j.core.EngineTests.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.core.engine.EngineImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What each kind of job does, and the fences engines issue. */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EngineJobsTest {
    private static final int KIB = 1024;

    @Test
    @DisplayName("DEV-8: a fill job writes its range through the device's mapping, and only that range")
    void fillJobWritesItsRangeThroughTheMapping(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("gpu").build();
        try (DmaBuf buf = sys.systemHeap().allocate(16 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            awaitOk(dev.engine().submit(Job.fill(m, 4 * KIB, 8 * KIB, (byte) 0x5a)));
            byte[] bytes = cpuRead(buf);
            assertAll((byte) 0, Arrays.copyOfRange(bytes, 0, 4 * KIB), "bytes before the range");
            assertAll((byte) 0x5a, Arrays.copyOfRange(bytes, 4 * KIB, 12 * KIB), "the filled range");
            assertAll((byte) 0, Arrays.copyOfRange(bytes, 12 * KIB, 16 * KIB), "bytes after the range");
            assertEquals(1, dev.counters().dmaWrites());
            assertEquals(8 * KIB, dev.counters().bytesWritten());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: a write job puts heap bytes into the buffer and a read job brings them back")
    void writeAndReadJobsRoundTripHeapBytes(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("dsp").build();
        try (DmaBuf buf = sys.systemHeap().allocate(8 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment src = pattern(5000, 3);
            MemorySegment back = MemorySegment.ofArray(new byte[5000]);
            Fence written = dev.engine().submit(Job.write(src, m, 100));
            Fence read = dev.engine().submit(Job.read(m, 100, back));
            awaitOk(read);
            assertTrue(written.isSignaled(), "the read job ran before the write job it follows");
            assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), back.toArray(ValueLayout.JAVA_BYTE));
            byte[] cpu = cpuRead(buf);
            assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), Arrays.copyOfRange(cpu, 100, 5100));
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-8: a copy job larger than a burst copies across scatter entries of both buffers")
    void copyJobCopiesAcrossEntriesAndBursts(SimulatedSystem sys) throws InterruptedException {
        // small segments and a boundary make many entries whose addresses do not follow each other
        SimulatedDevice dev = sys.newDevice("blitter")
                .constraints(DmaConstraints.NONE.withMaxSegmentSize(64 * KIB).withSegmentBoundary(64 * KIB)).build();
        int size = 1024 * KIB + 64 * KIB + 4 * KIB;
        try (DmaBuf a = sys.systemHeap().allocate(size); DmaBuf b = sys.systemHeap().allocate(size);
                Attachment aa = a.attach(dev); Attachment ba = b.attach(dev)) {
            Mapping src = aa.mapUnlocked(Direction.TO_DEVICE);
            Mapping dst = ba.mapUnlocked(Direction.FROM_DEVICE);
            assertTrue(src.entries().size() > 1);
            int length = size - 12 * KIB;
            MemorySegment p = pattern(size, 11);
            Mapping fill = aa.mapUnlocked(Direction.FROM_DEVICE);
            awaitOk(dev.engine().submit(Job.write(p, fill, 0)));
            aa.unmapUnlocked(fill);
            Fence copied = dev.engine().submit(Job.copy(src, 4 * KIB + 5, dst, 8 * KIB + 3, length));
            awaitOk(copied);
            byte[] out = cpuRead(b);
            byte[] in = p.toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(Arrays.copyOfRange(in, 4 * KIB + 5, 4 * KIB + 5 + length),
                    Arrays.copyOfRange(out, 8 * KIB + 3, 8 * KIB + 3 + length));
            assertAll((byte) 0, Arrays.copyOfRange(out, 0, 8 * KIB + 3), "bytes before the copy");
            aa.unmapUnlocked(src);
            ba.unmapUnlocked(dst);
        }
    }

    @Test
    @DisplayName("DEV-8: a copy within one buffer moves bytes to an overlapping range like memmove")
    void copyWithinOneBufferBehavesLikeMemmove(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("blitter").build();
        try (DmaBuf buf = sys.systemHeap().allocate(8 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment p = pattern(8 * KIB, 1);
            awaitOk(dev.engine().submit(Job.write(p, m, 0)));
            awaitOk(dev.engine().submit(Job.copy(m, 0, m, 100, 4000)));
            byte[] expected = p.toArray(ValueLayout.JAVA_BYTE);
            System.arraycopy(expected, 0, expected, 100, 4000);
            assertArrayEquals(expected, cpuRead(buf));
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("FENCE-6: an engine's fences carry its own context, named after device and engine, in submission order")
    void fencesCarryTheEngineContextInSubmissionOrder(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("video").engines(2).build();
        assertEquals(2, dev.engines().size());
        DeviceEngine e0 = dev.engines().get(0);
        DeviceEngine e1 = dev.engines().get(1);
        assertEquals("engine0", e0.name());
        assertEquals("engine1", e1.name());
        assertEquals(e0, dev.engine());
        assertNotEquals(e0.context(), e1.context());
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            List<Fence> fences = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fences.add(e0.submit(Job.fill(m, 0, 4 * KIB, (byte) i)));
            }
            Fence other = e1.submit(Job.fill(m, 0, 4 * KIB, (byte) 9));
            awaitOk(other);
            for (int i = 0; i < fences.size(); i++) {
                Fence f = fences.get(i);
                assertTrue(f.isSignaled(), "a job on engine0 was still pending after a later writer on engine1 ran");
                assertEquals(e0.context(), f.context());
                assertEquals(i + 1, f.seqno());
                assertEquals("video", f.driverName());
                assertEquals("engine0", f.timelineName());
                if (i > 0) {
                    assertTrue(f.isLaterThan(fences.get(i - 1)));
                    assertTrue(f.timestampNanos() >= fences.get(i - 1).timestampNanos(), "signaled out of order");
                }
            }
            assertEquals(e1.context(), other.context());
            assertEquals("engine1", other.timelineName());
            SyncFile sf = sys.fences().syncFile(fences.getLast(), null);
            assertEquals("video-engine0 " + e0.context() + "-5", sf.name());
            assertAll((byte) 9, cpuRead(buf), "the last writer's bytes");
            assertEquals(0, e0.pendingJobs());
            assertEquals(0, e1.pendingJobs());
            att.unmapUnlocked(m);
        }
    }

    @Test
    @DisplayName("DEV-7: a device that never submits a job has no engine thread")
    void deviceThatNeverSubmitsHasNoThread(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("idle").engines(3).build();
        for (DeviceEngine e : dev.engines()) {
            assertNull(((EngineImpl) e).thread());
        }
        assertEquals(List.of(), EngineThreads.live());
    }

    @Test
    @DisplayName("DEV-8: a job whose data came from the CPU sees the CPU's bytes")
    void jobReadsWhatTheCpuWrote(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("encoder").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            cpuFill(buf, (byte) 0x33);
            MemorySegment into = MemorySegment.ofArray(new byte[4 * KIB]);
            awaitOk(dev.engine().submit(Job.read(m, 0, into)));
            assertAll((byte) 0x33, into, "bytes the engine read");
            att.unmapUnlocked(m);
        }
    }
}
