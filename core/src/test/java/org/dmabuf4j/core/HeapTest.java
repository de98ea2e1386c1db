package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SystemExtension.class)
class HeapTest {
    private static final long KIB = 1024;

    private static long addressOf(DmaBuf buf) {
        try (CpuAccess w = buf.beginCpuAccess(Access.READ)) {
            return w.segment().address();
        }
    }

    private static void fill(DmaBuf buf, byte value) {
        try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
            w.segment().fill(value);
        }
    }

    private static long firstNonZero(DmaBuf buf) {
        try (CpuAccess w = buf.beginCpuAccess(Access.READ)) {
            MemorySegment s = w.segment();
            for (long i = 0; i < s.byteSize(); i++) {
                if (s.get(ValueLayout.JAVA_BYTE, i) != 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    @ParameterizedTest(name = "{0} heap")
    @ValueSource(strings = {"system", "contiguous"})
    @DisplayName("HEAP-1: allocations are zeroed even right after a previous user filled the same memory with 0xff")
    void allocationsAreZeroedAfterReuse(String heapName, SimulatedSystem sys) {
        DmaHeap heap = sys.heap(heapName);
        DmaBuf first = heap.allocate(192 * KIB);
        fill(first, (byte) 0xff);
        long address = addressOf(first);
        first.close();
        long reusedBefore = sys.counters().heap(heapName).reusedAllocations();
        try (DmaBuf second = heap.allocate(192 * KIB)) {
            assertEquals(address, addressOf(second), "the heap should hand out the same memory again");
            if (heapName.equals("system")) {
                assertEquals(reusedBefore + 1, sys.counters().heap(heapName).reusedAllocations());
            }
            assertEquals(-1, firstNonZero(second), "a byte of the previous user leaked into the new buffer");
        }
    }

    @Test
    @DisplayName("HEAP-2: heap sizes are rounded up to the page size, layouts included")
    void sizesAreRoundedUpToPages(SimulatedSystem sys) {
        for (DmaHeap heap : sys.heaps()) {
            if (heap instanceof TiledHeap) {
                continue; // it allocates tiled layouts only (TiledHeapTest)
            }
            try (DmaBuf a = heap.allocate(1); DmaBuf b = heap.allocate(4097);
                    DmaBuf c = heap.allocate(BufferLayout.linear(10, 10, 4))) {
                assertEquals(4096, a.size());
                assertEquals(8192, b.size());
                assertEquals(4096, c.size());
                assertEquals(BufferLayout.linear(10, 10, 4), c.layout().orElseThrow());
            }
        }
    }

    @Test
    @SystemSettings(contiguousPoolKiB = 256, systemHeapKiB = 1024)
    @DisplayName("HEAP-3: zero, negative and over-capacity sizes are rejected and nothing is allocated")
    void badSizesAreRejected(SimulatedSystem sys) {
        for (DmaHeap heap : sys.heaps()) {
            assertFails(RuleViolationException.class, Rule.HEAP_3, () -> heap.allocate(0));
            assertFails(RuleViolationException.class, Rule.HEAP_3, () -> heap.allocate(-4096));
            assertFails(RuleViolationException.class, Rule.HEAP_3, () -> heap.allocate(null));
            assertFails(HeapExhaustedException.class, Rule.HEAP_3, () -> heap.allocate(Long.MAX_VALUE));
            assertFails(HeapExhaustedException.class, Rule.HEAP_3, () -> heap.allocate(2048 * KIB));
            assertEquals(0, heap.liveBytes());
        }
        try (DmaBuf most = sys.systemHeap().allocate(768 * KIB)) {
            HeapExhaustedException e = assertFails(HeapExhaustedException.class, Rule.HEAP_3,
                    () -> sys.systemHeap().allocate(512 * KIB));
            assertTrue(e.getMessage().contains("in use"), e::getMessage);
            assertEquals(most.size(), sys.systemHeap().liveBytes());
        }
        assertEquals(List.of(), sys.liveBufferIds());
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> sys.heap("nope"));
        assertFails(RuleViolationException.class, Rule.HEAP_3, () -> sys.heap(null));
    }

    @Test
    @DisplayName("HEAP-4: unknown heap flags are rejected")
    void unknownFlagsAreRejected(SimulatedSystem sys) {
        for (DmaHeap heap : sys.heaps()) {
            assertEquals(0, heap.validFlags());
            assertFails(RuleViolationException.class, Rule.HEAP_4, () -> heap.allocate(4096, 1));
            assertFails(RuleViolationException.class, Rule.HEAP_4, () -> heap.allocate(4096, Long.MIN_VALUE));
            assertEquals(0, heap.liveBytes());
        }
    }

    @Test
    @DisplayName("HEAP-5: heap memory is returned when the buffer is released, and not before")
    void memoryIsReturnedAtReleaseNotBefore(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").nonCoherent().build();
        DmaBuf sysBuf = sys.systemHeap().allocate(64 * KIB);
        DmaBuf contBuf = sys.contiguousHeap().allocate(32 * KIB);
        Attachment a = sysBuf.attach(dev);
        Attachment b = contBuf.attach(dev);
        // the non-coherent device gives each buffer a CPU cache of its size: live native memory too
        assertEquals(2 * (64 + 32) * KIB, sys.liveNativeBytes());
        sysBuf.close();
        contBuf.close();
        assertEquals(64 * KIB, sys.systemHeap().liveBytes(), "returned while still attached");
        assertEquals(32 * KIB, sys.contiguousHeap().liveBytes(), "returned while still attached");
        a.close();
        b.close();
        assertEquals(0, sys.systemHeap().liveBytes());
        assertEquals(0, sys.contiguousHeap().liveBytes());
        assertEquals(0, sys.liveNativeBytes());
        assertEquals(0, sys.counters().liveBuffers());
    }

    @Test
    @DisplayName("HEAP-6: the system heap uses chunks of 1 MiB, 64 KiB and 4 KiB, each no larger than the previous")
    void systemHeapChunks(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        long size = 2 * 1024 * KIB + 3 * 64 * KIB + 5 * 4 * KIB;
        try (DmaBuf buf = sys.systemHeap().allocate(size); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            List<Long> lengths = new ArrayList<>();
            for (SgEntry e : m.entries()) {
                lengths.add(e.length());
            }
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                expected.add(1024 * KIB);
            }
            for (int i = 0; i < 3; i++) {
                expected.add(64 * KIB);
            }
            for (int i = 0; i < 5; i++) {
                expected.add(4 * KIB);
            }
            assertEquals(expected, lengths);
            att.unmapUnlocked(m);
            assertTrue(sys.describeBuffers().contains("@phys"), sys::describeBuffers);
        }
    }

    @Test
    @SystemSettings(contiguousPoolKiB = 256)
    @DisplayName("HEAP-7: the contiguous heap gives one region and fails cleanly under fragmentation and exhaustion")
    void contiguousHeapFragmentationAndExhaustion(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaHeap heap = sys.contiguousHeap();
        DmaBuf[] parts = new DmaBuf[4];
        for (int i = 0; i < 4; i++) {
            parts[i] = heap.allocate(64 * KIB);
        }
        try (Attachment att = parts[0].attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            assertEquals(1, m.entries().size(), "a contiguous buffer is one region");
            att.unmapUnlocked(m);
        }
        HeapExhaustedException full = assertFails(HeapExhaustedException.class, Rule.HEAP_7,
                () -> heap.allocate(4 * KIB));
        assertTrue(full.getMessage().contains("only 0 of"), full::getMessage);
        parts[1].close();
        parts[3].close();
        HeapExhaustedException fragmented = assertFails(HeapExhaustedException.class, Rule.HEAP_7,
                () -> heap.allocate(128 * KIB));
        assertTrue(fragmented.getMessage().contains("fragmented"), fragmented::getMessage);
        assertEquals(128 * KIB, heap.liveBytes(), "a failed allocation allocated something");
        parts[2].close();
        try (DmaBuf merged = heap.allocate(192 * KIB)) {
            assertEquals(192 * KIB, merged.size());
        }
        parts[0].close();
        assertEquals(0, heap.liveBytes());
    }
}
