package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.dmabuf4j.core.MoveFixtures.gpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Foreign code that throws, even an Error, leaves the framework consistent (SAFE-2, SAFE-3, SAFE-5): the reproduced
 * cases 3 to 6 of issue #10. The extension checks after each test that nothing leaked (buffers, native bytes, locks,
 * translations, claims).
 */
@ExtendWith({EngineThreads.class, SystemExtension.class, LogCapture.class})
class ForeignCallbackSafetyTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** An importer whose moveNotify throws what it is given, counting the calls. */
    private static final class ThrowingImporter implements Importer {
        final AtomicInteger notified = new AtomicInteger();
        private final Error error;

        ThrowingImporter(Error error) {
            this.error = error;
        }

        @Override
        public void moveNotify(Attachment attachment) {
            notified.incrementAndGet();
            throw error;
        }
    }

    /** Issue #10 item 3: an Error from the exporter's attach must not leak the buffer reference attach took. */
    @Test
    @DisplayName("SAFE-2: an Error from the exporter's attach leaks no reference: closing the handle releases the buffer")
    void errorFromAttachLeaksNoReference(SimulatedSystem sys) {
        StackOverflowError boom = new StackOverflowError("exporter attach");
        TestExporter exp = new TestExporter(4 * KIB) {
            @Override
            public void attach(Attachment attachment) {
                throw boom;
            }
        };
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaBuf buf = sys.export(ExportInfo.of("attach-error", 4 * KIB, exp)).handle();
        assertSame(boom, assertThrows(StackOverflowError.class, () -> buf.attach(dev)));
        buf.close();
        assertEquals(1, exp.releases, "the buffer is released once its only handle closes");
        assertEquals(List.of(), sys.liveBufferIds());
    }

    /** Issue #10 item 3: the same for an OutOfMemoryError thrown by a dynamic attach's implicit pin. */
    @Test
    @DisplayName("SAFE-2: an OutOfMemoryError from the exporter's map during attach undoes the attach and leaks nothing")
    void errorFromMapDuringAttachUndoesIt(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(4 * KIB) {
            @Override
            public List<org.dmabuf4j.api.SgEntry> map(Attachment attachment, Direction direction) {
                throw new OutOfMemoryError("exporter map");
            }
        };
        SimulatedDevice dev = sys.newDevice("dev").build();
        try (DmaBuf buf = sys.export(ExportInfo.of("map-error", 4 * KIB, exp)).handle()) {
            // a dynamic importer of a static exporter maps BIDIRECTIONAL at attach (ATT-5)
            assertThrows(OutOfMemoryError.class, () -> buf.attach(dev, new ThrowingImporter(new AssertionError())));
            assertEquals(List.of("detach dev"), exp.callsStartingWith("detach"), "the exporter's detach undid attach");
        }
        assertEquals(1, exp.releases);
    }

    /**
     * Issue #10 item 4: an importer whose allowPeerToPeer() throws on its second call. It is asked once, at attach
     * (SAFE-3), so a map of peer-to-peer memory neither fails nor leaks the translations it installed.
     */
    @Test
    @DisplayName("SAFE-3: allowPeerToPeer() is asked once at attach, so an importer failing on a second call leaks nothing")
    void peerToPeerIsAskedOnceAtAttach(SimulatedSystem sys) {
        SimulatedDevice owner = gpu(sys, 1 << 20);
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        AtomicInteger asked = new AtomicInteger();
        Importer flaky = new Importer() {
            @Override
            public void moveNotify(Attachment attachment) {
            }

            @Override
            public boolean allowPeerToPeer() {
                if (asked.incrementAndGet() > 1) {
                    throw new IllegalStateException("asked twice");
                }
                return true;
            }
        };
        try (DmaBuf buf = owner.localMemory().allocate(64 * KIB); Attachment a = buf.attach(npu, flaky)) {
            assertTrue(a.peerToPeer());
            Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
            assertFalse(m.entries().getFirst().hasCpuPage(), "resident in device memory: a peer-to-peer mapping");
            a.unmapUnlocked(m);
        }
        assertEquals(1, asked.get(), "allowPeerToPeer() was asked exactly once");
        assertEquals(0, npu.liveTranslations());
    }

    /** Issue #10 item 4: an importer whose allowPeerToPeer() throws at once fails the attach cleanly (SAFE-3). */
    @Test
    @DisplayName("SAFE-3: an importer whose allowPeerToPeer() throws fails the attach with SAFE-3 and nothing is attached")
    void throwingPeerToPeerFailsAttach(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(4 * KIB);
        SimulatedDevice dev = sys.newDevice("dev").build();
        Importer broken = new Importer() {
            @Override
            public void moveNotify(Attachment attachment) {
            }

            @Override
            public boolean allowPeerToPeer() {
                throw new IllegalStateException("broken importer");
            }
        };
        try (DmaBuf buf = sys.export(ExportInfo.of("p2p", 4 * KIB, exp)).handle()) {
            assertFails(RuleViolationException.class, Rule.SAFE_3, () -> buf.attach(dev, broken));
            assertEquals(List.of(), exp.callsStartingWith("attach"), "the exporter never saw the attachment");
        }
        assertEquals(1, exp.releases);
    }

    /**
     * Issue #10 item 5: an Error from moveNotify during a revocation must not leave live mappings on a revoked
     * buffer: every importer is notified and every mapping killed, then the Error propagates.
     */
    @Test
    @DisplayName("SAFE-2: an Error from moveNotify during revoke still kills every mapping of the revoked buffer")
    void errorFromMoveNotifyStillKillsMappings(SimulatedSystem sys) {
        SimulatedDevice dev = sys.newDevice("dev").build();
        SimulatedDevice other = sys.newDevice("other").build();
        StackOverflowError boom = new StackOverflowError("moveNotify");
        ThrowingImporter first = new ThrowingImporter(boom);
        ThrowingImporter second = new ThrowingImporter(new OutOfMemoryError("second moveNotify"));
        DmaBuf buf = sys.systemHeap().allocate(64 * KIB);
        Attachment a = buf.attach(dev, first);
        Attachment b = buf.attach(other, second);
        Mapping ma = a.mapUnlocked(Direction.BIDIRECTIONAL);
        Mapping mb = b.mapUnlocked(Direction.BIDIRECTIONAL);
        long address = ma.dmaAddress(0);
        StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> sys.revoke(buf, BOUND));
        assertSame(boom, thrown);
        assertEquals(1, thrown.getSuppressed().length, "the second importer's Error is kept as suppressed");
        assertTrue(buf.isRevoked());
        assertEquals(1, first.notified.get());
        assertEquals(1, second.notified.get(), "the second importer was notified despite the first's Error");
        assertFalse(ma.isValid(), "a revoked buffer keeps no live mapping");
        assertFalse(mb.isValid());
        assertFalse(dev.isMapped(address, 4096), "the device can no longer reach the revoked buffer");
        assertEquals(0, dev.liveTranslations() + other.liveTranslations());
        assertTrue(buf.reservation().tryLock(), "the reservation lock was released");
        buf.reservation().unlock();
        a.close();
        b.close();
        buf.close();
    }

    /** Issue #10 item 6: an Error from a callback of one timeline point must not leave the later points pending. */
    @Test
    @DisplayName("SAFE-5: a StackOverflowError from a point's callback does not leave the timeline's later points pending")
    void timelineAdvanceSignalsEveryPointDespiteAnError(SimulatedSystem sys) {
        Timeline t = sys.fences().newTimeline("t");
        Fence p1 = t.point(1);
        Fence p2 = t.point(2);
        Fence p3 = t.point(3);
        StackOverflowError boom = new StackOverflowError("callback of point 1");
        p1.addCallback(f -> {
            throw boom;
        });
        assertSame(boom, assertThrows(StackOverflowError.class, () -> t.advance(3)));
        assertTrue(p1.isSignaled() && p2.isSignaled() && p3.isSignaled(), "every due point signaled");
        assertEquals(0, t.pendingPoints());
        t.close();
    }

    /** Issue #10 item 6: the same when the timeline is closed with the points pending. */
    @Test
    @DisplayName("SAFE-5: a StackOverflowError from a point's callback does not stop close from failing the later points")
    void timelineCloseFailsEveryPointDespiteAnError(SimulatedSystem sys) {
        Timeline t = sys.fences().newTimeline("t");
        Fence p1 = t.point(1);
        Fence p2 = t.point(2);
        p1.addCallback(f -> {
            throw new StackOverflowError("callback of point 1");
        });
        assertThrows(StackOverflowError.class, t::close);
        assertTrue(p2.isSignaled(), "the later point is not left pending");
        assertEquals(Rule.SYNC_3, ((org.dmabuf4j.api.DmaBufException) p2.error().orElseThrow()).rule());
        assertEquals(0, t.pendingPoints());
    }

    /** Issue #10 item 6: in a fence chain, an Error from a node's callback must not leave the next node unsignaled. */
    @Test
    @DisplayName("SAFE-5: a StackOverflowError from a chain node's callback does not leave the next node unsignaled")
    void chainPropagatesDespiteAnError(SimulatedSystem sys) {
        FenceContext ctx = sys.fences().newContext("test", "chain");
        SignalingFence f1 = ctx.next();
        SignalingFence f2 = ctx.next();
        FenceChain n1 = sys.fences().chain(null, f1, 1);
        FenceChain n2 = sys.fences().chain(n1, f2, 2);
        n1.addCallback(f -> {
            throw new StackOverflowError("callback of node 1");
        });
        f2.signal();
        assertFalse(n2.isSignaled(), "node 2 waits for node 1");
        assertThrows(StackOverflowError.class, f1::signal);
        assertTrue(n1.isSignaled());
        assertTrue(n2.isSignaled(), "node 2 signaled although node 1's callback threw");
    }
    /**
     * SAFE-2 for system close: an exporter whose unmap fails while the system closes still hears its detach and
     * release, and a second buffer of the same system is released too; an Error is rethrown after everything.
     */
    @Test
    @ExpectedLogs({"system closed with", "failed to unmap or unpin"})
    @DisplayName("SAFE-2: an unmap that throws during system close still detaches and releases; an Error comes last")
    void systemCloseFinishesDespiteAFailingUnmap(LogCapture.Records logs) {
        for (Throwable fault : List.<Throwable>of(new IllegalStateException("unmap"), new StackOverflowError("unmap"))) {
            TestExporter exp = new TestExporter(4 * KIB) {
                @Override
                public void unmap(Attachment attachment, List<org.dmabuf4j.api.SgEntry> entries, Direction d) {
                    super.unmap(attachment, entries, d);
                    if (fault instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) fault;
                }
            };
            TestExporter other = new TestExporter(4 * KIB);
            SimulatedSystem sys = DmaBufs.builder().leakDetection(false).build();
            SimulatedDevice dev = sys.newDevice("dev").nonCoherent().build();
            DmaBuf buf = sys.export(ExportInfo.of("unmap-fails", 4 * KIB, exp)).handle();
            buf.attach(dev).mapUnlocked(Direction.BIDIRECTIONAL);
            sys.export(ExportInfo.of("bystander", 4 * KIB, other)).handle().attach(dev);
            if (fault instanceof Error) {
                assertSame(fault, assertThrows(StackOverflowError.class, sys::close), "the Error comes after the cleanup");
            } else {
                sys.close();
            }
            assertEquals(List.of("detach dev"), exp.callsStartingWith("detach"), fault + ": detach after a failed unmap");
            assertEquals(1, exp.releases, fault + ": the buffer is released");
            assertEquals(1, other.releases, fault + ": the other buffer is released too");
            assertEquals(List.of(), sys.liveBufferIds());
            assertEquals(0, sys.liveNativeBytes());
            assertEquals(0, dev.liveTranslations());
            assertFalse(dev.isOpen(), "the devices are closed");
        }
        assertTrue(logs.contains(java.util.logging.Level.WARNING, "exporter unmap-fails failed to unmap or unpin",
                "it is detached anyway"), "the RuntimeException is logged");
    }

    /**
     * Found by the testkit's meta-tests (an exporter whose unmap unmaps only part of a mapping, refused by the device):
     * the importer's unmap left the mapping in the attachment when the exporter's unmap threw, so the attachment could
     * never detach (ATT-2) and the buffer was never released.
     */
    @Test
    @DisplayName("SAFE-2: an exporter whose unmap throws does not strand the mapping: the importer's unmap completes,"
            + " the attachment detaches and the buffer is released")
    void throwingUnmapDoesNotStrandTheMapping(SimulatedSystem sys) {
        IllegalStateException boom = new IllegalStateException("exporter unmap");
        TestExporter exp = new TestExporter(4 * KIB) {
            @Override
            public void unmap(Attachment attachment, List<org.dmabuf4j.api.SgEntry> entries, Direction direction) {
                super.unmap(attachment, entries, direction);
                throw boom;
            }
        };
        SimulatedDevice dev = sys.newDevice("dev").build();
        DmaBuf buf = sys.export(ExportInfo.of("unmap-error", 4 * KIB, exp)).handle();
        Attachment a = buf.attach(dev);
        Mapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> a.unmapUnlocked(m)));
        assertFalse(m.isValid(), "the mapping is dead");
        assertFails(RuleViolationException.class, Rule.MAP_10, () -> a.unmapUnlocked(m));
        a.close();
        assertFalse(a.isAttached(), "the attachment detached although the exporter's unmap had thrown");
        buf.close();
        assertEquals(1, exp.releases, "the buffer is released once its handle and attachment are closed");
        assertEquals(0, dev.liveTranslations());
    }
}
