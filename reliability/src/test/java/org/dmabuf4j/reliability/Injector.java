package org.dmabuf4j.reliability;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides, at every fault point of one case, whether the foreign code faults: once armed, the {@code nth} call of the
 * chosen point faults with the chosen kind, once; every other call behaves. A blocking fault counts {@link #entered}
 * down and waits for {@link #release} (at most {@link #BLOCK_BOUND_SECONDS}), so that the test controls it without
 * sleeping.
 */
final class Injector {
    /** The longest a blocking fault waits for its release; reaching it means the test itself hung. */
    static final long BLOCK_BOUND_SECONDS = 30;

    final FaultPoint point;
    final FaultKind kind;
    final int nth;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean armed;
    private volatile boolean fired;
    private volatile boolean blockTimedOut;

    Injector(FaultPoint point, FaultKind kind, int nth) {
        this.point = point;
        this.kind = kind;
        this.nth = nth;
    }

    /** An injector that never faults. */
    static Injector none() {
        return new Injector(null, FaultKind.RUNTIME, 1);
    }

    void arm() {
        armed = true;
    }

    void disarm() {
        armed = false;
        release.countDown();
    }

    boolean fired() {
        return fired;
    }

    boolean blockTimedOut() {
        return blockTimedOut;
    }

    /**
     * Called by the foreign code at a fault point.
     *
     * @param p the point reached
     */
    void at(FaultPoint p) {
        if (!armed || p != point || calls.incrementAndGet() != nth) {
            return;
        }
        fired = true;
        String what = "injected " + kind + " at " + p;
        switch (kind) {
            case RUNTIME -> throw new IllegalStateException(what);
            case STACK_OVERFLOW -> throw new StackOverflowError(what);
            case OUT_OF_MEMORY -> throw new OutOfMemoryError(what);
            case BLOCK -> {
                entered.countDown();
                try {
                    if (!release.await(BLOCK_BOUND_SECONDS, TimeUnit.SECONDS)) {
                        blockTimedOut = true;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
