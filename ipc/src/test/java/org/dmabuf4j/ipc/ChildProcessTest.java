package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Buffers and fences between this JVM and a real second process ({@link ChildMain} in a child JVM), including
 * children that die on purpose. Every wait is bounded; nothing synchronises by sleeping.
 */
@ExtendWith(NoLeaks.class)
class ChildProcessTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int SIZE = 1 << 20;

    private static UnixAddress freshAddress(String what) {
        return UnixAddress.abstractName("dmabuf4j-test-" + ProcessHandle.current().pid() + "-" + what + "-"
                + System.nanoTime());
    }

    @Test
    @DisplayName("IPC-3: frames cross byte-exact both ways between two JVMs, with their own descriptors and through a pool")
    void framesCrossByteExactBothWays() {
        UnixAddress address = freshAddress("consumer");
        try (SimulatedSystem sys = DmaBufs.newSystem();
             ChannelListener listener = ChannelListener.listen(MemfdHeap.of(sys), address, "parent");
             ChildJvm child = ChildJvm.start("consumer", address.name())) {
            MemfdHeap heap = MemfdHeap.of(sys);
            List<SentFrame> sent = new ArrayList<>();
            try (BufferChannel c = listener.accept(START).orElseThrow(() -> new AssertionError(
                    "the child did not connect:\n" + child.output()))) {
                assertEquals(child.pid(), c.peerPid(), "SO_PEERCRED names the child");
                for (int frame = 1; frame <= 3; frame++) {
                    try (DmaBuf b = heap.allocate(SIZE)) {
                        try (CpuAccess w = b.beginCpuAccess(Access.WRITE)) {
                            Patterns.fill(w.segments().get(0), frame);
                        }
                        sent.add(c.send(b, null));
                    }
                }
                try (BufferPool pool = c.createPool(2, SIZE, Optional.empty(), "frames")) {
                    for (int frame = 4; frame <= 7; frame++) {
                        int slot = pool.acquire(WAIT);
                        try (CpuAccess w = pool.buffer(slot).beginCpuAccess(Access.WRITE)) {
                            Patterns.fill(w.segments().get(0), frame);
                        }
                        sent.add(pool.submit(slot, null));
                    }
                    for (int frame = 1; frame <= 7; frame++) {
                        try (ReceivedFrame reply = c.receive(WAIT).orElseThrow(() -> new AssertionError(
                                "no reply:\n" + child.output()));
                             CpuAccess r = reply.buffer().beginCpuAccess(Access.READ)) {
                            assertEquals(frame, reply.frame());
                            assertEquals(-1, Patterns.firstMismatch(r.segments().get(0), 1000 + frame),
                                    "reply " + frame + " differs from the child's pattern");
                        }
                    }
                    for (SentFrame f : sent) {
                        assertTrue(f.released().await(WAIT), "release point " + f.frame() + " of the child");
                    }
                }
            }
            for (int frame = 1; frame <= 7; frame++) {
                assertTrue(child.expect("FRAME " + frame + " ", WAIT).endsWith(" OK"), child.output());
            }
            String leaks = child.expect("LEAKS ", WAIT);
            assertTrue(leaks.startsWith("LEAKS 0 memfd=0 socket=0 eventfd=0 pidfd=0 owned=0 memfdMappings=0"),
                    "the child left something: " + leaks + "\n" + child.output());
            assertEquals(0, child.awaitExit(WAIT), child.output());
        }
    }

    @Test
    @DisplayName("IPC-13: a consumer that dies holding frames fails their release points and the producer keeps nothing for it")
    void aConsumerThatDiesFailsItsReleasePoints() throws Exception {
        UnixAddress address = freshAddress("holder");
        try (SimulatedSystem sys = DmaBufs.newSystem();
             ChannelListener listener = ChannelListener.listen(MemfdHeap.of(sys), address, "parent");
             ChildJvm child = ChildJvm.start("holder", address.name(), "3")) {
            MemfdHeap heap = MemfdHeap.of(sys);
            try (BufferChannel c = listener.accept(START).orElseThrow(() -> new AssertionError(child.output()))) {
                List<SentFrame> sent = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    try (DmaBuf b = heap.allocate(SIZE)) {
                        sent.add(c.send(b, null));
                    }
                }
                child.expect("HOLDING 3", WAIT);
                assertEquals(17, child.awaitExit(WAIT));
                PeerGoneException gone = c.whenPeerGone().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(Rule.IPC_13, gone.rule());
                for (SentFrame f : sent) {
                    FenceFailedException e = assertThrows(FenceFailedException.class, () -> f.released().await(WAIT));
                    assertInstanceOf(PeerGoneException.class, e.getCause());
                    assertTrue(f.remoteClosed().isDone(), "the handle held for the dead consumer is closed");
                }
                assertEquals(0, c.remoteHandles(), "handles held for the dead consumer");
                try (DmaBuf b = heap.allocate(SIZE)) {
                    assertThrows(PeerGoneException.class, () -> c.send(b, null));
                }
            }
            assertEquals(0, heap.liveBuffers(), "every buffer sent to the dead consumer is released");
        }
    }

    @Test
    @DisplayName("IPC-6: a producer killed with a pending acquire point fails that point, and the buffers imported from it are revoked")
    void aKilledProducerFailsItsPendingAcquirePoint() throws Exception {
        UnixAddress address = freshAddress("producer");
        try (SimulatedSystem sys = DmaBufs.newSystem();
             ChannelListener listener = ChannelListener.listen(MemfdHeap.of(sys), address, "parent");
             ChildJvm child = ChildJvm.start("producer", address.name())) {
            try (BufferChannel c = listener.accept(START).orElseThrow(() -> new AssertionError(child.output()))) {
                child.expect("SENT", WAIT);
                try (ReceivedFrame f = c.receive(WAIT).orElseThrow()) {
                    assertFalse(f.acquireFence().isSignaled(), "the producer never signaled the acquire point");
                    assertFalse(f.buffer().isReady(Access.READ), "the acquire point is in the import's reservation");
                    child.kill();
                    FenceFailedException e = assertThrows(FenceFailedException.class, () -> f.awaitAcquire(WAIT));
                    PeerGoneException cause = assertInstanceOf(PeerGoneException.class, e.getCause());
                    assertEquals(Rule.IPC_6, cause.rule());
                    c.whenPeerGone().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertTrue(f.buffer().isRevoked(), "the buffer imported from the dead producer is revoked");
                }
                assertThrows(PeerGoneException.class, () -> c.receive(Duration.ZERO));
            }
        }
    }
}
