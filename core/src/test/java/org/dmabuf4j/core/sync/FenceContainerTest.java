package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceArray;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Fence arrays (FENCE-9), chains (FENCE-10), unwrap and merge (FENCE-11). */
class FenceContainerTest extends SyncTestBase {
    private final FenceContext gfx = fences.newContext("gpu", "gfx");
    private final FenceContext dma = fences.newContext("gpu", "dma");
    private final FenceContext video = fences.newContext("vpu", "decode");

    // ---- FENCE-9: arrays ----------------------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-9: an array signals only when all of its fences have, once")
    void anArraySignalsWhenAllHave() {
        SignalingFence a = gfx.next();
        SignalingFence b = dma.next();
        SignalingFence c = video.next();
        FenceArray array = fences.array(List.of(a, b, c));
        AtomicInteger runs = new AtomicInteger();
        array.addCallback(x -> runs.incrementAndGet());

        a.signal();
        c.signal();
        assertFalse(array.isSignaled(), "b is still pending");
        b.signal();
        assertTrue(array.isSignaled());
        assertEquals(FenceStatus.SIGNALED, array.status());
        assertEquals(1, runs.get());
        assertEquals(List.of(a, b, c), array.fences());
        assertTrue(array.isContainer());
        assertEquals(FenceArrayImpl.DRIVER, array.driverName());
        assertEquals(1, array.seqno());
    }

