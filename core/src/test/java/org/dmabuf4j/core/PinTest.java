package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.MIB;
import static org.dmabuf4j.core.MoveFixtures.assertCpuSees;
import static org.dmabuf4j.core.MoveFixtures.awaitKernel;
import static org.dmabuf4j.core.MoveFixtures.cpuWrite;
import static org.dmabuf4j.core.MoveFixtures.deviceRead;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.MoveFixtures.RecordingImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pinning device-memory buffers: PIN-1 to PIN-6. */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class PinTest {
    @Test
    @DisplayName("PIN-1: pin is for dynamic importers with the lock held; a static attachment or no lock is refused")
    void pinNeedsADynamicImporterAndTheLock(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                Attachment stat = buf.attach(npu);
                Attachment dyn = buf.attach(npu, new RecordingImporter(true))) {
            assertFails(RuleViolationException.class, Rule.PIN_1, dyn::pin);
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.PIN_1, stat::pin);
                assertFalse(dyn.isPinned());
            } finally {
                buf.reservation().unlock();
            }
        }
    }

    @Test
    @DisplayName("PIN-2: a pin the memory cannot honour is refused with a clear error; the attachment stays unpinned")
    void anImpossiblePinIsRefused(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                Attachment scanout = buf.attach(npu, new RecordingImporter(true));
                Attachment other = buf.attach(dsp, new RecordingImporter(false))) {
            buf.reservation().lock();
            try {
                scanout.pin(); // pinned where it is: in gpu's memory, which dsp cannot reach
                PinRefusedException e = assertFails(PinRefusedException.class, Rule.PIN_2, other::pin);
                assertTrue(e.getMessage().contains("'dsp'") && e.getMessage().contains("#" + buf.id()),
                        e::getMessage);
                assertFalse(other.isPinned());
                assertTrue(gpu.localMemory().isResident(buf));
                scanout.unpin();
            } finally {
                buf.reservation().unlock();
            }
            assertEquals(1, gpu.localMemory().counters().refusedPins());
        }
    }

    @Test
    @DisplayName("PIN-3: a pinned buffer stays put under pool pressure and move requests; its mapping stays valid")
    void aPinnedBufferStaysPut(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 128 * KIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf pinned = vram.allocate(64 * KIB)) {
            byte[] data = pattern(4096, 3);
            cpuWrite(pinned, 0, data);
            RecordingImporter imp = new RecordingImporter(true);
            try (Attachment att = pinned.attach(npu, imp)) {
                Mapping m;
                pinned.reservation().lock();
                try {
                    att.pin();
                    m = att.map(Direction.BIDIRECTIONAL);
                } finally {
                    pinned.reservation().unlock();
                }
                try (DmaBuf b = vram.allocate(64 * KIB); DmaBuf c = vram.allocate(64 * KIB)) {
                    assertTrue(vram.isResident(pinned), "the least recently used buffer, but pinned: not evicted");
                    assertFalse(vram.isResident(b), "b was evicted to make room for c");
                    assertTrue(vram.isResident(c));
                    assertFails(RuleViolationException.class, Rule.MOVE_2, () -> sys.move(pinned));
                }
                assertEquals(0, imp.notifications.get());
                assertTrue(m.isValid());
                assertArrayEquals(data, deviceRead(npu, m, 0, data.length));
                pinned.reservation().lock();
                try {
                    att.unmap(m);
                    att.unpin();
                } finally {
                    pinned.reservation().unlock();
                }
            }
        }
    }

    @Test
    @DisplayName("PIN-4: a static importer pins the buffer from attach to detach")
    void aStaticImporterPinsFromAttachToDetach(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            try (Attachment stat = buf.attach(npu)) {
                assertTrue(stat.isPinned());
                buf.reservation().lock();
                try {
                    assertTrue(stat.isPinned());
                } finally {
                    buf.reservation().unlock();
                }
                assertFails(RuleViolationException.class, Rule.MOVE_2, () -> sys.move(buf));
            }
            sys.move(buf);
            awaitKernel(buf);
        }
    }

    @Test
    @DisplayName("PIN-3: pinning for an importer that cannot reach device memory migrates the buffer first, notifying")
    void pinningForAFarImporterMigratesFirst(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        DeviceMemory vram = gpu.localMemory();
        try (DmaBuf buf = vram.allocate(64 * KIB)) {
            byte[] data = pattern(8192, 4);
            cpuWrite(buf, 0, data);
            RecordingImporter near = new RecordingImporter(true);
            try (Attachment n = buf.attach(npu, near); Attachment far = buf.attach(dsp, new RecordingImporter(false))) {
                buf.reservation().lock();
                try {
                    far.pin();
                    assertTrue(far.isPinned());
                } finally {
                    buf.reservation().unlock();
                }
                assertFalse(vram.isResident(buf));
                assertEquals(1, near.notifications.get());
                assertEquals(1, vram.counters().migrations());
                Mapping m = far.mapUnlocked(Direction.TO_DEVICE);
                assertTrue(m.entries().getFirst().hasCpuPage());
                awaitKernel(buf);
                assertArrayEquals(data, deviceRead(dsp, m, 0, data.length));
                buf.reservation().lock();
                try {
                    far.unmap(m);
                    far.unpin();
                } finally {
                    buf.reservation().unlock();
                }
                assertTrue(n.isAttached());
            }
            assertCpuSees(buf, 0, data);
        }
    }

    @Test
    @DisplayName("PIN-6: unpin without a pin is refused; each pin is undone by one unpin")
    void unpinWithoutAPinIsRefused(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                Attachment att = buf.attach(gpu, new RecordingImporter(true))) {
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.PIN_6, att::unpin);
                att.pin();
                att.pin();
                att.unpin();
                assertTrue(att.isPinned());
                att.unpin();
                assertFalse(att.isPinned());
                assertFails(RuleViolationException.class, Rule.PIN_6, att::unpin);
            } finally {
                buf.reservation().unlock();
            }
            sys.move(buf);
            awaitKernel(buf);
        }
    }
}
