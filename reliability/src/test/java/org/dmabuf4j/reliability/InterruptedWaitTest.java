package org.dmabuf4j.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.SignalingFence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Interrupted waits (issue #10): every blocking call of the api, entered with the calling thread's interrupt status
 * set while what it waits for is pending, fails with {@link InterruptedException} or a {@link DmaInterruptedException}
 * naming the rule, leaves nothing behind (no window, mapping or lock), and the same call succeeds once the fence
 * signals. The interrupt status is set before the call (no timing, no sleeps).
 */
final class InterruptedWaitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Summary SUMMARY = new Summary("Interrupted waits", "wait", "outcome", "caller saw", "detail");

    /** One wait on the pending fence. */
    interface Wait {
        void call(SignalingFence pending) throws Exception;
    }

    /** Prepares a wait (what it needs besides the pending fence) and returns it. */
    interface Setup {
        Wait prepare(Rig r) throws Exception;
    }

    /**
     * One case.
     *
     * @param name the wait
     * @param usage the usage of the pending fence in the buffer's reservation
     * @param staysChanged whether the failed wait documents a lasting change (revoke: the buffer stays revoked)
     * @param setup the preparation
     */
    private record Case(String name, FenceUsage usage, boolean staysChanged, Setup setup) {
    }

    private static Case wait(String name, FenceUsage usage, Setup setup) {
        return new Case(name, usage, false, setup);
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(wait("Fence.await(timeout)", FenceUsage.WRITE, r -> f -> f.await(WAIT)));
        c.add(wait("Fence.await()", FenceUsage.WRITE, r -> f -> f.await()));
        c.add(wait("Fences.awaitAny", FenceUsage.WRITE, r -> f -> r.sys.fences().awaitAny(List.of(f), WAIT)));
        c.add(wait("SyncFile.await", FenceUsage.WRITE, r -> f -> r.sys.fences().syncFile(f, "s").await(WAIT)));
        c.add(wait("DmaBuf.awaitReady(WRITE)", FenceUsage.READ, r -> f -> r.buf.awaitReady(Access.WRITE, WAIT)));
        c.add(wait("beginCpuAccess(WRITE) behind a pending WRITE fence (CPU-2)", FenceUsage.WRITE, r -> f -> {
            try (CpuAccess w = r.buf.beginCpuAccess(Access.WRITE)) {
                w.segment();
            }
        }));
        c.add(wait("mapUnlocked of a static attachment behind a pending KERNEL fence (MAP-8)", FenceUsage.KERNEL,
                r -> {
            Attachment a = r.attach(null);
            return f -> r.mapUnlocked(a, Direction.BIDIRECTIONAL);
        }));
        c.add(wait("Reservation.lockInterruptibly", FenceUsage.WRITE, r -> f -> {
            try (AcquireContext ctx = r.sys.newAcquireContext()) {
                r.buf.reservation().lockInterruptibly(ctx);
                ctx.unlockAll();
            }
        }));
        c.add(wait("DmaBufSystem.lockAll against a holder", FenceUsage.WRITE, r -> {
            DmaBuf other = r.track(r.sys.systemHeap().allocate(4096));
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            Thread holder = Thread.ofPlatform().daemon().start(() -> {
                other.reservation().lock();
                held.countDown();
                try {
                    go.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    other.reservation().unlock();
                }
            });
            if (!held.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the holder did not lock");
            }
            r.track(() -> {
                go.countDown();
                holder.join(WAIT);
            });
            return f -> {
                if (!Thread.currentThread().isInterrupted()) {
                    go.countDown();
                    holder.join(WAIT);
                }
                try (ReservationSet s = r.sys.lockAll(List.of(r.buf.reservation(), other.reservation()))) {
                    s.backoffs();
                }
            };
        }));
        c.add(new Case("ExportedBuffer.revoke behind a pending fence", FenceUsage.BOOKKEEP, true,
                r -> f -> r.exported.revoke(WAIT)));
        return c;
    }

    @TestFactory
    @DisplayName("An interrupted wait fails with a specific exception, leaves nothing behind and works afterwards")
    Stream<DynamicTest> interrupted() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> verdict(c)));
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.print(1);
    }

    private static void verdict(Case c) throws InterruptedException {
        Rig r = new Rig(Injector.none());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().daemon().name("interrupt-case").start(() -> {
            r.export(false);
            r.writePattern();
            SignalingFence pending = r.sys.fences().newContext("interrupts", "t").next();
            Reservation res = r.buf.reservation();
            res.lock();
            try {
                res.reserveFences(1);
                res.addFence(pending, c.usage());
            } finally {
                res.unlock();
            }
            Wait op;
            try {
                op = c.setup().prepare(r);
            } catch (Exception e) {
                problem.set("CORRUPT: the case's setup failed: " + e);
                r.cleanUp();
                return;
            }
            Consistency.Fingerprint before = Consistency.Fingerprint.of(r.sys);
            Thread.currentThread().interrupt();
            try {
                op.call(pending);
            } catch (Throwable t) {
                thrown.set(t);
            }
            Thread.interrupted();
            Throwable t = thrown.get();
            if (!(t instanceof InterruptedException || t instanceof DmaInterruptedException)) {
                problem.set("WEAK: the wait did not fail with InterruptedException or DmaInterruptedException");
            } else if (!c.staysChanged() && !before.equals(Consistency.Fingerprint.of(r.sys))) {
                problem.set("CORRUPT: the failed wait changed the state:\n" + before + "\n"
                        + Consistency.Fingerprint.of(r.sys));
            }
            pending.signal();
            if (!r.buf.isRevoked()) {
                try {
                    op.call(pending);
                    String s = r.stillWorks();
                    if (s != null) {
                        problem.compareAndSet(null, "CORRUPT: " + s);
                    }
                } catch (Throwable e) {
                    problem.compareAndSet(null, "CORRUPT: the wait fails after the fence signaled: " + e);
                }
            }
            List<String> cleanup = r.cleanUp();
            if (problem.get() == null && !cleanup.isEmpty()) {
                problem.set("LEAK: clean-up failed: " + cleanup);
            }
        });
        worker.join(WAIT.multipliedBy(2));
        String saw = FaultInjectionTest.describe(thrown.get());
        if (worker.isAlive()) {
            SUMMARY.add(c.name(), "HANG", saw, "the interrupted wait did not return");
            fail("HANG: the interrupted wait of " + c.name() + " did not return");
        }
        List<String> left = new ArrayList<>(Consistency.leftovers(r.sys));
        left.addAll(r.exporterBooks());
        r.close();
        if (problem.get() == null && !left.isEmpty()) {
            problem.set("LEAK: " + left);
        }
        String outcome = problem.get() == null ? "CONSISTENT" : problem.get().substring(0, problem.get().indexOf(':'));
        SUMMARY.add(c.name(), outcome, saw, problem.get() == null ? "" : problem.get());
        if (problem.get() != null) {
            fail(problem.get() + " (caller saw " + saw + ")");
        }
        if (thrown.get() instanceof DmaBufException d && d.rule() == null) {
            fail("no rule");
        }
    }
}