    @Test
    @DisplayName("FENCE-9: an array arms its leaves only when observed, so an unobserved merge leaves them untouched")
    void anArrayArmsItsLeavesWhenObserved() {
        SignalingFence a = gfx.next();
        SignalingFence b = dma.next();
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(FenceArray.class, fences.merge(List.of(a, b))); // dropped unobserved
        }
        assertEquals(0, ((BaseFence) a).queuedCallbacks(), "no callback per dropped, unobserved array");
        Fence observed = fences.merge(List.of(a, b));
        assertFalse(observed.isSignaled());
        assertEquals(1, ((BaseFence) a).queuedCallbacks(), "looking at the array armed it");
        assertFalse(observed.isSignaled());
        assertEquals(1, ((BaseFence) a).queuedCallbacks(), "armed once");
        a.signal();
        assertFalse(observed.isSignaled());
        b.signal();
        assertTrue(observed.isSignaled());
    }

    @Test
    @DisplayName("FENCE-9: an array gets a new context of its own")
    void anArrayHasANewContext() {
        SignalingFence a = gfx.next();
        FenceArray one = fences.array(List.of(a));
        FenceArray two = fences.array(List.of(a));
        assertNotEquals(one.context(), two.context());
        assertTrue(two.context() > one.context());
        a.signal();
    }

    @Test
    @DisplayName("FENCE-9: an array carries the first error among its fences")
    void anArrayCarriesTheFirstError() {
        SignalingFence a = gfx.next();
        SignalingFence b = dma.next();
        SignalingFence c = video.next();
        FenceArray array = fences.array(List.of(a, b, c));
        IOException first = new IOException("first");
        b.fail(first);
        c.fail(new IOException("second"));
        assertFalse(array.isSignaled());
        a.signal();
        assertEquals(FenceStatus.ERROR, array.status());
        assertSame(first, array.error().orElseThrow());
    }

    @Test
    @DisplayName("FENCE-9: an array of already signaled fences is signaled at creation")
    void anArrayOfSignaledFencesIsSignaled() {
        SignalingFence a = gfx.next();
        a.signal();
        FenceArray array = fences.array(List.of(a, fences.signaled(), a));
        assertTrue(array.isSignaled());
    }

    @Test
    @DisplayName("FENCE-9: an empty array, a null element or a container element is refused")
    void badArraysAreRefused() {
        SignalingFence a = gfx.next();
        assertEquals(Rule.FENCE_9, assertThrows(RuleViolationException.class, () -> fences.array(List.of())).rule());
        assertEquals(Rule.FENCE_9, assertThrows(RuleViolationException.class, () -> fences.array(null)).rule());
        List<Fence> withNull = new ArrayList<>();
        withNull.add(a);
        withNull.add(null);
        assertEquals(Rule.FENCE_9, assertThrows(RuleViolationException.class, () -> fences.array(withNull)).rule());
        FenceArray inner = fences.array(List.of(a));
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> fences.array(List.of(a, inner)));
        assertEquals(Rule.FENCE_9, e.rule());
        assertTrue(e.getMessage().contains("container"), e.getMessage());
        a.signal();
    }

    @Test
    @DisplayName("FENCE-9: a deadline on an array is passed on to its fences")
    void aDeadlineOnAnArrayReachesItsFences() {
        SignalingFence a = gfx.next();
        SignalingFence b = dma.next();
        FenceArray array = fences.array(List.of(a, b));
        array.setDeadline(42);
        assertEquals(42, a.deadline().orElseThrow());
        assertEquals(42, b.deadline().orElseThrow());
        a.signal();
        b.signal();
    }

    // ---- FENCE-10: chains ---------------------------------------------------------------------------------------

    /** Chain nodes 1..n over fresh fences of the gfx context, each on the previous one. */
    private List<FenceChain> chain(List<SignalingFence> leaves, long... seqnos) {
        List<FenceChain> nodes = new ArrayList<>();
        Fence prev = null;
        for (long seqno : seqnos) {
            SignalingFence leaf = gfx.next();
            leaves.add(leaf);
            FenceChain node = fences.chain(prev, leaf, seqno);
            nodes.add(node);
            prev = node;
        }
        return nodes;
    }

    @Test
    @DisplayName("FENCE-10: a chain node signals when its fence and every earlier node's fence have")
    void aChainNodeSignalsWhenAllEarlierHave() {
        List<SignalingFence> leaves = new ArrayList<>();
        List<FenceChain> nodes = chain(leaves, 1, 2, 3);
        leaves.get(2).signal();
        assertFalse(nodes.get(2).isSignaled(), "node 3 needs nodes 1 and 2");
        leaves.get(1).signal();
        assertFalse(nodes.get(1).isSignaled());
        assertFalse(nodes.get(2).isSignaled());
        leaves.get(0).signal();
        assertTrue(nodes.get(0).isSignaled());
        assertTrue(nodes.get(1).isSignaled());
        assertTrue(nodes.get(2).isSignaled());
    }

    @Test
    @DisplayName("FENCE-10: nodes with increasing seqnos share a context; a non-increasing seqno starts a new one")
    void chainContexts() {
        List<SignalingFence> leaves = new ArrayList<>();
        List<FenceChain> nodes = chain(leaves, 1, 5);
        assertEquals(nodes.get(0).context(), nodes.get(1).context());
        assertEquals(FenceChainImpl.DRIVER, nodes.get(0).driverName());
        SignalingFence extra = gfx.next();
        FenceChain older = fences.chain(nodes.get(1), extra, 3);
        assertNotEquals(nodes.get(1).context(), older.context());
        assertEquals(5, older.seqno(), "the seqno never goes below the previous node's");
        assertSame(nodes.get(1), older.previous().orElseThrow());
        assertSame(extra, older.contained());
        leaves.forEach(SignalingFence::signal);
        extra.signal();
        assertTrue(older.isSignaled());
    }

    @Test
    @DisplayName("FENCE-10: findSeqno maps a seqno between nodes to the next higher node")
    void findSeqnoBetweenNodesMapsToTheNextHigher() {
        List<SignalingFence> leaves = new ArrayList<>();
        List<FenceChain> nodes = chain(leaves, 2, 4, 6);
        FenceChain head = nodes.get(2);
        assertSame(nodes.get(0), head.findSeqno(1).orElseThrow());
        assertSame(nodes.get(0), head.findSeqno(2).orElseThrow());
        assertSame(nodes.get(1), head.findSeqno(3).orElseThrow());
        assertSame(nodes.get(1), head.findSeqno(4).orElseThrow());
        assertSame(nodes.get(2), head.findSeqno(5).orElseThrow());
        assertSame(nodes.get(2), head.findSeqno(6).orElseThrow());
        assertSame(head, head.findSeqno(0).orElseThrow(), "seqno 0 is the node itself");
        leaves.forEach(SignalingFence::signal);
    }

    @Test
    @DisplayName("FENCE-10: findSeqno refuses a future seqno")
    void findSeqnoRefusesTheFuture() {
        List<SignalingFence> leaves = new ArrayList<>();
        FenceChain head = chain(leaves, 1, 2).get(1);
        RuleViolationException e = assertThrows(RuleViolationException.class, () -> head.findSeqno(3));
        assertEquals(Rule.FENCE_10, e.rule());
        assertTrue(e.getMessage().contains("future"), e.getMessage());
        leaves.forEach(SignalingFence::signal);
    }

    @Test
    @DisplayName("FENCE-10: findSeqno collects signaled nodes and returns the oldest unsignaled node covering the seqno")
    void findSeqnoCollectsSignaledNodes() {
        List<SignalingFence> leaves = new ArrayList<>();
        List<FenceChain> nodes = chain(leaves, 1, 2, 3, 4);
        FenceChain head = nodes.get(3);
        leaves.get(1).signal(); // node 2's own fence; node 1 still pending
        leaves.get(2).signal(); // node 3's own fence
        // Point 3 still waits for node 1: nodes 2 and 3 are collected on the way.
        assertSame(nodes.get(0), head.findSeqno(3).orElseThrow());
        assertSame(nodes.get(0), head.previous().orElseThrow(), "head now links straight to node 1");
        leaves.get(0).signal();
        assertEquals(Optional.empty(), head.findSeqno(3), "everything up to 3 has signaled");
        assertSame(head, head.findSeqno(4).orElseThrow(), "point 4 is still pending");
        leaves.get(3).signal();
        assertEquals(Optional.empty(), head.findSeqno(4));
    }

    @Test
    @DisplayName("FENCE-10: a long chain signaled from its oldest fence completes without deep recursion")
    void aLongChainCompletesIteratively() {
        List<SignalingFence> leaves = new ArrayList<>();
        long[] seqnos = new long[20_000];
        for (int i = 0; i < seqnos.length; i++) {
            seqnos[i] = i + 1;
        }
        List<FenceChain> nodes = chain(leaves, seqnos);
        for (int i = leaves.size() - 1; i >= 0; i--) {
            leaves.get(i).signal();
        }
        assertTrue(nodes.getLast().isSignaled());
    }

    @Test
    @DisplayName("FENCE-10: a chain node carries the error of its own fence")
    void aChainNodeCarriesAnError() {
        List<SignalingFence> leaves = new ArrayList<>();
        List<FenceChain> nodes = chain(leaves, 1, 2);
        IOException cause = new IOException("decode failed");
        leaves.get(1).fail(cause);
        leaves.get(0).signal();
        assertEquals(FenceStatus.ERROR, nodes.get(1).status());
        assertSame(cause, nodes.get(1).error().orElseThrow());
        assertEquals(FenceStatus.SIGNALED, nodes.get(0).status());
    }

    @Test
    @DisplayName("FENCE-10: a chain needs a fence")
    void aChainNeedsAFence() {
        assertEquals(Rule.FENCE_10, assertThrows(RuleViolationException.class,
                () -> fences.chain(null, null, 1)).rule());
    }

    // ---- FENCE-11: unwrap and merge -----------------------------------------------------------------------------

    @Test
    @DisplayName("FENCE-11: unwrap flattens chains (from the head) and arrays to leaves")
    void unwrapFlattens() {
        SignalingFence a = gfx.next();
        SignalingFence b = dma.next();
        SignalingFence c = video.next();
        FenceArray ab = fences.array(List.of(a, b));
        FenceChain n1 = fences.chain(null, c, 1);
        FenceChain n2 = fences.chain(n1, ab, 2);
        assertEquals(List.of(a, b, c), fences.unwrap(n2));
        assertEquals(List.of(a), fences.unwrap(a));
        assertEquals(Rule.FENCE_11, assertThrows(RuleViolationException.class, () -> fences.unwrap(null)).rule());
        a.signal();
        b.signal();
        c.signal();
    }

    @Test
    @DisplayName("FENCE-11: merge keeps the later fence per context, drops signaled ones and sorts by context")
    void mergeKeepsTheLaterPerContext() {
        SignalingFence g1 = gfx.next();
        SignalingFence g2 = gfx.next();
        SignalingFence d1 = dma.next();
        SignalingFence v1 = video.next();
        v1.signal();
        Fence merged = fences.merge(List.of(fences.array(List.of(d1, g2)), v1, g1));
        FenceArray array = assertInstanceOf(FenceArray.class, merged);
        assertEquals(List.of(g2, d1), array.fences(), "g1 collapsed into g2, v1 dropped, sorted by context");
        assertTrue(gfx.id() < dma.id());
        g1.signal();
        g2.signal();
        d1.signal();
        assertTrue(merged.isSignaled());
    }

    @Test
    @DisplayName("FENCE-11: merge of many shuffled fences of a few contexts keeps each context's latest, in order")
    void mergeOfManyShuffledFences() {
        long seed = Seeds.seed("mergeOfManyShuffledFences");
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<FenceContext> contexts = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            contexts.add(fences.newContext("test", "shuffled-" + i));
        }
        List<SignalingFence> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            all.add(contexts.get(random.nextInt(contexts.size())).next());
        }
        List<SignalingFence> shuffled = new ArrayList<>(all);
        java.util.Collections.shuffle(shuffled, new java.util.Random(random.nextLong()));
        List<Fence> expected = new ArrayList<>();
        for (FenceContext c : contexts) {
            all.stream().filter(f -> f.context() == c.id()).reduce((x, y) -> y).ifPresent(expected::add);
        }
        Fence merged = fences.merge(shuffled);
        assertEquals(expected, assertInstanceOf(FenceArray.class, merged).fences(), "seed " + seed);
        all.forEach(SignalingFence::signal);
        assertTrue(merged.isSignaled());
    }

    @Test
    @DisplayName("FENCE-11: the packed-key merge and the fallback sort keep the same fences in the same order")
    void packedAndFallbackMergeAgree() {
        long seed = Seeds.seed("packedAndFallbackMergeAgree");
        java.util.Random random = new java.util.Random(seed);
        List<FenceContext> contexts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            contexts.add(fences.newContext("test", "ctx" + i));
        }
        for (int round = 0; round < 50; round++) {
            List<Fence> input = new ArrayList<>();
            int n = 1 + random.nextInt(80);
            for (int i = 0; i < n; i++) {
                SignalingFence f = contexts.get(random.nextInt(contexts.size())).next();
                if (random.nextInt(5) == 0) {
                    f.signal();
                }
                input.add(random.nextInt(4) == 0 && !input.isEmpty() ? input.get(random.nextInt(input.size())) : f);
            }
            Fence packed = Unwrap.merge(input, false);
            Fence general = Unwrap.merge(input, true);
            if (packed.context() == 0) { // nothing pending: each merge makes a stub of its own, with the same stamp
                assertEquals(0, general.context(), "seed " + seed + " round " + round);
                assertEquals(general.timestampNanos(), packed.timestampNanos(), "seed " + seed + " round " + round);
                continue;
            }
            assertEquals(fences.unwrap(general), fences.unwrap(packed), "seed " + seed + " round " + round);
        }
    }

    @Test
    @DisplayName("FENCE-11: the fast merge of a few leaves keeps the same fences in the same order as the fallback sort")
    void smallMergeAgreesWithFallback() {
        long seed = Seeds.seed("smallMergeAgreesWithFallback");
        java.util.Random random = new java.util.Random(seed);
        List<FenceContext> contexts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contexts.add(fences.newContext("test", "small" + i));
        }
        for (int round = 0; round < 400; round++) {
            List<Fence> input = new ArrayList<>();
            int n = 1 + random.nextInt(Unwrap.SMALL_MAX);
            for (int i = 0; i < n; i++) {
                SignalingFence f = contexts.get(random.nextInt(contexts.size())).next();
                if (random.nextInt(5) == 0) {
                    f.signal();
                }
                input.add(random.nextInt(4) == 0 && !input.isEmpty() ? input.get(random.nextInt(input.size())) : f);
            }
            java.util.Collections.shuffle(input, random); // later seqnos first too: the later seqno must still win
            Fence small = Unwrap.merge(input, false);
            Fence general = Unwrap.merge(input, true);
            String where = "seed " + seed + " round " + round + " input " + input;
            if (general.context() == 0) {
                assertEquals(0, small.context(), where);
                assertEquals(general.timestampNanos(), small.timestampNanos(), where);
                continue;
            }
            assertEquals(fences.unwrap(general), fences.unwrap(small), where);
            if (!(general instanceof FenceArray)) {
                assertSame(general, small, where);
            }
        }
    }

    @Test
    @DisplayName("FENCE-11: a merge of a few fences that holds a container unwraps it")
    void smallMergeUnwrapsContainers() {
        SignalingFence g1 = gfx.next();
        SignalingFence d1 = dma.next();
        SignalingFence g2 = gfx.next();
        Fence array = fences.merge(List.of(g1, d1));
        Fence merged = fences.merge(List.of(array, g2));
        List<Fence> leaves = fences.unwrap(merged);
        assertEquals(2, leaves.size(), "gfx keeps its later fence, dma its only one: " + leaves);
        assertTrue(leaves.contains(g2) && leaves.contains(d1), leaves.toString());
        g1.signal();
        d1.signal();
        g2.signal();
    }

    @Test
    @DisplayName("FENCE-11: merge with one fence left returns that fence")
    void mergeWithOneLeftReturnsIt() {
        SignalingFence g1 = gfx.next();
        SignalingFence g2 = gfx.next();
        assertSame(g2, fences.merge(List.of(g1, g2)));
        assertSame(g2, fences.merge(List.of(g2, g2)), "merging a fence with itself yields it");
        g1.signal();
        g2.signal();
    }

    @Test
    @DisplayName("FENCE-11: merge with nothing pending returns a new signaled stub with the latest timestamp")
    void mergeWithNothingLeftReturnsAStub() {
        SignalingFence a = gfx.next();
        SignalingFence b = dma.next();
        a.signal();
        b.signal();
        Fence merged = fences.merge(List.of(a, b));
        assertTrue(merged.isSignaled());
        assertEquals(0, merged.context());
        assertNotSame(fences.signaled(), merged, "a private stub");
        assertEquals(Math.max(a.timestampNanos(), b.timestampNanos()), merged.timestampNanos());
        assertTrue(fences.merge(List.of()).isSignaled());
    }

    @Test
    @DisplayName("FENCE-11: merge rejects a null collection and null elements")
    void mergeRejectsNulls() {
        assertEquals(Rule.FENCE_11, assertThrows(RuleViolationException.class, () -> fences.merge(null)).rule());
        List<Fence> withNull = new ArrayList<>();
        withNull.add(null);
        assertEquals(Rule.FENCE_11, assertThrows(RuleViolationException.class, () -> fences.merge(withNull)).rule());
    }
}
