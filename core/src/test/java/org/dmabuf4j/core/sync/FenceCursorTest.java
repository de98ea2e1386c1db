package org.dmabuf4j.core.sync;

import static org.dmabuf4j.api.FenceUsage.BOOKKEEP;
import static org.dmabuf4j.api.FenceUsage.READ;
import static org.dmabuf4j.api.FenceUsage.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceCursor;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Unlocked iteration (RESV-10). */
class FenceCursorTest extends SyncTestBase {
    private final List<SignalingFence> issued = new ArrayList<>();

    private SignalingFence fence(String timeline) {
        FenceContext ctx = fences.newContext("gpu", timeline);
        SignalingFence f = ctx.next();
        issued.add(f);
        return f;
    }

    private static void add(ReservationImpl r, Fence f, FenceUsage usage) {
        r.lock();
        try {
            r.reserveFences(1);
            r.addFence(f, usage);
        } finally {
            r.unlock();
        }
    }

    private void signalIssued() {
        issued.forEach(SignalingFence::signal);
    }

    @Test
    @DisplayName("RESV-10: the cursor visits unsignaled covered fences in slot order and flags the first as restarted")
    void theCursorVisitsUnsignaledFences() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = fence("a");
        SignalingFence b = fence("b");
        SignalingFence c = fence("c");
        SignalingFence d = fence("d");
        add(r, a, WRITE);
        add(r, b, READ);
        add(r, c, WRITE);
        add(r, d, BOOKKEEP);
        b.signal();
        try (FenceCursor cursor = r.cursor(READ)) {
            assertTrue(cursor.next());
            assertSame(a, cursor.fence());
            assertEquals(WRITE, cursor.usage());
            assertTrue(cursor.isRestarted(), "the first fence of a pass");
            assertTrue(cursor.next());
            assertSame(c, cursor.fence(), "b is signaled and skipped");
            assertFalse(cursor.isRestarted());
            assertFalse(cursor.next(), "d is BOOKKEEP, not covered by READ");
        }
        signalIssued();
    }

    @Test
    @DisplayName("RESV-10: the cursor restarts from the first fence when the list changes between two next() calls")
    void theCursorRestartsWhenTheListChanges() throws Exception {
        ReservationImpl r = reservation("frame");
        SignalingFence a = fence("a");
        SignalingFence b = fence("b");
        SignalingFence c = fence("c");
        add(r, a, READ);
        add(r, b, READ);
        List<Fence> seen = new ArrayList<>();
        try (FenceCursor cursor = r.cursor(READ)) {
            assertTrue(cursor.next());
            assertSame(a, cursor.fence());
            assertTrue(cursor.isRestarted());
            seen.add(cursor.fence());

            // Another thread changes the list; it is joined before we continue, so the change is certain.
            join(start("changer", () -> add(r, c, READ)));

            List<Fence> pass = new ArrayList<>();
            boolean restartedSeen = false;
            while (cursor.next()) {
                if (cursor.isRestarted()) {
                    restartedSeen = true;
                    seen.clear();
                }
                seen.add(cursor.fence());
                pass.add(cursor.fence());
            }
            assertTrue(restartedSeen, "the change was flagged");
            assertEquals(List.of(a, b, c), pass, "restarted from the first fence and saw the new one");
            assertEquals(List.of(a, b, c), seen, "an accumulator that resets on restart is exact");
        }
        signalIssued();
    }

    @Test
    @DisplayName("RESV-10: a list change by signal alone does not restart; signaled fences are just skipped")
    void aSignalDoesNotRestart() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = fence("a");
        SignalingFence b = fence("b");
        SignalingFence c = fence("c");
        add(r, a, READ);
        add(r, b, READ);
        add(r, c, READ);
        try (FenceCursor cursor = r.cursor(READ)) {
            assertTrue(cursor.next());
            b.signal();
            assertTrue(cursor.next());
            assertSame(c, cursor.fence());
            assertFalse(cursor.isRestarted());
        }
        signalIssued();
    }

    @Test
    @DisplayName("RESV-10: fence() and usage() need a current fence; a closed cursor refuses next()")
    void accessorsNeedACurrentFence() {
        ReservationImpl r = reservation("frame");
        SignalingFence a = fence("a");
        add(r, a, READ);
        FenceCursor cursor = r.cursor(READ);
        assertEquals(Rule.RESV_10, assertThrows(RuleViolationException.class, cursor::fence).rule());
        assertEquals(Rule.RESV_10, assertThrows(RuleViolationException.class, cursor::usage).rule());
        assertTrue(cursor.next());
        assertFalse(cursor.next());
        assertEquals(Rule.RESV_10, assertThrows(RuleViolationException.class, cursor::fence).rule());
        cursor.close();
        assertEquals(Rule.RESV_10, assertThrows(RuleViolationException.class, cursor::next).rule());
        assertEquals(Rule.RESV_9, assertThrows(RuleViolationException.class, () -> r.cursor(null)).rule());
        signalIssued();
    }

    @Test
    @DisplayName("RESV-10: an empty reservation yields nothing")
    void anEmptyReservationYieldsNothing() {
        ReservationImpl r = reservation("frame");
        try (FenceCursor cursor = r.cursor(BOOKKEEP)) {
            assertFalse(cursor.next());
            assertFalse(cursor.isRestarted());
        }
    }
}
