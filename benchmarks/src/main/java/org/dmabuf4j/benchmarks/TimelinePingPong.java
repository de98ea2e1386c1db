package org.dmabuf4j.benchmarks;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncWaitFlag;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A helper thread that answers every request of the calling thread through two timeline sync objects, {@code ping}
 * (the caller's requests) and {@code pong} (the helper's replies): round {@code p} wakes the helper at point p of
 * {@code ping} and the caller at point p of {@code pong}. One {@link #roundTrip()} is two wake-ups, as one
 * {@link ParkPingPong#roundTrip()} is.
 *
 * <p>Two ways to make a point signal:
 * <ul>
 *   <li>submitted ({@code waitForSubmit == false}): both points of a round are added with pending fences one round
 *       ahead; the waiter blocks in {@code waitFor(p)} and wakes when the point's fence signals (through the
 *       timeline's fence chain);</li>
 *   <li>WAIT_FOR_SUBMIT: the waiter blocks in {@code waitFor(p, WAIT_FOR_SUBMIT)} before the point exists and wakes
 *       when the other side {@code signal(p)}s, which submits the point already signaled.</li>
 * </ul>
 */
final class TimelinePingPong implements AutoCloseable {
    /** A wait that returns false after this long means the other side is gone: the run fails. */
    private static final Duration STUCK = Duration.ofSeconds(60);

    private final boolean waitForSubmit;
    private final Set<SyncWaitFlag> flags;
    private final SyncObject ping;
    private final SyncObject pong;
    private final FenceContext pingFences;
    private final FenceContext pongFences;
    /** The fences of submitted points, by round, one round ahead; written before the round's request is signaled. */
    private volatile SignalingFence[] pingAt = new SignalingFence[2];
    private volatile SignalingFence[] pongAt = new SignalingFence[2];
    private final Thread helper;
    private volatile boolean stopped;
    private long round = 1;

    TimelinePingPong(SimulatedSystem system, boolean waitForSubmit) {
        this.waitForSubmit = waitForSubmit;
        this.flags = waitForSubmit ? Set.of(SyncWaitFlag.WAIT_FOR_SUBMIT) : SyncWaitFlag.NONE;
        ping = system.newSyncObject(SyncObjectKind.TIMELINE, "ping");
        pong = system.newSyncObject(SyncObjectKind.TIMELINE, "pong");
        pingFences = system.fences().newContext("bench", "ping");
        pongFences = system.fences().newContext("bench", "pong");
        if (!waitForSubmit) {
            submit(1);
        }
        helper = Thread.ofPlatform().daemon().name("timeline-ping-pong").start(this::serve);
    }

    /** Adds point {@code p} to both objects with pending fences (the submitted mode), remembering the fences. */
    private void submit(long p) {
        SignalingFence a = pingFences.next();
        SignalingFence b = pongFences.next();
        ping.addPoint(p, a);
        pong.addPoint(p, b);
        SignalingFence[] pa = pingAt.clone();
        SignalingFence[] pb = pongAt.clone();
        pa[(int) (p & 1)] = a;
        pb[(int) (p & 1)] = b;
        pongAt = pb;
        pingAt = pa;
    }

    /**
     * Wakes the helper at the next point and waits for its reply.
     *
     * @return the round's point
     */
    long roundTrip() {
        long p = round;
        if (waitForSubmit) {
            ping.signal(p);
        } else {
            submit(p + 1); // the next round's points exist before the helper can reach them
            pingAt[(int) (p & 1)].signal();
        }
        if (!pong.waitFor(p, flags, STUCK)) {
            throw new IllegalStateException("the timeline ping-pong helper did not answer point " + p + " within "
                    + STUCK);
        }
        round = p + 1;
        return p;
    }

    private void serve() {
        for (long p = 1; !stopped; p++) {
            if (!ping.waitFor(p, flags, STUCK) || stopped) {
                return;
            }
            if (waitForSubmit) {
                pong.signal(p);
            } else {
                pongAt[(int) (p & 1)].signal();
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        long p = round;
        if (waitForSubmit) {
            ping.signal(p);
        } else {
            pingAt[(int) (p & 1)].signal();
            SignalingFence[] left = {pingAt[0], pingAt[1], pongAt[0], pongAt[1]};
            for (SignalingFence f : left) {
                if (f != null) {
                    f.signal();
                }
            }
        }
        try {
            helper.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ping.close();
        pong.close();
        if (helper.isAlive()) {
            throw new IllegalStateException("timeline ping-pong helper did not stop within 10 s");
        }
    }
}
