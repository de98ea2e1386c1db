package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The channel's contract between two ends in one process (a socketpair); the same code runs across processes. */
@ExtendWith(NoLeaks.class)
class ChannelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private interface Body {
        void run(SimulatedSystem sys, MemfdHeap heap, BufferChannel a, BufferChannel b) throws Exception;
    }

    private static void withPair(Body body) throws Exception {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            BufferChannel[] p = BufferChannel.pair(heap, "test");
            try (BufferChannel a = p[0]; BufferChannel b = p[1]) {
                body.run(sys, heap, a, b);
            }
            assertEquals(0, heap.liveBuffers(), "every buffer released once both ends are closed");
        }
    }

    @Test
    @DisplayName("IPC-9: in pool mode the descriptors cross once; frames carry none")
    void poolDescriptorsCrossOnce() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (BufferPool pool = a.createPool(2, 4096, Optional.empty(), "once")) {
                int first = pool.acquire(WAIT);
                pool.submit(first, null);
                b.receive(WAIT).orElseThrow().release(); // the POOL and its descriptors came before this frame
                long before = OwnedFd.counters().created();
                for (int i = 0; i < 10; i++) {
                    int slot = pool.acquire(WAIT);
                    pool.submit(slot, null);
                    try (ReceivedFrame f = b.receive(WAIT).orElseThrow()) {
                        assertEquals(slot, f.poolIndex().orElseThrow());
                    }
                }
                assertEquals(before, OwnedFd.counters().created(), "no descriptor was made or received per frame");
                try (DmaBuf own = heap.allocate(4096)) {
                    a.send(own, null);
                    b.receive(WAIT).orElseThrow().release();
                }
                assertTrue(OwnedFd.counters().created() > before, "while a frame with its own descriptor makes some");
            }
        });
    }

    @Test
    @DisplayName("IPC-9: a pool buffer is handed out again only after the release point of its last frame signaled")
    void aPoolBufferIsReusedOnlyAfterRelease() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (BufferPool pool = a.createPool(1, 4096, Optional.empty(), "one")) {
                int slot = pool.acquire(WAIT);
                SentFrame sent = pool.submit(slot, null);
                ReceivedFrame f = b.receive(WAIT).orElseThrow();
                DmaTimeoutException e = assertThrows(DmaTimeoutException.class, () -> pool.acquire(Duration.ZERO));
                assertEquals(Rule.IPC_9, e.rule());
                assertEquals(Rule.IPC_9, assertThrows(org.dmabuf4j.api.RuleViolationException.class,
                        () -> pool.submit(slot, null)).rule(), "a slot in flight cannot be submitted again");
                f.release();
                assertEquals(slot, pool.acquire(WAIT));
                assertTrue(sent.released().isSignaled());
            }
        });
    }

    @Test
    @DisplayName("IPC-10: the sender holds a handle for the peer until the peer's last handle of the import closes")
    void theSenderKnowsWhenThePeerClosedItsLastHandle() throws Exception {
        withPair((sys, heap, a, b) -> {
            SentFrame sent;
            try (DmaBuf buf = heap.allocate(4096)) {
                sent = a.send(buf, null);
            }
            assertEquals(1, a.remoteHandles(), "held for the peer");
            ReceivedFrame f = b.receive(WAIT).orElseThrow();
            assertEquals(2, heap.liveBuffers(), "the original, kept alive for the peer, and the import");
            DmaBuf kept = f.buffer().share();
            f.release();
            assertFalse(sent.remoteClosed().isDone(), "the peer still has a handle");
            kept.close();
            sent.remoteClosed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(0, a.remoteHandles());
            assertEquals(0, heap.liveBuffers(), "the last handles on both sides are gone");
        });
    }

    @Test
    @DisplayName("IPC-11: the receiver's access waits for the acquire point and the sender's write waits for the release point")
    void implicitSyncHoldsAcrossTheChannel() throws Exception {
        withPair((sys, heap, a, b) -> {
            SignalingFence rendered = sys.fences().newContext("test", "render").next();
            try (DmaBuf buf = heap.allocate(4096)) {
                SentFrame sent = a.send(buf, rendered);
                try (ReceivedFrame f = b.receive(WAIT).orElseThrow()) {
                    assertFalse(f.buffer().isReady(Access.READ), "the acquire point is pending");
                    rendered.signal();
                    assertTrue(f.buffer().awaitReady(Access.READ, WAIT), "READ ready once the sender signaled");
                    assertFalse(buf.isReady(Access.WRITE), "the sender may not write while the receiver reads");
                }
                assertTrue(buf.awaitReady(Access.WRITE, WAIT), "WRITE ready once the receiver released");
                assertTrue(sent.released().isSignaled());
            }
        });
    }

    @Test
    @DisplayName("IPC-12: a release point signals once its frame and every earlier frame were released; release is idempotent")
    void releasePointsSignalInFrameOrder() throws Exception {
        withPair((sys, heap, a, b) -> {
            List<SentFrame> sent = new ArrayList<>();
            try (DmaBuf buf = heap.allocate(4096)) {
                sent.add(a.send(buf, null));
                sent.add(a.send(buf, null));
            }
            ReceivedFrame f1 = b.receive(WAIT).orElseThrow();
            ReceivedFrame f2 = b.receive(WAIT).orElseThrow();
            f2.release();
            f2.release();
            assertFalse(sent.get(1).released().await(Duration.ofMillis(50)), "frame 1 is still held");
            f1.release();
            assertTrue(sent.get(0).released().await(WAIT));
            assertTrue(sent.get(1).released().await(WAIT));
        });
    }

    @Test
    @DisplayName("IPC-13: when the peer closes, the points it owed fail, its imports are revoked and sends are refused")
    void aGonePeerIsCleanedUpAfter() throws Exception {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            BufferChannel[] p = BufferChannel.pair(heap, "gone");
            try (BufferChannel a = p[0]) {
                SentFrame owed;
                ReceivedFrame fromB;
                ReceivedFrame heldByB;
                try (BufferChannel b = p[1]; DmaBuf buf = heap.allocate(4096); DmaBuf other = heap.allocate(4096)) {
                    owed = a.send(buf, null);
                    heldByB = b.receive(WAIT).orElseThrow(); // held while b closes
                    b.send(other, sys.fences().newContext("b", "never").next());
                    fromB = a.receive(WAIT).orElseThrow();
                }
                PeerGoneException gone = a.whenPeerGone().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(Rule.IPC_13, gone.rule());
                FenceFailedException e = assertThrows(FenceFailedException.class, () -> owed.released().await(WAIT));
                assertInstanceOf(PeerGoneException.class, e.getCause());
                FenceFailedException acquire = assertThrows(FenceFailedException.class, () -> fromB.awaitAcquire(WAIT));
                assertEquals(Rule.IPC_6, ((PeerGoneException) acquire.getCause()).rule());
                assertTrue(fromB.buffer().isRevoked(), "the buffer imported from the gone peer is revoked");
                assertEquals(0, a.remoteHandles());
                try (DmaBuf buf = heap.allocate(4096)) {
                    assertThrows(PeerGoneException.class, () -> a.send(buf, null));
                }
                fromB.release();
                heldByB.release();
            }
            assertEquals(0, heap.liveBuffers());
        }
    }

    @Test
    @DisplayName("IPC-12: a frame handler gets every frame on the reader thread; one that throws has its frame released")
    void aFrameHandlerGetsFramesOnTheReaderThread() throws Exception {
        try (CapturedLog log = CapturedLog.expecting("aFrameHandlerGetsFramesOnTheReaderThread",
                "[IPC-12] the frame handler")) {
            aFrameHandlerGetsFramesOnTheReaderThread(log);
        }
    }

    private void aFrameHandlerGetsFramesOnTheReaderThread(CapturedLog log) throws Exception {
        withPair((sys, heap, a, b) -> {
            java.util.concurrent.LinkedBlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
            b.onFrame(f -> {
                seen.add(Thread.currentThread().getName() + " " + f.frame());
                if (f.frame() == 2) {
                    throw new IllegalStateException("a handler that fails on frame 2");
                }
                f.release();
            });
            assertEquals(Rule.IPC_12, assertThrows(org.dmabuf4j.api.RuleViolationException.class,
                    () -> b.onFrame(f -> { })).rule());
            List<SentFrame> sent = new ArrayList<>();
            try (DmaBuf buf = heap.allocate(4096)) {
                for (int i = 0; i < 3; i++) {
                    sent.add(a.send(buf, null));
                }
            }
            for (SentFrame f : sent) {
                assertTrue(f.released().await(WAIT), "frame " + f.frame() + " released, the failed one included");
            }
            for (int i = 1; i <= 3; i++) {
                assertEquals("dmabuf4j-ipc-reader-test-b " + i, seen.poll(10, TimeUnit.SECONDS));
            }
            assertTrue(b.receive(Duration.ZERO).isEmpty(), "nothing queued for receive");
            log.assertLogged("[IPC-12] the frame handler of channel 'test-b' threw on", "the frame is released");
        });
    }

    @Test
    @DisplayName("IPC-12: seeded stress: three sending threads and a receiver releasing in random order lose no frame and no byte")
    void concurrentSendersAndShuffledReleases() throws Exception {
        long seed = Long.getLong("dmabuf4j.seed", System.nanoTime());
        System.out.println("concurrentSendersAndShuffledReleases: seed " + seed + " (replay with -Ddmabuf4j.seed="
                + seed + ")");
        Random random = new Random(seed);
        withPair((sys, heap, a, b) -> {
            int perThread = 25;
            List<SentFrame> sent = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            try (DmaBuf buf = heap.allocate(4096)) {
                                try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                                    w.segments().get(0).set(ValueLayout.JAVA_LONG, 0, id * 1000L + i);
                                }
                                sent.add(a.send(buf, null));
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                senders.add(th);
                th.start();
            }
            ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
            List<ReceivedFrame> held = new ArrayList<>();
            for (int n = 0; n < 3 * perThread; n++) {
                ReceivedFrame f = b.receive(WAIT).orElseThrow(() -> new AssertionError("a frame is missing"));
                try (CpuAccess r = f.buffer().beginCpuAccess(Access.READ)) {
                    long tag = r.segments().get(0).get(ValueLayout.JAVA_LONG, 0);
                    assertTrue(seen.put(tag, true) == null, "frame tag " + tag + " arrived twice");
                }
                held.add(f);
                if (held.size() >= 1 + random.nextInt(5)) {
                    Collections.shuffle(held, random);
                    held.forEach(ReceivedFrame::release);
                    held.clear();
                }
            }
            held.forEach(ReceivedFrame::release);
            for (Thread th : senders) {
                th.join(WAIT.toMillis());
            }
            assertEquals(List.of(), failures);
            assertEquals(3 * perThread, seen.size());
            for (SentFrame f : sent) {
                assertTrue(f.released().await(WAIT), "release point " + f.frame());
                f.remoteClosed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertEquals(0, a.remoteHandles());
        });
    }
}
