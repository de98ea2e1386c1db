package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** FENCE-13: every default wait throws for a fence that signaled with an error; awaitStatus does not. */
class FenceFailureTest extends SyncTestBase {
    private final FenceContext ctx = fences.newContext("encoder-engine0", "jobs");

    private SignalingFence failed(String why) {
        SignalingFence f = ctx.next();
        assertTrue(f.fail(new IllegalStateException(why)));
        return f;
    }

    /** Checks the exception names the rule, the fence's identity, and carries the fence's error as its cause. */
    private static void assertNamesFence(FenceFailedException e, Fence f) {
        assertEquals(Rule.FENCE_13, e.rule());
        assertSame(f.error().orElseThrow(), e.getCause());
        assertEquals(f.context(), e.context());
        assertEquals(f.seqno(), e.seqno());
        assertEquals("encoder-engine0", e.driverName());
        assertEquals("jobs", e.timelineName());
        assertTrue(e.getMessage().startsWith("[FENCE-13] "), e.getMessage());
        assertTrue(e.getMessage().contains("encoder-engine0/jobs context " + f.context() + " seqno " + f.seqno()),
                e.getMessage());
        assertTrue(e.getMessage().contains("awaitStatus"), "says how to wait without throwing: " + e.getMessage());
    }

    @Test
    @DisplayName("FENCE-13: await() on a fence that failed throws FenceFailedException with the error as cause")
    void awaitThrows() {
        SignalingFence f = failed("the job's source was unmapped");
        assertNamesFence(assertThrows(FenceFailedException.class, f::await), f);
    }

    @Test
    @DisplayName("FENCE-13: await(timeout) and awaitUninterruptibly() throw for a failed fence too")
    void timedAndUninterruptibleWaitsThrow() {
        SignalingFence f = failed("device lost");
        assertNamesFence(assertThrows(FenceFailedException.class, () -> f.await(Duration.ofSeconds(5))), f);
        assertNamesFence(assertThrows(FenceFailedException.class, () -> f.await(Duration.ZERO)), f);
        assertNamesFence(assertThrows(FenceFailedException.class, f::awaitUninterruptibly), f);
    }

    @Test
    @DisplayName("FENCE-13: a waiter parked on a fence that then fails wakes with FenceFailedException")
    void aParkedWaiterSeesTheFailure() throws Exception {
        SignalingFence f = ctx.next();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = start("waiter", () -> {
            try {
                f.await(Duration.ofSeconds(30));
            } catch (FenceFailedException e) {
                thrown.set(e);
            }
        });
        FenceWaitTest.awaitParked(waiter, f);
        f.fail(new IllegalStateException("engine reset"));
        join(waiter);
        assertNamesFence((FenceFailedException) thrown.get(), f);
    }

    @Test
    @DisplayName("FENCE-13: awaitStatus waits without throwing and reports ERROR, SIGNALED or PENDING")
    void awaitStatusDoesNotThrow() {
        SignalingFence bad = failed("bad");
        assertEquals(FenceStatus.ERROR, bad.awaitStatus(Duration.ofSeconds(1)));
        SignalingFence good = ctx.next();
        assertEquals(FenceStatus.PENDING, good.awaitStatus(Duration.ZERO));
        good.signal();
        assertEquals(FenceStatus.SIGNALED, good.awaitStatus(Duration.ofSeconds(1)));
        assertTrue(good.await(Duration.ZERO), "a fence without error waits normally");
    }

