package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Engine jobs meet buffers that move under them (with the dynamic test exporter of this package). */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EngineInvalidationTest {
    private static final int SIZE = 8192;
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    @DisplayName("DEV-8, MOVE-5: a job whose mapping a move invalidated before it ran fails with the IOMMU fault;"
            + " neither location is written, and a job through a fresh mapping reaches the new one")
    void jobThroughAMappingInvalidatedByAMoveFails(SimulatedSystem sys) throws InterruptedException {
        DynamicTestExporter exporter = new DynamicTestExporter(SIZE);
        ExportedBuffer exported = sys.export(ExportInfo.of("dyn", SIZE, exporter));
        SimulatedDevice dev = sys.newDevice("gpu").build();
        try (DmaBuf buf = exported.handle(); Attachment att = buf.attach(dev, a -> { });
                Timeline gate = sys.fences().newTimeline("gate")) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment before = exporter.memory;
            Fence job = dev.engine().submit(Job.fill(m, 0, SIZE, (byte) 9).after(gate.point(1)));
            buf.reservation().lock();
            try {
                exporter.move(exported);
            } finally {
                buf.reservation().unlock();
            }
            assertFalse(m.isValid());
            gate.advance(1);
            assertEquals(FenceStatus.ERROR, job.awaitStatus(BOUND));
            IommuFaultException e = assertInstanceOf(IommuFaultException.class, job.error().orElseThrow());
            assertEquals(Rule.DEV_1, e.rule());
            assertTrue(e.getMessage().contains("'gpu'"), e::getMessage);
            assertNotSame(before, exporter.memory);
            assertAllBytes(0, before, "the old location");
            assertAllBytes(0, exporter.memory, "the new location");

            att.unmapUnlocked(m);
            Mapping fresh = att.mapUnlocked(Direction.BIDIRECTIONAL);
            Fence again = dev.engine().submit(Job.fill(fresh, 0, SIZE, (byte) 9));
            assertTrue(again.await(BOUND));
            assertEquals(FenceStatus.SIGNALED, again.status());
            assertAllBytes(9, exporter.memory, "the new location after a job through a fresh mapping");
            assertAllBytes(0, before, "the old location");
            att.unmapUnlocked(fresh);
        }
    }

    private static void assertAllBytes(int value, MemorySegment s, String what) {
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < b.length; i++) {
            assertEquals((byte) value, b[i], what + ": byte " + i);
        }
    }
}
