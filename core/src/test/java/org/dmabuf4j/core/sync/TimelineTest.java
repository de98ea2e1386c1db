package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Timeline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The software timeline (sw_sync): SYNC-3, SYNC-7, SYNC-8. */
class TimelineTest extends SyncTestBase {

    @Test
    @DisplayName("SYNC-7: a new timeline has value 0, its own context and sw_sync points named after it")
    void aNewTimeline() {
        try (Timeline tl = fences.newTimeline("camera")) {
            assertEquals(0, tl.value());
            assertEquals("camera", tl.name());
            Fence p = tl.point(1);
            assertEquals(tl.context(), p.context());
            assertEquals(1, p.seqno());
            assertEquals("sw_sync", p.driverName());
            assertEquals("camera", p.timelineName());
            assertEquals(1, tl.pendingPoints());
            tl.advance(1);
        }
    }

    @Test
    @DisplayName("SYNC-8: only the timeline signals its points: a point is not a SignalingFence a holder could complete")
    void pointsCannotBeSignaledByTheirHolders() {
        try (Timeline tl = fences.newTimeline("camera")) {
            assertFalse(tl.point(5) instanceof SignalingFence, "a pending point");
            assertFalse(tl.point(0) instanceof SignalingFence, "a point created signaled");
            tl.advance(5);
        }
    }

    @Test
    @DisplayName("SYNC-7: a point not later than the timeline's value is created signaled")
    void aPointNotLaterThanTheValueIsSignaled() {
        try (Timeline tl = fences.newTimeline("t")) {
            assertTrue(tl.point(0).isSignaled(), "value 0 at value 0");
            tl.advance(5);
            assertTrue(tl.point(3).isSignaled());
            assertTrue(tl.point(5).isSignaled());
            assertEquals(FenceStatus.SIGNALED, tl.point(5).status());
            assertFalse(tl.point(6).isSignaled());
            assertEquals(1, tl.pendingPoints());
            tl.advance(1);
        }
    }

    @Test
    @DisplayName("SYNC-7: a pending point with the same value is reused")
    void aPendingPointWithTheSameValueIsReused() {
        try (Timeline tl = fences.newTimeline("t")) {
            Fence a = tl.point(4);
            assertSame(a, tl.point(4));
            assertEquals(1, tl.pendingPoints());
            tl.advance(4);
            Fence again = tl.point(4);
            assertNotSame(a, again, "once signaled a new (signaled) point is made");
            assertTrue(again.isSignaled());
        }
    }

    @Test
    @DisplayName("SYNC-8: advancing signals every pending point at or below the new value, in seqno order")
    void advancingSignalsInSeqnoOrder() {
        try (Timeline tl = fences.newTimeline("t")) {
            List<Long> order = Collections.synchronizedList(new ArrayList<>());
            for (long v : new long[] {5, 2, 9, 3, 7}) {
                tl.point(v).addCallback(f -> order.add(f.seqno()));
            }
            tl.advance(4);
            assertEquals(List.of(2L, 3L), order);
            assertEquals(4, tl.value());
            assertEquals(3, tl.pendingPoints());
            tl.advance(0);
            assertEquals(List.of(2L, 3L), order, "advance(0) signals nothing new");
            tl.advance(5);
            assertEquals(List.of(2L, 3L, 5L, 7L, 9L), order);
            assertEquals(0, tl.pendingPoints());
        }
    }

    @Test
    @DisplayName("SYNC-8: advancing by a negative amount is refused and changes nothing")
    void advancingByANegativeAmountIsRefused() {
        try (Timeline tl = fences.newTimeline("t")) {
            tl.advance(3);
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> tl.advance(-1));
            assertEquals(Rule.SYNC_8, e.rule());
            assertEquals(3, tl.value());
        }
    }

    @Test
    @DisplayName("SYNC-8: two threads advancing at once still signal every point in seqno order")
    void concurrentAdvancesKeepSeqnoOrder() throws Exception {
        try (Timeline tl = fences.newTimeline("t")) {
            int points = 2_000;
            List<Long> order = Collections.synchronizedList(new ArrayList<>());
            for (long v = 1; v <= points; v++) {
                tl.point(v).addCallback(f -> order.add(f.seqno()));
            }
            Thread a = start("advance-a", () -> {
                for (int i = 0; i < points / 2; i++) {
                    tl.advance(1);
                }
            });
            Thread b = start("advance-b", () -> {
                for (int i = 0; i < points / 2; i++) {
                    tl.advance(1);
                }
            });
            join(a);
            join(b);
            rethrowThreadFailure();
            assertEquals(points, tl.value());
            assertEquals(points, order.size());
            for (int i = 0; i < points; i++) {
                assertEquals(i + 1, order.get(i), "signal order at " + i);
            }
        }
    }

    @Test
    @DisplayName("SYNC-3: closing a timeline fails its pending points with a timeline-closed error")
    void closingATimelineFailsItsPendingPoints() {
        Timeline tl = fences.newTimeline("decoder");
        Fence done = tl.point(1);
        Fence pending = tl.point(2);
        tl.advance(1);
        tl.close();

        assertEquals(FenceStatus.SIGNALED, done.status(), "signaled points keep their status");
        assertEquals(FenceStatus.ERROR, pending.status());
        ClosedException error = assertInstanceOf(ClosedException.class, pending.error().orElseThrow());
        assertEquals(Rule.SYNC_3, error.rule());
        assertTrue(error.getMessage().contains("timeline closed") && error.getMessage().contains("decoder"),
                error.getMessage());
        assertEquals(0, tl.pendingPoints());
    }

    @Test
    @DisplayName("SYNC-3: a closed timeline refuses new points and advances; close is idempotent")
    void aClosedTimelineRefusesUse() {
        Timeline tl = fences.newTimeline("t");
        tl.close();
        tl.close();
        assertEquals(Rule.SYNC_3, assertThrows(ClosedException.class, () -> tl.point(1)).rule());
        assertEquals(Rule.SYNC_3, assertThrows(ClosedException.class, () -> tl.advance(1)).rule());
    }

    @Test
    @DisplayName("SYNC-3: a waiter on a pending point wakes when the timeline closes")
    void aWaiterWakesWhenTheTimelineCloses() throws Exception {
        Timeline tl = fences.newTimeline("t");
        Fence p = tl.point(10);
        Thread waiter = start("waiter", () -> assertThrows(FenceFailedException.class, p::await));
        FenceWaitTest.awaitParked(waiter, p);
        tl.close();
        join(waiter);
        assertEquals(FenceStatus.ERROR, p.status());
    }

    @Test
    @DisplayName("SYNC-7: a timeline needs a name")
    void aTimelineNeedsAName() {
        assertThrows(RuleViolationException.class, () -> fences.newTimeline(" "));
        assertThrows(RuleViolationException.class, () -> fences.newTimeline(null));
    }
}
