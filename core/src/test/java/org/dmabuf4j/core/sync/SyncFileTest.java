package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceInfo;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncFileInfo;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sync files: merge (SYNC-2), info (SYNC-9), names, poll and waits; merges across timelines. */
class SyncFileTest extends SyncTestBase {

    @Test
    @DisplayName("SYNC-2: merging points of one timeline collapses to the latest")
    void mergingPointsOfOneTimelineCollapsesToTheLatest() {
        try (Timeline tl = fences.newTimeline("t")) {
            Fence p3 = tl.point(3);
            Fence p7 = tl.point(7);
            SyncFile a = fences.syncFile(p3, null);
            SyncFile b = fences.syncFile(p7, null);
            SyncFile merged = a.merge(b, "both");
            assertSame(p7, merged.fence());
            assertSame(p7, b.merge(a, null).fence(), "order of the inputs does not matter");
            assertEquals("both", merged.name());
            tl.advance(7);
        }
    }

    @Test
    @DisplayName("SYNC-2: a merge over three timelines signals only after all three advance")
    void aMergeOverThreeTimelinesSignalsAfterAllThree() {
        try (Timeline a = fences.newTimeline("a"); Timeline b = fences.newTimeline("b");
                Timeline c = fences.newTimeline("c")) {
            SyncFile merged = fences.syncFile(a.point(1), null)
                    .merge(fences.syncFile(b.point(1), null), null)
                    .merge(fences.syncFile(c.point(1), null), "abc");
            FenceArray array = assertInstanceOf(FenceArray.class, merged.fence());
            assertEquals(3, array.fences().size());
            a.advance(1);
            assertFalse(merged.poll());
            c.advance(1);
            assertFalse(merged.poll());
            b.advance(1);
            assertTrue(merged.poll());
            assertEquals(FenceStatus.SIGNALED, merged.info().status());
        }
    }

    @Test
    @DisplayName("SYNC-2: both inputs of a merge stay valid and unchanged")
    void bothInputsStayValid() throws InterruptedException {
        try (Timeline t1 = fences.newTimeline("x"); Timeline t2 = fences.newTimeline("y")) {
            SyncFile a = fences.syncFile(t1.point(1), "a");
            SyncFile b = fences.syncFile(t2.point(1), "b");
            Fence fa = a.fence();
            Fence fb = b.fence();
            SyncFile merged = a.merge(b, null);
            assertSame(fa, a.fence());
            assertSame(fb, b.fence());
            t1.advance(1);
            assertTrue(a.poll());
            assertTrue(a.await(Duration.ZERO));
            assertFalse(b.poll());
            assertFalse(merged.poll());
            t2.advance(1);
            assertTrue(b.await(Duration.ofSeconds(1)));
            assertTrue(merged.poll());
        }
    }

    @Test
    @DisplayName("SYNC-2: merging with a null sync file is refused")
    void mergingWithNullIsRefused() {
        SyncFile a = fences.syncFile(fences.signaled(), null);
        assertEquals(Rule.SYNC_2, assertThrows(RuleViolationException.class, () -> a.merge(null, null)).rule());
    }

    @Test
    @DisplayName("SYNC-2: merging only signaled fences yields a signaled stub")
    void mergingSignaledFencesYieldsAStub() {
        try (Timeline tl = fences.newTimeline("t")) {
            tl.advance(2);
            SyncFile merged = fences.syncFile(tl.point(1), null).merge(fences.syncFile(tl.point(2), null), null);
            assertTrue(merged.poll());
            assertEquals(0, merged.fence().context());
        }
    }

    @Test
    @DisplayName("SYNC-9: info lists each leaf with timeline, driver, status and a zero timestamp while pending")
    void infoListsEachLeaf() {
        try (Timeline a = fences.newTimeline("cam"); Timeline b = fences.newTimeline("isp")) {
            SyncFile merged = fences.syncFile(a.point(1), null).merge(fences.syncFile(b.point(1), null), "frame");
            a.advance(1);
            SyncFileInfo info = merged.info();
            assertEquals("frame", info.name());
            assertEquals(FenceStatus.PENDING, info.status());
            assertEquals(2, info.fences().size());
            FenceInfo cam = info.fences().get(0);
            FenceInfo isp = info.fences().get(1);
            assertEquals("cam", cam.timelineName());
            assertEquals("sw_sync", cam.driverName());
            assertEquals(FenceStatus.SIGNALED, cam.status());
            assertTrue(cam.timestampNanos() != 0);
            assertEquals("isp", isp.timelineName());
            assertEquals(FenceStatus.PENDING, isp.status());
            assertEquals(0, isp.timestampNanos(), "no timestamp while pending");
            b.advance(1);
            assertEquals(FenceStatus.SIGNALED, merged.info().status());
            assertEquals(fences.unwrap(merged.fence()).get(1).timestampNanos(),
                    merged.info().fences().get(1).timestampNanos());
        }
    }

    @Test
    @DisplayName("SYNC-9: info reports ERROR when a leaf failed")
    void infoReportsAnError() {
        SignalingFence good = fences.newContext("d", "good").next();
        SignalingFence bad = fences.newContext("d", "bad").next();
        SyncFile merged = fences.syncFile(fences.merge(List.of(good, bad)), null);
        bad.fail(new IOException("dma fault"));
        assertEquals(FenceStatus.ERROR, merged.info().status(), "an error wins over a pending leaf");
        good.signal();
        SyncFileInfo info = merged.info();
        assertEquals(FenceStatus.ERROR, info.status());
        assertEquals(FenceStatus.ERROR, info.fences().get(1).status());
    }

    @Test
    @DisplayName("SYNC-9: a sync file of a signaled stub reports one signaled leaf")
    void infoOfAStub() {
        SyncFileInfo info = fences.syncFile(fences.signaled(), null).info();
        assertEquals(FenceStatus.SIGNALED, info.status());
        assertEquals(1, info.fences().size());
    }

    @Test
    @DisplayName("SYNC-9: the default name is \"driver-timeline context-seqno\" of the fence")
    void theDefaultName() {
        try (Timeline tl = fences.newTimeline("gfx")) {
            SyncFile f = fences.syncFile(tl.point(5), null);
            assertEquals("sw_sync-gfx " + tl.context() + "-5", f.name());
            assertTrue(f.toString().contains(f.name()));
            tl.advance(5);
        }
    }

    @Test
    @DisplayName("SYNC-9: a sync file needs a fence")
    void aSyncFileNeedsAFence() {
        assertEquals(Rule.SYNC_9, assertThrows(RuleViolationException.class, () -> fences.syncFile(null, "x"))
                .rule());
    }

    @Test
    @DisplayName("SYNC-2: a sync file's future completes when its fence signals")
    void theFutureCompletes() throws Exception {
        try (Timeline tl = fences.newTimeline("t")) {
            SyncFile f = fences.syncFile(tl.point(1), null);
            CompletableFuture<Fence> future = f.toCompletableFuture();
            assertFalse(future.isDone());
            tl.advance(1);
            assertSame(f.fence(), future.get());
        }
    }
}
