package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.dmabuf4j.api.AcquireContext;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared fixture of the sync tests: creates reservations, contexts and threads through here, and after each test
 * checks that nothing leaked — no reservation left locked, no acquire context left open, no test thread left running
 * or failed, and the test thread is not left on a signaling path.
 */
abstract class SyncTestBase {
    private static final AtomicLong IDS = new AtomicLong();

    protected final FencesImpl fences = new FencesImpl();
    private final List<ReservationImpl> reservations = Collections.synchronizedList(new ArrayList<>());
    private final List<AcquireContextImpl> contexts = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Throwable> threadFailure = new AtomicReference<>();

    /** A reservation owned by a fake buffer called {@code name}. */
    protected ReservationImpl reservation(String name) {
        long id = IDS.incrementAndGet();
        ReservationImpl r = new ReservationImpl(() -> "buffer '" + name + "' #" + id + " (exporter test)");
        reservations.add(r);
        return r;
    }

    /** An acquire context of the calling thread, checked to be closed after the test. */
    protected AcquireContextImpl context() {
        AcquireContextImpl ctx = (AcquireContextImpl) AcquireContextImpl.create();
        contexts.add(ctx);
        return ctx;
    }

    /** Registers a context created elsewhere (for example by code under test). */
    protected AcquireContext track(AcquireContext ctx) {
        contexts.add((AcquireContextImpl) ctx);
        return ctx;
    }

    /** A started platform thread whose failure fails the test. */
    protected Thread start(String name, ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                threadFailure.compareAndSet(null, e);
            }
        }, name);
        threads.add(t);
        t.start();
        return t;
    }

    /** Joins a thread started by {@link #start}, failing if it does not end within 5 s. */
    protected static void join(Thread t) throws InterruptedException {
        t.join(5_000);
        assertFalse(t.isAlive(), () -> "thread " + t.getName() + " did not finish");
    }

    /** Rethrows the first failure of a thread started by {@link #start}. */
    protected void rethrowThreadFailure() {
        Throwable e = threadFailure.getAndSet(null);
        if (e != null) {
            fail("a test thread failed: " + e, e);
        }
    }

    @FunctionalInterface
    protected interface ThrowingRunnable {
        void run() throws Exception;
    }

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        for (Thread t : List.copyOf(threads)) {
            join(t);
        }
        rethrowThreadFailure();
        assertFalse(SignalingPath.active(), "the test thread was left on a signaling path");
        for (ReservationImpl r : List.copyOf(reservations)) {
            assertFalse(r.isLocked(), () -> r + " is still locked after the test");
        }
        for (AcquireContextImpl ctx : List.copyOf(contexts)) {
            assertEquals(0, ctx.heldCount(), () -> ctx + " still holds locks after the test");
            assertTrue(ctx.isClosed(), () -> ctx + " was not closed");
        }
    }
}
