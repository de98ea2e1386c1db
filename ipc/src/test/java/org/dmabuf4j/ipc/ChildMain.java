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
 *   <li>{@code images}: sends its format feedback (an encoder sampling NV12 in SIM_TILED_CCS, SIM_TILED or LINEAR),
 *       then checks every image frame sample by sample through per-plane windows, imports it into the encoder
 *       (attach and map), and answers each with an image of its own in the same layout (pattern 1000 + frame);
 *       prints {@code IMAGE n modifier pool OK} per frame and {@code LEAKS n} at the end.</li>
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
                case "images" -> images(sys, heap, c);
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

    /** The encoder of the {@code images} scenario: what it samples, best first. */
    static final org.dmabuf4j.api.image.FormatSet ENCODER_FORMATS = org.dmabuf4j.api.image.FormatSet.of(
            org.dmabuf4j.api.image.DrmFormat.NV12, org.dmabuf4j.api.image.FormatModifier.SIM_TILED_CCS,
            org.dmabuf4j.api.image.FormatModifier.SIM_TILED, org.dmabuf4j.api.image.FormatModifier.LINEAR);

    private static void images(SimulatedSystem sys, MemfdHeap heap, BufferChannel c) {
        org.dmabuf4j.core.SimulatedDevice encoder = sys.newDevice("encoder")
                .formats(org.dmabuf4j.api.image.ImageUsage.SAMPLE, ENCODER_FORMATS).build();
        c.sendFeedback(FormatFeedback.of(encoder.tranche(org.dmabuf4j.api.image.ImageUsage.SAMPLE)));
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
                org.dmabuf4j.api.image.Image image = f.image().orElseThrow();
                f.awaitAcquire(Duration.ofSeconds(10));
                String mismatch = ImagePatterns.firstMismatch(image, f.frame());
                try (org.dmabuf4j.api.image.ImageAttachment a = image.attach(encoder,
                        org.dmabuf4j.api.image.ImageUsage.SAMPLE);
                     org.dmabuf4j.api.image.ImageMapping m = a.mapUnlocked(org.dmabuf4j.api.Direction.TO_DEVICE)) {
                    if (m.mappings().size() != image.buffers().size()) {
                        mismatch = "mapped " + m.mappings().size() + " of " + image.buffers().size() + " buffers";
                    }
                }
                var d = image.descriptor();
                System.out.println("IMAGE " + f.frame() + " " + d.modifier() + " buffers " + image.buffers().size()
                        + " pool " + f.poolIndex() + (mismatch == null ? " OK" : " MISMATCH at " + mismatch));
                try (org.dmabuf4j.api.image.Image reply = sys.images().allocate(
                        org.dmabuf4j.api.image.ImageRequest.of(d.format(), d.width(), d.height(), d.modifier())
                                .withDisjointPlanes(image.buffers().size() > 1), heap)) {
                    ImagePatterns.fill(reply, 1000 + f.frame());
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
