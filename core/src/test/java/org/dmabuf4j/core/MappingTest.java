package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.MappingBusyException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.buffer.CachesMappings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SystemExtension.class)
class MappingTest {
    private static final long KIB = 1024;

    /** An exporter whose first mapping per attachment the framework caches. */
    static final class CachingExporter extends TestExporter implements CachesMappings {
        CachingExporter(long size) {
            super(size);
        }
    }

    @Test
    @DisplayName("MAP-1: map and unmap without the reservation lock are refused, naming buffer and device")
    void mapWithoutTheLockIsRefused(SimulatedSystem sys) throws InterruptedException {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev)) {
            buf.setName("frame-0");
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.MAP_1,
                    () -> att.map(Direction.TO_DEVICE));
            assertTrue(e.getMessage().contains("'frame-0'") && e.getMessage().contains("'camera'"), e::getMessage);
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            assertFails(RuleViolationException.class, Rule.MAP_1, () -> att.unmap(m));
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread holder = Thread.ofPlatform().start(() -> {
                buf.reservation().lock();
                locked.countDown();
                try {
                    done.await();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                } finally {
                    buf.reservation().unlock();
                }
            });
            assertTrue(locked.await(10, TimeUnit.SECONDS));
            assertFails(RuleViolationException.class, Rule.MAP_1, () -> att.map(Direction.TO_DEVICE));
            done.countDown();
            holder.join();
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.MAP_1, () -> att.mapUnlocked(Direction.TO_DEVICE));
                assertFails(RuleViolationException.class, Rule.MAP_1, () -> att.unmapUnlocked(m));
                att.unmap(m);
            } finally {
                buf.reservation().unlock();
            }
        }
    }

    @Test
    @DisplayName("MAP-2: a mapping's entries cover exactly the buffer, in order; short coverage is refused")
    void entriesCoverTheBufferExactly(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").constraints(DmaConstraints.NONE.withMaxSegmentSize(8192)).build();
        try (DmaBuf buf = sys.systemHeap().allocate(64 * KIB); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            long offset = 0;
            for (SgEntry e : m.entries()) {
                assertEquals(e.dmaAddress(), m.dmaAddress(offset));
                assertEquals(e.dmaAddress() + 100, m.dmaAddress(offset + 100));
                offset += e.length();
            }
            assertEquals(buf.size(), offset);
            assertEquals(buf.size(), m.size());
            assertFails(RuleViolationException.class, Rule.MAP_2, () -> m.dmaAddress(buf.size()));
            assertFails(RuleViolationException.class, Rule.MAP_2, () -> m.dmaAddress(-1));
            att.unmapUnlocked(m);
        }
        TestExporter shortExp = new TestExporter(8192);
        shortExp.mangle = entries -> List.of(new SgEntry(entries.getFirst().dmaAddress(), 4096,
                Optional.of(entries.getFirst().cpuSegment().asSlice(0, 4096))));
        try (DmaBuf buf = sys.export(ExportInfo.of("short", 8192, shortExp)).handle();
                Attachment att = buf.attach(dev)) {
            assertFails(RuleViolationException.class, Rule.MAP_2, () -> att.mapUnlocked(Direction.TO_DEVICE));
            assertEquals(0, dev.liveTranslations(), "the refused mapping was not unmapped");
        }
    }

    @Test
    @DisplayName("MAP-3: an entry that is not page aligned is refused")
    void unalignedEntriesAreRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(4096);
        exp.mangle = entries -> List.of(new SgEntry(entries.getFirst().dmaAddress() + 512, 4096,
                Optional.of(exp.memory)));
        try (DmaBuf buf = sys.export(ExportInfo.of("unaligned", 4096, exp)).handle();
                Attachment att = buf.attach(dev)) {
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.MAP_3,
                    () -> att.mapUnlocked(Direction.TO_DEVICE));
            assertTrue(e.getMessage().contains("not page aligned"), e::getMessage);
        }
        assertEquals(0, dev.liveTranslations());
    }

    @Test
    @DisplayName("MAP-4: an exporter's entry that breaks the device's constraints is refused")
    void entriesBreakingConstraintsAreRefused(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").constraints(DmaConstraints.NONE.withMaxSegmentSize(4096)).build();
        TestExporter exp = new TestExporter(8192);
        exp.mangle = entries -> List.of(new SgEntry(entries.getFirst().dmaAddress(), 8192,
                Optional.of(exp.memory)));
        try (DmaBuf buf = sys.export(ExportInfo.of("greedy", 8192, exp)).handle(); Attachment att = buf.attach(dev)) {
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.MAP_4,
                    () -> att.mapUnlocked(Direction.TO_DEVICE));
            assertTrue(e.getMessage().contains("greedy"), e::getMessage);
            assertEquals(0, dev.liveTranslations());
        }
    }

    @Test
    @DisplayName("MAP-5: every map call returns a new mapping, with new addresses, from the exporter")
    void everyMapIsNew(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("t", 4096, exp)).handle(); Attachment att = buf.attach(dev)) {
            Mapping a = att.mapUnlocked(Direction.TO_DEVICE);
            Mapping b = att.mapUnlocked(Direction.TO_DEVICE);
            assertNotSame(a, b);
            assertNotEquals(a.dmaAddress(0), b.dmaAddress(0));
            assertEquals(2, exp.callsStartingWith("map").size());
            att.unmapUnlocked(a);
            assertTrue(b.isValid());
            att.unmapUnlocked(b);
        }
    }

    @Test
    @DisplayName("MAP-6: a cached mapping is returned by map, survives unmap and lives until detach")
    void cachedMappingIsReturnedAndSurvivesUnmap(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        CachingExporter exp = new CachingExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("caching", 4096, exp)).handle()) {
            Attachment att = buf.attach(dev);
            Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL);
            assertTrue(m.isCached());
            assertSame(m, att.mapUnlocked(Direction.TO_DEVICE));
            att.unmapUnlocked(m);
            att.unmapUnlocked(m);
            assertTrue(m.isValid());
            assertEquals(1, exp.callsStartingWith("map").size());
            att.close();
            assertFalse(m.isValid());
            assertEquals(1, exp.callsStartingWith("unmap").size());
        }
    }

    @Test
    @DisplayName("MAP-10: try (Attachment a = buf.attach(dev); Mapping m = a.mapUnlocked(dir)) unmaps, then detaches")
    void tryWithResourcesUnmapsBeforeDetach(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096)) {
            Attachment outer;
            Mapping kept;
            try (Attachment att = buf.attach(dev); Mapping m = att.mapUnlocked(Direction.TO_DEVICE)) {
                assertTrue(m.isValid());
                outer = att;
                kept = m;
            }
            assertFalse(kept.isValid(), "the mapping was unmapped by close()");
            assertFails(ClosedException.class, Rule.ATT_4, () -> outer.mapUnlocked(Direction.TO_DEVICE));
            assertEquals(1, sys.counters().unmaps());
            assertFalse(buf.reservation().isLocked(), "close() released the lock it took");
        }
    }

    @Test
    @DisplayName("MAP-10: Mapping.close() is idempotent and works with the lock held, leaving it held")
    void mappingCloseIsIdempotentInEitherLockState(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("camera").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev)) {
            Mapping held = att.mapUnlocked(Direction.FROM_DEVICE);
            buf.reservation().lock();
            try {
                held.close();
                assertTrue(buf.reservation().isHeldByCurrentThread(), "close() under the lock keeps it");
                held.close();
            } finally {
                buf.reservation().unlock();
            }
            assertFalse(held.isValid());
            Mapping unmapped = att.mapUnlocked(Direction.TO_DEVICE);
            att.unmapUnlocked(unmapped);
            unmapped.close();
            assertEquals(2, sys.counters().unmaps(), "each mapping was unmapped exactly once");
            assertFails(RuleViolationException.class, Rule.MAP_10, () -> att.unmapUnlocked(held));
        }
    }

    @Test
    @DisplayName("MAP-6: closing the cached mapping does nothing; it lives until detach")
    void closingTheCachedMappingDoesNothing(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        CachingExporter exp = new CachingExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("caching", 4096, exp)).handle()) {
            try (Attachment att = buf.attach(dev); Mapping m = att.mapUnlocked(Direction.BIDIRECTIONAL)) {
                assertTrue(m.isCached());
                m.close();
                assertTrue(m.isValid());
                assertEquals(0, exp.callsStartingWith("unmap").size());
            }
            assertEquals(1, exp.callsStartingWith("unmap").size(), "detach unmapped it");
        }
    }

    @Test
    @DisplayName("MAP-7: mapping a cached attachment in a direction its mapping does not cover fails busy")
    void cachedDirectionMismatchIsBusy(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        CachingExporter exp = new CachingExporter(4096);
        try (DmaBuf buf = sys.export(ExportInfo.of("caching", 4096, exp)).handle(); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            MappingBusyException e = assertFails(MappingBusyException.class, Rule.MAP_7,
                    () -> att.mapUnlocked(Direction.FROM_DEVICE));
            assertTrue(e.getMessage().contains("TO_DEVICE"), e::getMessage);
            assertFails(MappingBusyException.class, Rule.MAP_7, () -> att.mapUnlocked(Direction.BIDIRECTIONAL));
            assertTrue(m.isValid());
            assertSame(m, att.mapUnlocked(Direction.TO_DEVICE));
        }
    }

    @Test
    @DisplayName("MAP-10: a mapping is unmapped once, through the attachment that made it")
    void unmapOnceThroughItsAttachment(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment a = buf.attach(dev);
                Attachment b = buf.attach(dev)) {
            Mapping m = a.mapUnlocked(Direction.TO_DEVICE);
            assertFails(RuleViolationException.class, Rule.MAP_10, () -> b.unmapUnlocked(m));
            assertTrue(m.isValid());
            assertFails(RuleViolationException.class, Rule.MAP_10, () -> a.unmapUnlocked(null));
            a.unmapUnlocked(m);
            assertFails(RuleViolationException.class, Rule.MAP_10, () -> a.unmapUnlocked(m));
        }
    }

    @Test
    @DisplayName("MAP-11: after unmap a mapping's entries and addresses are refused and its CPU views are closed")
    void deadAfterUnmap(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4096); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            MemorySegment view = m.entries().getFirst().cpuSegment();
            view.get(ValueLayout.JAVA_BYTE, 0);
            att.unmapUnlocked(m);
            assertFalse(m.isValid());
            assertFails(InvalidatedMappingException.class, Rule.MAP_11, m::entries);
            assertFails(InvalidatedMappingException.class, Rule.MAP_11, () -> m.dmaAddress(0));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> view.get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(e.getMessage().contains("closed"), e::getMessage);
        }
    }

    @Test
    @DisplayName("MAP-12: importers reach CPU memory only through views scoped to the mapping")
    void entryViewsAreScopedToTheMapping(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        TestExporter exp = new TestExporter(8192);
        try (DmaBuf buf = sys.export(ExportInfo.of("t", 8192, exp)).handle(); Attachment att = buf.attach(dev)) {
            Mapping m = att.mapUnlocked(Direction.TO_DEVICE);
            List<MemorySegment> views = new ArrayList<>();
            for (SgEntry e : m.entries()) {
                MemorySegment v = e.cpuSegment();
                assertNotEquals(exp.memory.scope(), v.scope(), "the importer got the exporter's backing segment");
                views.add(v);
            }
            assertEquals(exp.memory.address(), views.getFirst().address());
            att.unmapUnlocked(m);
            exp.memory.get(ValueLayout.JAVA_BYTE, 0);
            for (MemorySegment v : views) {
                assertThrows(IllegalStateException.class, () -> v.get(ValueLayout.JAVA_BYTE, 0));
            }
        }
    }
}
