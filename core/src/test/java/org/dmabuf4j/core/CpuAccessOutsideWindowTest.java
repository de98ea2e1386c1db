package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;
import java.util.function.Function;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.VMapping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #16 item 4 (CPU-9): CPU access outside a window, through a vmap or a mapping entry's CPU view, obeys the
 * simulated non-coherent cache: skipping the begin/end bracket sees stale bytes deterministically, and the bracket
 * makes them right.
 */
@ExtendWith(SystemExtension.class)
class CpuAccessOutsideWindowTest {
    private static final long SIZE = 16 * KIB;

    private static void deviceWrite(SimulatedDevice dev, Mapping m, byte value) {
        try (Arena a = Arena.ofConfined()) {
            dev.dmaWrite(m.dmaAddress(0), a.allocate(SIZE).fill(value));
        }
    }

    private static byte deviceRead(SimulatedDevice dev, Mapping m) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dst = a.allocate(1);
            dev.dmaRead(m.dmaAddress(0), dst);
            return dst.get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    /** Runs the same program through a CPU view obtained by {@code view}. */
    private static void staleWithoutBracket(SimulatedSystem sys, Function<Fixture, MemorySegment> view,
            Consumer<Fixture> close) {
        SimulatedDevice nc = sys.newDevice("nc").nonCoherent().build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(nc)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            Fixture f = new Fixture(buf, att, m);
            MemorySegment cpu = view.apply(f);
            deviceWrite(nc, m, (byte) 0x42);
            assertEquals(0, cpu.get(ValueLayout.JAVA_BYTE, 0), "without begin the CPU reads its stale line");
            try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                assertEquals(0x42, cpu.get(ValueLayout.JAVA_BYTE, 0), "begin(READ) invalidated the line");
            }
            cpu.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x17);
            assertEquals(0x42, deviceRead(nc, m), "without end the device reads stale memory");
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                cpu.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x18);
            }
            assertEquals(0x18, deviceRead(nc, m), "end(WRITE) cleaned the line");
            close.accept(f);
            f.done();
        }
    }

    /** What the views come from. */
    private record Fixture(DmaBuf buf, Attachment att, Mapping mapping) {
        void done() {
            att.unmapUnlocked(mapping);
        }
    }

    @Test
    @DisplayName("CPU-9: a vmap of a buffer on a non-coherent device reads and writes through the CPU cache")
    void vmapObeysTheCache(SimulatedSystem sys) {
        VMapping[] held = new VMapping[1];
        staleWithoutBracket(sys, f -> {
            f.buf().reservation().lock();
            try {
                held[0] = f.buf().vmap();
                return held[0].segment();
            } finally {
                f.buf().reservation().unlock();
            }
        }, f -> {
            f.buf().reservation().lock();
            try {
                held[0].close();
            } finally {
                f.buf().reservation().unlock();
            }
        });
    }

    @Test
    @DisplayName("CPU-9: a mapping entry's CPU view on a non-coherent device reads and writes through the CPU cache")
    void entryViewObeysTheCache(SimulatedSystem sys) {
        staleWithoutBracket(sys, f -> f.mapping().entries().getFirst().cpuSegment(), f -> {
        });
    }
}
