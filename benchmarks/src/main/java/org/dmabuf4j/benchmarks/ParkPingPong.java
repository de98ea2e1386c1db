package org.dmabuf4j.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A helper thread that answers every request of the calling thread, by park/unpark only: the floor of "signal a
 * waiting thread and hear back". One {@link #roundTrip()} is two wake-ups of a parked thread.
 *
 * <p>On an idle VM both vCPUs halt when their threads park, so a wake-up includes waking a vCPU (tens of µs): that is
 * the physical limit a fence wake-up is judged against, not a bug of this class.
 */
final class ParkPingPong implements AutoCloseable {
    private final Thread helper;
    private volatile Thread caller;
    private volatile long request;
    private volatile long response;
    private volatile boolean stopped;

    ParkPingPong() {
        helper = Thread.ofPlatform().daemon().name("park-ping-pong").start(this::serve);
    }

    /**
     * Wakes the helper and parks until it answers.
     *
     * @return the round number
     */
    long roundTrip() {
        if (caller != Thread.currentThread()) {
            caller = Thread.currentThread();
        }
        long r = request + 1;
        request = r;
        LockSupport.unpark(helper);
        while (response != r) {
            LockSupport.park(this);
        }
        return r;
    }

    private void serve() {
        long seen = 0;
        while (!stopped) {
            long r = request;
            if (r == seen) {
                LockSupport.park(this);
                continue;
            }
            seen = r;
            response = r;
            LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(helper);
        try {
            helper.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (helper.isAlive()) {
            throw new IllegalStateException("park ping-pong helper did not stop within 10 s");
        }
    }
}
