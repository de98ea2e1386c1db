package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.MIB;
import static org.dmabuf4j.core.MoveFixtures.awaitParkedOn;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.dmabuf4j.core.MoveFixtures.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The importer helper: lazy re-mapping after notifications, usable from another thread than the notifier. */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class RemappingImporterTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    @DisplayName("MOVE-7: the current mapping is reused until a notification; then one re-map, on first use")
    void reMapsLazilyAfterANotification(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                RemappingImporter imp = RemappingImporter.attach(buf, npu, Direction.TO_DEVICE, true)) {
            assertTrue(imp.attachment().isDynamic());
            assertEquals(0, imp.remaps(), "attach maps nothing");
            Mapping m = imp.mapping();
            assertSame(m, imp.mapping());
            assertSame(m, imp.mapping());
            assertEquals(1, imp.remaps());
            sys.move(buf);
            assertFalse(m.isValid());
            assertEquals(0, npu.liveTranslations(), "the dead mapping was unmapped inside the notification");
            assertEquals(1, imp.remaps(), "no re-map before the next use");
            Mapping n = imp.mapping();
            assertTrue(n.isValid());
            assertEquals(2, imp.remaps());
            assertEquals(Direction.TO_DEVICE, n.direction());
        }
    }

    @Test
    @DisplayName("MOVE-8: a re-map waits for the copy of the move before the device may touch the new location")
    void aReMapWaitsForTheCopy(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        Timeline tl = sys.fences().newTimeline("busy");
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                RemappingImporter imp = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true)) {
            byte[] data = pattern(4096, 9);
            imp.use(m -> {
                MoveFixtures.deviceWrite(npu, m, 0, data);
                return null;
            });
            Fence busy = tl.point(1);
            MoveFixtures.addFence(buf, busy, FenceUsage.READ);
            Fence copy = sys.move(buf);
            AtomicReference<byte[]> seen = new AtomicReference<>();
            Thread user = Thread.ofPlatform().name("user").start(() ->
                    seen.set(imp.use(m -> MoveFixtures.deviceRead(npu, m, 0, data.length))));
            awaitParkedOn(user, copy);
            tl.advance(1);
            assertTimeoutPreemptively(BOUND, () -> user.join());
            assertArrayEquals(data, seen.get());
        } finally {
            tl.close();
        }
    }

    @Test
    @DisplayName("MOVE-7: another thread keeps using the importer while the notifier moves the buffer")
    void usableFromAnotherThreadThanTheNotifier(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB);
                RemappingImporter imp = RemappingImporter.attach(buf, npu, Direction.BIDIRECTIONAL, true)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            int rounds = 200;
            Thread user = Thread.ofPlatform().name("user").start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        byte[] data = pattern(256, i);
                        imp.use(m -> {
                            npu.dmaWrite(m.dmaAddress(512), MemorySegment.ofArray(data));
                            return null;
                        });
                        assertArrayEquals(data, imp.use(m -> MoveFixtures.deviceRead(npu, m, 512, 256)));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            for (int i = 0; i < 50; i++) {
                sys.move(buf);
            }
            assertTimeoutPreemptively(BOUND, () -> user.join());
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(50, imp.notifications());
            assertTrue(imp.remaps() <= 51, "at most one re-map per notification, plus the first");
        }
    }

    @Test
    @DisplayName("ATT-2: close unmaps the current mapping and detaches; it is idempotent")
    void closeUnmapsAndDetaches(SimulatedSystem sys) {
        SimulatedDevice gpu = gpu(sys, 4 * MIB);
        SimulatedDevice dsp = sys.newDevice("dsp").build();
        try (DmaBuf buf = gpu.localMemory().allocate(64 * KIB)) {
            RemappingImporter imp = RemappingImporter.attach(buf, dsp, Direction.FROM_DEVICE);
            imp.mapping();
            assertTrue(dsp.liveTranslations() > 0);
            imp.close();
            imp.close();
            assertFalse(imp.attachment().isAttached());
            assertEquals(0, dsp.liveTranslations());
            assertFails(RuleViolationException.class, Rule.ATT_3,
                    () -> RemappingImporter.attach(buf, null, Direction.TO_DEVICE));
        }
    }
}
