package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.Tiling;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad arguments and calls that were accepted silently or failed with a bare JDK exception (issue #10 items 7 and 8):
 * each now gets a specific, rule-named exception and changes nothing.
 */
@ExtendWith(SystemExtension.class)
class SafetyArgumentsTest {
    /** Issue #10 item 7: a revoke timeout too large for nanoseconds saturates instead of overflowing. */
    @Test
    @DisplayName("REV-1: revoke(Duration.ofSeconds(Long.MAX_VALUE)) saturates the timeout instead of overflowing")
    void hugeRevokeTimeoutSaturates(SimulatedSystem sys) {
        DmaBuf buf = sys.systemHeap().allocate(4 * KIB);
        sys.revoke(buf, Duration.ofSeconds(Long.MAX_VALUE));
        assertTrue(buf.isRevoked());
        buf.close();
    }

    /** Issue #10 item 7: null arguments of value types name the rule instead of a bare NullPointerException. */
    @Test
    @DisplayName("CPU-7: BufferLayout.tiled(..., null) and Span.overlaps(null) are rejected with CPU-7")
    void nullLayoutAndSpanArgumentsNameTheRule() {
        assertFails(RuleViolationException.class, Rule.CPU_7, () -> BufferLayout.tiled(64, 64, 4, null));
        assertFails(RuleViolationException.class, Rule.CPU_7, () -> new Span(0, 4096).overlaps(null));
    }

    /** Issue #10 item 7: ExportInfo.withLayout(null) is a BUF-7 error. */
    @Test
    @DisplayName("BUF-7: ExportInfo.withLayout(null) is rejected with BUF-7")
    void withLayoutNullIsRejected() {
        ExportInfo info = ExportInfo.of("x", 4096, new TestExporter(4096));
        assertFails(RuleViolationException.class, Rule.BUF_7, () -> info.withLayout(null));
    }

    /** Issue #10 item 7: covers(null) rejects for every direction, BIDIRECTIONAL included. */
    @Test
    @DisplayName("MAP-7: Direction.covers(null) is rejected for every direction, BIDIRECTIONAL included")
    void coversNullIsRejected() {
        for (Direction d : Direction.values()) {
            assertFails(RuleViolationException.class, Rule.MAP_7, () -> d.covers(null));
        }
    }

    /** Issue #10 item 7: dmaRead/dmaWrite with a closed segment answer DEV-8 as engine jobs do, moving nothing. */
    @Test
    @DisplayName("DEV-8: dmaRead and dmaWrite with a closed segment are rejected with DEV-8 and move nothing")
    void syncDmaWithClosedSegmentIsRejected(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB); Attachment a = buf.attach(dev)) {
            Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
            Arena arena = Arena.ofConfined();
            MemorySegment s = arena.allocate(64);
            arena.close();
            long address = m.dmaAddress(0);
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> dev.dmaRead(address, s));
            assertFails(RuleViolationException.class, Rule.DEV_8, () -> dev.dmaWrite(address, s));
            a.unmapUnlocked(m);
        }
    }

    /** Issue #10 item 7: dmaRead/dmaWrite with another thread's confined segment answer DEV-8. */
    @Test
    @DisplayName("DEV-8: dmaRead and dmaWrite with another thread's confined segment are rejected with DEV-8")
    void syncDmaWithForeignThreadSegmentIsRejected(SimulatedSystem sys) throws Exception {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB); Attachment a = buf.attach(dev);
                Arena arena = Arena.ofConfined()) {
            Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
            MemorySegment s = arena.allocate(64);
            long address = m.dmaAddress(0);
            CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(() -> failure(() -> dev.dmaRead(address, s)));
            CompletableFuture<Throwable> write = CompletableFuture.supplyAsync(() -> failure(() -> dev.dmaWrite(address, s)));
            BufferLifecycleTest.assertRule(Rule.DEV_8, (org.dmabuf4j.api.DmaBufException) read.get());
            BufferLifecycleTest.assertRule(Rule.DEV_8, (org.dmabuf4j.api.DmaBufException) write.get());
            a.unmapUnlocked(m);
        }
    }

    private static Throwable failure(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Issue #10 item 8: a device of another system is refused (ATT-7). */
    @Test
    @DisplayName("ATT-7: attaching a buffer to a device of another system is refused and nothing is attached")
    void deviceOfAnotherSystemIsRefused(SimulatedSystem sys) {
        try (SimulatedSystem other = DmaBufs.newSystem()) {
            SimulatedDevice foreign = other.newDevice("foreign").build();
            try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB)) {
                assertFails(RuleViolationException.class, Rule.ATT_7, () -> buf.attach(foreign));
                assertEquals(0, foreign.liveTranslations());
            }
        }
    }

    /** Issue #10 item 8: a tiled layout on a heap of linear memory is refused (HEAP-8). */
    @Test
    @DisplayName("HEAP-8: a tiled layout is refused by the linear heaps, allocating nothing")
    void tiledLayoutOnLinearHeapIsRefused(SimulatedSystem sys) {
        BufferLayout tiled = BufferLayout.tiled(64, 64, 4, new Tiling.Tiled(64, 4));
        assertFails(RuleViolationException.class, Rule.HEAP_8, () -> sys.systemHeap().allocate(tiled));
        assertFails(RuleViolationException.class, Rule.HEAP_8, () -> sys.contiguousHeap().allocate(tiled));
        assertEquals(0, sys.liveNativeBytes());
        try (DmaBuf ok = sys.tiledHeap().allocate(tiled)) {
            assertTrue(ok.layout().orElseThrow().isTiled(), "the tiled heap takes it");
        }
    }

    /** Issue #10 item 8: exportSyncFile with the reservation lock held is refused, as its javadoc says (SYNC-5). */
    @Test
    @DisplayName("SYNC-5: exportSyncFile with the reservation lock held is refused")
    void exportSyncFileWithLockHeldIsRefused(SimulatedSystem sys) {
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB)) {
            buf.reservation().lock();
            try {
                assertFails(RuleViolationException.class, Rule.SYNC_5, () -> buf.exportSyncFile(Access.READ));
            } finally {
                buf.reservation().unlock();
            }
            assertTrue(buf.exportSyncFile(Access.READ).fence().isSignaled(), "without the lock it works");
        }
    }

    /**
     * Issue #10 item 8: a closed handle rejects every operation but close(); its identity queries answer (BUF-3 as
     * restated).
     */
    @Test
    @DisplayName("BUF-3: a closed handle rejects every operation but close(), and its identity queries keep answering")
    void closedHandleRejectsOperations(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaBuf buf = sys.systemHeap().allocate(4 * KIB);
        DmaBuf kept = buf.share();
        buf.close();
        buf.close();
        assertFails(ClosedException.class, Rule.BUF_3, buf::name);
        assertFails(ClosedException.class, Rule.BUF_3, () -> buf.setName("x"));
        assertFails(ClosedException.class, Rule.BUF_3, buf::reservation);
        assertFails(ClosedException.class, Rule.BUF_3, buf::share);
        assertFails(ClosedException.class, Rule.BUF_3, () -> buf.attach(dev));
        assertFails(ClosedException.class, Rule.BUF_3, () -> buf.beginCpuAccess(Access.READ));
        assertFails(ClosedException.class, Rule.BUF_3, buf::vmap);
        assertFails(ClosedException.class, Rule.BUF_3, () -> buf.exportSyncFile(Access.READ));
        assertFails(ClosedException.class, Rule.BUF_3, () -> buf.isReady(Access.READ));
        assertFails(ClosedException.class, Rule.BUF_3, () -> buf.whenReady(Access.READ));
        assertEquals(4 * KIB, buf.size());
        assertEquals(kept.id(), buf.id());
        assertFalse(buf.isOpen());
        assertFalse(buf.isRevoked());
        kept.close();
    }

    /** Issue #10 item 8: a detached attachment rejects every operation but close() (ATT-4 as restated). */
    @Test
    @DisplayName("ATT-4: a detached attachment rejects map, unmap, pin and unpin, and its identity queries answer")
    void detachedAttachmentRejectsOperations(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.systemHeap().allocate(4 * KIB)) {
            Attachment a = buf.attach(dev);
            a.close();
            a.close();
            assertFails(ClosedException.class, Rule.ATT_4, () -> a.mapUnlocked(Direction.TO_DEVICE));
            assertFails(ClosedException.class, Rule.ATT_4, () -> a.unmapUnlocked(null));
            assertFails(ClosedException.class, Rule.ATT_4, a::pin);
            assertFails(ClosedException.class, Rule.ATT_4, a::unpin);
            buf.reservation().lock();
            try {
                assertFails(ClosedException.class, Rule.ATT_4, () -> a.map(Direction.TO_DEVICE));
            } finally {
                buf.reservation().unlock();
            }
            assertFalse(a.isAttached());
            assertFalse(a.buffer().isOpen(), "the attachment's view of the buffer is closed");
            assertEquals(dev, a.device());
        }
    }
}