    @Test
    @DisplayName("FENCE-13: the default awaitStatus of a foreign Fence maps FenceFailedException to ERROR")
    void defaultAwaitStatusOfAForeignFence() {
        SignalingFence bad = failed("foreign");
        Fence foreign = (Fence) java.lang.reflect.Proxy.newProxyInstance(Fence.class.getClassLoader(),
                new Class<?>[] {Fence.class}, (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(bad, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        assertEquals(FenceStatus.ERROR, foreign.awaitStatus(Duration.ofSeconds(1)));
    }

    @Test
    @DisplayName("FENCE-13: SyncFile.await throws for a failed fence, and for an array carrying a failed fence")
    void syncFileAwaitThrows() {
        SignalingFence f = failed("decode error");
        assertNamesFence(assertThrows(FenceFailedException.class,
                () -> fences.syncFile(f, "decoded").await(Duration.ofSeconds(1))), f);
        SignalingFence ok = ctx.next();
        ok.signal();
        FenceContext other = fences.newContext("encoder-engine0", "jobs");
        SignalingFence bad = other.next();
        bad.fail(new IllegalStateException("second engine failed"));
        Fence array = fences.array(List.of(ok, bad));
        FenceFailedException e = assertThrows(FenceFailedException.class,
                () -> fences.syncFile(array, null).await(Duration.ofSeconds(1)));
        assertSame(bad.error().orElseThrow(), e.getCause(), "the array carries the first error (FENCE-9)");
    }

    @Test
    @DisplayName("FENCE-13: Reservation.await throws when a fence it waited for fails, not for an uncovered usage")
    void reservationAwaitThrows() throws Exception {
        ReservationImpl r = reservation("frame-0");
        SignalingFence f = ctx.next();
        ReservationFenceTest.add(r, f, FenceUsage.WRITE);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = start("reader", () -> {
            try {
                r.await(FenceUsage.READ, Duration.ofSeconds(30));
            } catch (FenceFailedException e) {
                thrown.set(e);
            }
        });
        FenceWaitTest.awaitParked(waiter, f);
        f.fail(new IllegalStateException("camera timeout"));
        join(waiter);
        FenceFailedException e = assertInstanceOf(FenceFailedException.class, thrown.get());
        assertNamesFence(e, f);
        assertTrue(e.getMessage().contains("frame-0"), "names the buffer: " + e.getMessage());
        assertTrue(r.await(FenceUsage.KERNEL, Duration.ofSeconds(1)), "KERNEL does not cover a WRITE fence");
    }

    @Test
    @DisplayName("FENCE-13: a fence that failed before the Reservation.await call is not reported again")
    void anOldFailureDoesNotPoisonTheBuffer() {
        ReservationImpl r = reservation("frame-2");
        SignalingFence f = failed("an old job");
        ReservationFenceTest.add(r, f, FenceUsage.WRITE);
        assertTrue(r.await(FenceUsage.READ, Duration.ofSeconds(1)));
        assertNamesFence(assertThrows(FenceFailedException.class, f::await), f);
    }

    @Test
    @DisplayName("FENCE-13: the framework's own waits (awaitFences) do not throw for a failed fence")
    void frameworkWaitsGoOn() throws Exception {
        ReservationImpl r = reservation("frame-1");
        SignalingFence f = ctx.next();
        ReservationFenceTest.add(r, f, FenceUsage.WRITE);
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread waiter = start("cpu-access", () -> result.set(r.awaitFences(FenceUsage.READ, Duration.ofSeconds(30))));
        FenceWaitTest.awaitParked(waiter, f);
        f.fail(new IllegalStateException("camera timeout"));
        join(waiter);
        assertEquals(Boolean.TRUE, result.get());
    }

    @Test
    @DisplayName("FENCE-13: awaitAny throws when the fence it finds signaled failed")
    void awaitAnyThrows() {
        SignalingFence pending = ctx.next();
        SignalingFence bad = failed("scaler fault");
        assertNamesFence(assertThrows(FenceFailedException.class,
                () -> fences.awaitAny(List.of(pending, bad), Duration.ofSeconds(1))), bad);
        pending.signal();
        SignalingFence good = ctx.next();
        good.signal();
        assertEquals(OptionalInt.of(0), fences.awaitAny(List.of(good), Duration.ZERO));
    }

    @Test
    @DisplayName("FENCE-13: a fence without error is refused by the exception, which is only for failures")
    void theExceptionNeedsAnError() {
        SignalingFence good = ctx.next();
        good.signal();
        assertThrows(IllegalArgumentException.class, () -> new FenceFailedException("await()", good));
        Consumer<Fence> check = fence -> FenceFailedException.throwIfFailed("await()", fence);
        check.accept(good);
        SignalingFence pending = ctx.next();
        pending.setError(new IllegalStateException("not yet signaled"));
        check.accept(pending);
        assertFalse(pending.isSignaled(), "an error set before signaling does not fail a wait that has not returned");
        pending.signal();
        assertThrows(FenceFailedException.class, () -> check.accept(pending));
    }
}
