package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ipc findings of the bad-input sweep (issue #10 extended to the module): a "for ever" timeout, closed pools and
 * channels, names and records checked before anything is made. The reliability module's sweep covers every public
 * method; these pin each fix to its rule.
 */
@ExtendWith(NoLeaks.class)
class BadInputTest {
    /** The longest Duration there is: far more nanoseconds than a long holds. */
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private interface Body {
        void run(SimulatedSystem sys, MemfdHeap heap, BufferChannel a, BufferChannel b) throws Exception;
    }

    private static void withPair(Body body) throws Exception {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            BufferChannel[] p = BufferChannel.pair(heap, "bad");
            try (BufferChannel a = p[0]; BufferChannel b = p[1]) {
                body.run(sys, heap, a, b);
            }
            assertEquals(0, heap.liveBuffers(), "every buffer released once both ends are closed");
        }
    }

    @Test
    @DisplayName("IPC-13: receive with the longest Duration returns the waiting frame instead of overflowing")
    void receiveTakesTheLongestTimeout() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (DmaBuf buf = heap.allocate(4096)) {
                a.send(buf, null);
                try (ReceivedFrame f = b.receive(FOREVER).orElseThrow()) {
                    assertEquals(1, f.frame());
                }
            }
        });
    }

    @Test
    @DisplayName("IPC-18: awaitFeedback with the longest Duration returns the feedback instead of overflowing")
    void awaitFeedbackTakesTheLongestTimeout() throws Exception {
        withPair((sys, heap, a, b) -> {
            a.sendFeedback(new FormatFeedback(java.util.List.of()));
            assertTrue(b.awaitFeedback(FOREVER).isPresent());
        });
    }

    @Test
    @DisplayName("IPC-9: acquire with the longest Duration hands out a free slot instead of overflowing")
    void poolAcquireTakesTheLongestTimeout() throws Exception {
        withPair((sys, heap, a, b) -> {
            try (BufferPool pool = a.createPool(1, 4096, Optional.empty(), "forever")) {
                assertEquals(0, pool.acquire(FOREVER));
            }
        });
    }

    @Test
    @DisplayName("IPC-7: accept with the longest Duration returns the waiting caller instead of overflowing")
    void acceptTakesTheLongestTimeout() throws Exception {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            UnixAddress at = UnixAddress.abstractName("dmabuf4j-bad-input-" + ProcessHandle.current().pid());
            try (ChannelListener l = ChannelListener.listen(heap, at, "forever")) {
                CompletableFuture<BufferChannel> caller = CompletableFuture.supplyAsync(
                        () -> BufferChannel.connect(heap, at, "caller"));
                try (BufferChannel server = l.accept(FOREVER).orElseThrow();
                        BufferChannel client = caller.get(10, TimeUnit.SECONDS)) {
                    assertTrue(!server.isClosed() && !client.isClosed());
                }
            }
        }
    }

    @Test
    @DisplayName("IPC-9: a closed pool refuses buffer(i) and image(i): their handles are closed with it")
    void aClosedPoolHandsOutNothing() throws Exception {
        withPair((sys, heap, a, b) -> {
            BufferPool pool = a.createPool(1, 4096, Optional.empty(), "closed");
            pool.close();
            assertEquals(Rule.IPC_9, assertThrows(ClosedException.class, () -> pool.buffer(0)).rule());
            ImagePool images = a.createImagePool(1, ImageRequest.of(DrmFormat.XRGB8888, 16, 16,
                    FormatModifier.LINEAR), "closed-images");
            images.close();
            assertEquals(Rule.IPC_9, assertThrows(ClosedException.class, () -> images.image(0)).rule());
        });
    }

    @Test
    @DisplayName("IPC-13: a closed channel refuses awaitFeedback instead of answering empty")
    void aClosedChannelRefusesAwaitFeedback() throws Exception {
        withPair((sys, heap, a, b) -> {
            b.close();
            assertEquals(Rule.IPC_13, assertThrows(ClosedException.class, () -> b.awaitFeedback(Duration.ZERO))
                    .rule());
        });
    }

    @Test
    @DisplayName("IPC-13: onFrame refuses once the peer is gone: no frame will arrive")
    void onFrameRefusesWhenThePeerIsGone() throws Exception {
        withPair((sys, heap, a, b) -> {
            b.close();
            a.whenPeerGone().get(10, TimeUnit.SECONDS);
            assertEquals(Rule.IPC_13, assertThrows(PeerGoneException.class, () -> a.onFrame(f -> f.release()))
                    .rule());
        });
    }

    @Test
    @DisplayName("BUF-4: a pool name with NUL is refused before any image is allocated")
    void aPoolNameWithNulIsRefusedUpFront() throws Exception {
        withPair((sys, heap, a, b) -> {
            long before = heap.liveBuffers();
            long exports = sys.counters().exports();
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> a.createImagePool(1,
                    ImageRequest.of(DrmFormat.XRGB8888, 16, 16, FormatModifier.LINEAR), "a\0b"));
            assertEquals(Rule.IPC_9, e.rule());
            assertEquals(before, heap.liveBuffers());
            assertEquals(exports, sys.counters().exports(), "nothing was allocated (and released again)");
        });
    }

    @Test
    @DisplayName("IPC-12: a SentFrame counts from 1 and carries its fence and future")
    void aSentFrameIsValidated() {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            assertEquals(Rule.IPC_12, assertThrows(RuleViolationException.class,
                    () -> new SentFrame(0, sys.fences().signaled(), done)).rule());
            assertEquals(Rule.IPC_12, assertThrows(RuleViolationException.class,
                    () -> new SentFrame(1, null, done)).rule());
            assertEquals(Rule.IPC_12, assertThrows(RuleViolationException.class,
                    () -> new SentFrame(1, sys.fences().signaled(), null)).rule());
        }
    }

    @Test
    @DisplayName("IPC-1: dup(null) is refused before a descriptor is made")
    void dupOfNullIsRefused() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            try (DmaBuf b = heap.allocate(4096); OwnedFd fd = heap.exportFd(b)) {
                long live = OwnedFd.liveCount();
                assertEquals(Rule.IPC_1, assertThrows(RuleViolationException.class, () -> fd.dup(null)).rule());
                assertEquals(live, OwnedFd.liveCount());
            }
        }
    }

    @Test
    @DisplayName("IPC-7: a socket path with a NUL byte is refused; an abstract name may hold one")
    void aPathWithNulIsRefused() {
        assertEquals(Rule.IPC_7, assertThrows(RuleViolationException.class,
                () -> new UnixAddress("/tmp/a\0b", false)).rule());
        assertEquals("a\0b", UnixAddress.abstractName("a\0b").name());
    }
}
