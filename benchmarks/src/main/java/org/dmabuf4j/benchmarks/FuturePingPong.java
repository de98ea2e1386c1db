package org.dmabuf4j.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A helper thread that answers every request of the calling thread through {@link CompletableFuture}s: the peer a
 * Java developer would reach for instead of fences. One {@link #roundTrip()} completes a future the helper is joining
 * and joins the future the helper completes.
 */
final class FuturePingPong implements AutoCloseable {
    /** What the caller hands the helper: where to answer, and what to wait on next. */
    private record Request(CompletableFuture<Void> reply, CompletableFuture<Request> next, boolean stop) {
    }

    private final Thread helper;
    private CompletableFuture<Request> pending = new CompletableFuture<>();

    FuturePingPong() {
        CompletableFuture<Request> first = pending;
        helper = Thread.ofPlatform().daemon().name("future-ping-pong").start(() -> serve(first));
    }

    /**
     * Completes the helper's pending future and joins its reply.
     *
     * @return the reply future, completed
     */
    CompletableFuture<Void> roundTrip() {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        CompletableFuture<Request> next = new CompletableFuture<>();
        pending.complete(new Request(reply, next, false));
        pending = next;
        reply.join();
        return reply;
    }

    private static void serve(CompletableFuture<Request> first) {
        CompletableFuture<Request> waitingOn = first;
        while (true) {
            Request r = waitingOn.join();
            if (r.stop()) {
                return;
            }
            waitingOn = r.next();
            r.reply().complete(null);
        }
    }

    @Override
    public void close() {
        pending.complete(new Request(null, null, true));
        try {
            helper.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (helper.isAlive()) {
            throw new IllegalStateException("future ping-pong helper did not stop within 10 s");
        }
    }
}
