package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * The other process of the cross-process tests, started by {@link ChildJvm}: {@code ChildMain SCENARIO ADDRESS}.
 *
 * <ul>
 *   <li>{@code consumer}: checks every frame byte for byte, answers each with a buffer of its own (pattern 1000 +
 *       frame), releases it; when the parent closes, it checks its own leaks and prints {@code LEAKS n}.</li>
 *   <li>{@code holder N}: receives N frames, prints {@code HOLDING N}, and dies without releasing them.</li>
 *   <li>{@code producer}: sends a pool frame whose acquire fence it never signals, prints {@code SENT}, and waits
 *       to be killed.</li>
 * </ul>
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        UnixAddress address = UnixAddress.abstractName(args[1]);
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            BufferChannel c = BufferChannel.connect(heap, address, "child-" + scenario);
            System.out.println("CONNECTED " + ProcessHandle.current().pid());
            switch (scenario) {
                case "consumer" -> consume(heap, c);
                case "holder" -> hold(c, Integer.parseInt(args[2]));
                case "producer" -> produce(sys, c);
                default -> throw new IllegalArgumentException(scenario);
            }
        }
        // the peer watch closes its pidfd and eventfd on its own thread once nothing is watched: wait for it
        PeerWatch.awaitStopped(Duration.ofSeconds(10));
        System.out.println("LEAKS " + OwnedFd.liveCount() + " " + FdReport.current().summary());
        System.out.flush();
    }

    private static void consume(MemfdHeap heap, BufferChannel c) {
        List<SentFrame> replies = new ArrayList<>();
        while (true) {
            Optional<ReceivedFrame> next;
            try {
                next = c.receive(Duration.ofSeconds(30));
            } catch (PeerGoneException gone) {
                break;
            }
            if (next.isEmpty()) {
                System.out.println("TIMEOUT");
                break;
            }
            try (ReceivedFrame f = next.get()) {
                f.awaitAcquire(Duration.ofSeconds(10));
                long mismatch;
                try (CpuAccess r = f.buffer().beginCpuAccess(Access.READ)) {
                    mismatch = Patterns.firstMismatch(r.segments().get(0), f.frame());
                }
                System.out.println("FRAME " + f.frame() + " pool " + f.poolIndex() + " size " + f.buffer().size()
                        + (mismatch < 0 ? " OK" : " MISMATCH at " + mismatch));
                try (DmaBuf reply = heap.allocate(f.buffer().size())) {
                    try (CpuAccess w = reply.beginCpuAccess(Access.WRITE)) {
                        Patterns.fill(w.segments().get(0), 1000 + f.frame());
                    }
                    replies.add(c.send(reply, null));
                }
            }
        }
        c.close();
        System.out.println("REPLIES " + replies.size());
    }

    private static void hold(BufferChannel c, int n) {
        List<ReceivedFrame> held = new ArrayList<>();
        while (held.size() < n) {
            c.receive(Duration.ofSeconds(30)).ifPresent(held::add);
        }
        System.out.println("HOLDING " + held.size());
        System.out.flush();
        Runtime.getRuntime().halt(17);
    }

    private static void produce(SimulatedSystem sys, BufferChannel c) throws InterruptedException {
        BufferPool pool = c.createPool(2, 1 << 20, Optional.empty(), "child");
        int slot = pool.acquire(Duration.ofSeconds(10));
        try (CpuAccess w = pool.buffer(slot).beginCpuAccess(Access.WRITE)) {
            Patterns.fill(w.segments().get(0), 1);
        }
        SignalingFence never = sys.fences().newContext("child", "never").next();
        pool.submit(slot, never);
        System.out.println("SENT");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // killed by the parent: this process's death is the test
    }
}
