package org.dmabuf4j.core;

import static org.dmabuf4j.core.EngineTests.assertAll;
import static org.dmabuf4j.core.EngineTests.awaitOk;
import static org.dmabuf4j.core.EngineTests.cpuFill;
import static org.dmabuf4j.core.EngineTests.cpuRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Engines of non-coherent devices reach memory, not the CPU's simulated cache: CPU windows' begin and close do the
 * maintenance that makes producer and consumer meet (CPU-9), and a window that skips it sees stale bytes.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class NonCoherentEngineTest {
    private static final int SIZE = 16 * 1024;

    @Test
    @DisplayName("CPU-9, DEV-8: a producer/consumer program with a non-coherent engine sees every frame, both ways")
    void producerConsumerWithANonCoherentEngine(SimulatedSystem sys) throws InterruptedException {
        runProducerConsumer(sys, sys.newDevice("camera").nonCoherent().build());
        assertTrue(sys.counters().bytesSynced() > 0, "no cache maintenance happened for a non-coherent device");
    }

    @Test
    @DisplayName("DEV-8: the same producer/consumer program passes with a coherent engine")
    void producerConsumerWithACoherentEngine(SimulatedSystem sys) throws InterruptedException {
        runProducerConsumer(sys, sys.newDevice("camera").coherent().build());
    }

    private static void runProducerConsumer(SimulatedSystem sys, SimulatedDevice dev) throws InterruptedException {
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            for (int frame = 1; frame <= 8; frame++) {
                // the device produces, the CPU consumes
                dev.engine().submit(Job.fill(m, 0, SIZE, (byte) frame));
                assertAll((byte) frame, cpuRead(buf), "frame " + frame + " as the CPU read it");
                // the CPU produces, the device consumes
                cpuFill(buf, (byte) (100 + frame));
                MemorySegment into = MemorySegment.ofArray(new byte[SIZE]);
                awaitOk(dev.engine().submit(Job.read(m, 0, into)));
                assertAll((byte) (100 + frame), into, "frame " + frame + " as the device read it");
            }
            att.unmapUnlocked(m);
        }
    }

    @Test
    @SystemSettings(policy = OwnershipPolicy.OFF)
    @DisplayName("CPU-9: a READ window opened before a non-coherent engine's write keeps its stale cached bytes")
    void windowOpenedBeforeANonCoherentWriteIsStale(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").nonCoherent().build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            try (CpuAccess early = buf.beginCpuAccess(Access.READ)) {
                awaitOk(dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 0x55)));
                assertAll((byte) 0, early.segment(), "a window that began before the device wrote (stale)");
            }
            assertAll((byte) 0x55, cpuRead(buf), "a window that began after the fence");
            att.unmapUnlocked(m);
        }
    }

    @Test
    @SystemSettings(policy = OwnershipPolicy.OFF)
    @DisplayName("CPU-9: the same early window on a coherent device sees the engine's bytes once its fence signaled")
    void windowOnACoherentBufferSeesTheEngineWrite(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").coherent().build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.FROM_DEVICE);
            try (CpuAccess early = buf.beginCpuAccess(Access.READ)) {
                Fence f = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 0x55));
                awaitOk(f);
                assertAll((byte) 0x55, early.segment(), "a zero-copy window on a coherent buffer");
            }
            assertEquals(0, sys.counters().bytesSynced());
            att.unmapUnlocked(m);
        }
    }
}
