package org.dmabuf4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Fences;
import org.dmabuf4j.api.SignalingFence;

/**
 * A helper thread that answers every request of the calling thread through fences: the caller signals a fence the
 * helper is waiting on, the helper signals a fence the caller is waiting on. One {@link #roundTrip()} is two
 * signal → wake-ups, as one {@link ParkPingPong#roundTrip()} is two unpark → wake-ups.
 */
final class FencePingPong implements AutoCloseable {
    /** One exchange: the request the helper waits for, the reply the caller waits for, and the next exchange. */
    private static final class Round {
        final SignalingFence request;
        final SignalingFence reply;
        /** Written by the caller before it signals {@code request}, read by the helper after waking: ordered by it. */
        Round next;
        boolean stop;

        Round(FenceContext requests, FenceContext replies) {
            request = requests.next();
            reply = replies.next();
        }
    }

    private final FenceContext requests;
    private final FenceContext replies;
    private final Thread helper;
    private Round current;

    FencePingPong(Fences fences) {
        requests = fences.newContext("bench", "ping");
        replies = fences.newContext("bench", "pong");
        current = new Round(requests, replies);
        Round first = current;
        helper = Thread.ofPlatform().daemon().name("fence-ping-pong").start(() -> serve(first));
    }

    /**
     * Signals the helper's fence and waits for its reply fence.
     *
     * @return the reply fence, signaled
     */
    SignalingFence roundTrip() {
        Round r = current;
        Round n = new Round(requests, replies);
        r.next = n;
        r.request.signal();
        r.reply.awaitUninterruptibly();
        current = n;
        return r.reply;
    }

    private static void serve(Round first) {
        Round r = first;
        while (true) {
            r.request.awaitUninterruptibly();
            if (r.stop) {
                return;
            }
            Round n = r.next;
            r.reply.signal();
            r = n;
        }
    }

    @Override
    public void close() {
        Round r = current;
        r.stop = true;
        r.request.signal();
        r.reply.signal();
        try {
            helper.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (helper.isAlive()) {
            throw new IllegalStateException("fence ping-pong helper did not stop within 10 s");
        }
    }
}
