package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Fences only their issuer completes (engine job fences). */
class FenceIssuerTest extends SyncTestBase {
    private final FenceIssuer issuer = FenceIssuer.allocate("gpu", "engine0");

    @Test
    @DisplayName("FENCE-1: an issued fence is no SignalingFence; its issuer signals it once, callbacks run once")
    void onlyTheIssuerSignalsAndOnlyOnce() {
        Fence f = issuer.next();
        assertFalse(f instanceof SignalingFence, "an issued fence can be cast and signaled by its holder");
        AtomicInteger runs = new AtomicInteger();
        assertTrue(f.addCallback(x -> runs.incrementAndGet()));
        assertTrue(issuer.signal(f));
        assertFalse(issuer.signal(f), "the second signal reports 'already signaled'");
        assertFalse(issuer.fail(f, new IOException("late")), "a late fail reports 'already signaled'");
        assertEquals(1, runs.get());
        assertEquals(FenceStatus.SIGNALED, f.status());
    }

    @Test
    @DisplayName("FENCE-3, FENCE-6: fail sets the error with the signal; seqnos increase on the issuer's context")
    void failSetsTheErrorAndSeqnosIncrease() {
        Fence a = issuer.next();
        Fence b = issuer.next();
        assertEquals(issuer.id(), a.context());
        assertEquals(a.seqno() + 1, b.seqno());
        assertTrue(b.isLaterThan(a));
        IOException cause = new IOException("fault");
        assertTrue(issuer.fail(a, cause));
        assertSame(cause, a.error().orElseThrow());
        assertThrows(RuleViolationException.class, () -> issuer.fail(b, null));
        assertFalse(b.isSignaled(), "a refused fail must not signal");
        issuer.signal(b);
    }

    @Test
    @DisplayName("FENCE-6: an issuer refuses to complete a fence it did not issue, and leaves it pending")
    void anIssuerCompletesOnlyItsOwnFences() {
        FenceIssuer otherIssuer = FenceIssuer.allocate("gpu", "engine1");
        Fence other = otherIssuer.next();
        SignalingFence plain = fences.newContext("gpu", "engine0").next();
        for (Fence f : new Fence[] {other, plain}) {
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> issuer.signal(f));
            assertEquals(Rule.FENCE_6, e.rule());
            assertTrue(e.getMessage().contains("gpu/engine"), e::getMessage);
            assertFalse(f.isSignaled());
        }
        otherIssuer.signal(other);
        plain.signal();
    }
}
