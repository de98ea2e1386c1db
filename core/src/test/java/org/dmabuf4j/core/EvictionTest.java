package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.assertCpuSees;
import static org.dmabuf4j.core.MoveFixtures.awaitKernel;
import static org.dmabuf4j.core.MoveFixtures.awaitParkedOn;
import static org.dmabuf4j.core.MoveFixtures.cpuWrite;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.MoveFixtures.RecordingImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A full device memory evicts unpinned buffers to system memory, least recently used first (MOVE-2, MOVE-3). */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class EvictionTest {
    private static final long BUF = 64 * KIB;

    private static List<DmaBuf> fill(DeviceMemory vram, int n) {
        List<DmaBuf> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DmaBuf b = vram.allocate(BUF);
            b.setName("b" + i);
            cpuWrite(b, 0, pattern(4096, i));
            out.add(b);
        }
        return out;
    }

    private static void closeAll(List<DmaBuf> bufs) {
        for (DmaBuf b : bufs) {
            b.close();
        }
    }

    @Test
    @DisplayName("MOVE-3: a full pool evicts the least recently used buffer, notifies its importer, keeps its data")
    void theLeastRecentlyUsedBufferIsEvicted(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * BUF);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        DeviceMemory vram = gpu.localMemory();
        List<DmaBuf> bufs = fill(vram, 4);
        List<RecordingImporter> importers = new ArrayList<>();
        List<Attachment> atts = new ArrayList<>();
        for (DmaBuf b : bufs) {
            RecordingImporter imp = new RecordingImporter(true);
            importers.add(imp);
            atts.add(b.attach(npu, imp));
        }
        // use b0 again: b1 becomes the least recently used
        assertCpuSees(bufs.get(0), 0, pattern(4096, 0));
        try (DmaBuf fresh = vram.allocate(BUF)) {
            assertTrue(vram.isResident(fresh));
            assertFalse(vram.isResident(bufs.get(1)), "b1 was the least recently used");
            for (int i = 0; i < 4; i++) {
                assertEquals(i == 1 ? 1 : 0, importers.get(i).notifications.get(), "notifications of b" + i);
                assertEquals(i != 1, vram.isResident(bufs.get(i)), "residency of b" + i);
            }
            assertEquals(List.of(true), importers.get(1).lockHeld);
            assertEquals(1, vram.counters().evictions());
            awaitKernel(bufs.get(1));
            assertCpuSees(bufs.get(1), 0, pattern(4096, 1));
            assertCpuSees(fresh, 0, new byte[4096]);
        }
        for (Attachment a : atts) {
            a.close();
        }
        closeAll(bufs);
    }

    @Test
    @DisplayName("MOVE-2: eviction never moves a pinned buffer; it takes the next least recently used one")
    void evictionSkipsPinnedBuffers(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 3 * BUF);
        DeviceMemory vram = gpu.localMemory();
        List<DmaBuf> bufs = fill(vram, 3);
        RecordingImporter pinner = new RecordingImporter(true);
        try (Attachment att = bufs.get(0).attach(gpu, pinner)) {
            MoveFixtures.locked(bufs.get(0), att::pin);
            try (DmaBuf fresh = vram.allocate(BUF)) {
                assertTrue(vram.isResident(bufs.get(0)));
                assertFalse(vram.isResident(bufs.get(1)));
                assertTrue(vram.isResident(bufs.get(2)));
                assertTrue(vram.isResident(fresh));
                assertEquals(0, pinner.notifications.get());
            }
            MoveFixtures.locked(bufs.get(0), att::unpin);
        }
        awaitKernel(bufs.get(1));
        assertCpuSees(bufs.get(1), 0, pattern(4096, 1));
        closeAll(bufs);
    }

    @Test
    @DisplayName("MOVE-1: eviction skips a buffer whose lock another thread holds, and takes the next one")
    void evictionSkipsLockedBuffers(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 2 * BUF);
        DeviceMemory vram = gpu.localMemory();
        List<DmaBuf> bufs = fill(vram, 2);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            bufs.get(0).reservation().lock();
            try {
                locked.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                bufs.get(0).reservation().unlock();
            }
        });
        assertTrue(locked.await(10, TimeUnit.SECONDS));
        try (DmaBuf fresh = vram.allocate(BUF)) {
            assertTrue(vram.isResident(bufs.get(0)), "its lock was busy: not evicted");
            assertFalse(vram.isResident(bufs.get(1)));
            assertTrue(vram.isResident(fresh));
        } finally {
            release.countDown();
            holder.join(10_000);
        }
        closeAll(bufs);
    }

    @Test
    @DisplayName("HEAP-3: a pool full of pinned buffers places a new buffer in system memory, evicting nothing")
    void aPoolFullOfPinnedBuffersPlacesInSystemMemory(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 2 * BUF);
        DeviceMemory vram = gpu.localMemory();
        List<DmaBuf> bufs = fill(vram, 2);
        List<Attachment> pins = new ArrayList<>();
        for (DmaBuf b : bufs) {
            Attachment a = b.attach(gpu, new RecordingImporter(true));
            MoveFixtures.locked(b, a::pin);
            pins.add(a);
        }
        try (DmaBuf fresh = vram.allocate(BUF)) {
            assertFalse(vram.isResident(fresh));
            assertEquals(0, vram.counters().evictions());
            assertEquals(1, vram.counters().systemBuffers());
            cpuWrite(fresh, 0, pattern(100, 9));
            assertCpuSees(fresh, 0, pattern(100, 9));
        }
        for (Attachment a : pins) {
            MoveFixtures.locked(a.buffer(), a::unpin);
            a.close();
        }
        closeAll(bufs);
    }

    @Test
    @DisplayName("MOVE-8: an allocation under pressure waits for the eviction's copy before the memory is reused")
    void allocationWaitsForTheEvictionCopy(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, BUF);
        DeviceMemory vram = gpu.localMemory();
        var tl = sys.fences().newTimeline("slow-reader");
        try (DmaBuf victim = vram.allocate(BUF)) {
            byte[] data = pattern(4096, 4);
            cpuWrite(victim, 0, data);
            var reader = tl.point(1);
            MoveFixtures.addFence(victim, reader, org.dmabuf4j.api.FenceUsage.READ);
            DmaBuf[] fresh = new DmaBuf[1];
            Thread allocator = Thread.ofPlatform().start(() -> fresh[0] = vram.allocate(BUF));
            // the eviction's copy waits for the reader; the allocation waits for the copy
            List<org.dmabuf4j.api.Fence> kernel = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kernel.isEmpty() && System.nanoTime() < deadline) {
                kernel = victim.reservation().fences(org.dmabuf4j.api.FenceUsage.KERNEL);
                Thread.yield();
            }
            assertEquals(1, kernel.size(), "the eviction published its copy as a KERNEL fence");
            awaitParkedOn(allocator, kernel.getFirst());
            tl.advance(1);
            allocator.join(10_000);
            assertFalse(allocator.isAlive());
            try (DmaBuf f = fresh[0]) {
                assertTrue(vram.isResident(f));
                assertCpuSees(f, 0, new byte[4096]);
            }
            assertCpuSees(victim, 0, data);
        } finally {
            tl.close();
        }
    }

    @Test
    @DisplayName("MOVE-6: evicted buffers are mapped again in system memory by their importers")
    void evictedBuffersAreMappedAgain(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, BUF);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf a = vram.allocate(BUF);
                RemappingImporter imp = RemappingImporter.attach(a, npu, Direction.BIDIRECTIONAL, true)) {
            byte[] data = pattern(4096, 6);
            imp.use(m -> {
                MoveFixtures.deviceWrite(npu, m, 0, data);
                return null;
            });
            assertFalse(imp.mapping().entries().getFirst().hasCpuPage());
            try (DmaBuf b = vram.allocate(BUF)) {
                assertTrue(vram.isResident(b));
                assertTrue(imp.mapping().entries().getFirst().hasCpuPage());
                assertEquals(1, imp.notifications());
                org.junit.jupiter.api.Assertions.assertArrayEquals(data,
                        imp.use(m -> MoveFixtures.deviceRead(npu, m, 0, data.length)));
            }
        }
    }
}
