package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fences of another implementation, published by third-party exporters, are foreign code: one that reports SIGNALED
 * without running the callbacks added to it (breaking FENCE-2) must not hang the framework's own waits, which wake
 * on callbacks. Found by the testkit's meta-tests (a GPU-like exporter with a fence of its own making hung a static
 * attach's MAP-8 wait forever).
 */
@ExtendWith(SystemExtension.class)
class ForeignFenceTest {
    /** A fence that completes on {@link #complete()} and keeps, but never runs, the callbacks added to it. */
    private static final class CallbacklessFence implements Fence {
        private final CountDownLatch done = new CountDownLatch(1);
        private final List<FenceCallback> callbacks = new CopyOnWriteArrayList<>();

        void complete() {
            done.countDown();
        }

        @Override
        public long context() {
            return 1L << 50;
        }

        @Override
        public long seqno() {
            return 1;
        }

        @Override
        public String driverName() {
            return "third-party";
        }

        @Override
        public String timelineName() {
            return "copy-engine";
        }

        @Override
        public FenceStatus status() {
            return isSignaled() ? FenceStatus.SIGNALED : FenceStatus.PENDING;
        }

        @Override
        public boolean isSignaled() {
            return done.getCount() == 0;
        }

        @Override
        public Optional<Throwable> error() {
            return Optional.empty();
        }

        @Override
        public long timestampNanos() {
            return 1;
        }

        @Override
        public boolean addCallback(FenceCallback callback) {
            callbacks.add(callback);
            return !isSignaled();
        }

        @Override
        public boolean removeCallback(FenceCallback callback) {
            return callbacks.remove(callback);
        }

        @Override
        public boolean await(Duration timeout) {
            try {
                return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void await() {
            await(Duration.ofDays(1));
        }

        @Override
        public void awaitUninterruptibly() {
            await(Duration.ofDays(1));
        }

        @Override
        public boolean isLaterThan(Fence other) {
            return false;
        }

        @Override
        public boolean isLaterOrSame(Fence other) {
            return other == this;
        }

        @Override
        public void setDeadline(long deadlineNanos) {
        }

        @Override
        public OptionalLong deadline() {
            return OptionalLong.empty();
        }

        @Override
        public CompletableFuture<Fence> toCompletableFuture() {
            return new CompletableFuture<>();
        }
    }

    @Test
    @DisplayName("SAFE-2: a wait of the framework for a foreign fence that never runs its callbacks returns once the"
            + " fence reports signaled")
    void aForeignFenceWithoutCallbacksDoesNotHangAWait(SimulatedSystem sys) throws InterruptedException {
        CallbacklessFence foreign = new CallbacklessFence();
        try (DmaBuf buf = sys.export(ExportInfo.of("foreign-fence", 4 * KIB, new TestExporter(4 * KIB))).handle()) {
            Reservation r = buf.reservation();
            r.lock();
            try {
                r.reserveFences(1);
                r.addFence(foreign, FenceUsage.KERNEL);
            } finally {
                r.unlock();
            }
            AtomicReference<Boolean> result = new AtomicReference<>();
            // the framework's MAP-8 and CPU-2 waits have no practical timeout; this one has a long one
            Thread waiter = new Thread(() -> result.set(r.await(FenceUsage.KERNEL, Duration.ofSeconds(60))),
                    "framework-wait");
            waiter.start();
            while (waiter.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
            // the waiter is parked: only a wake-up or the framework looking again can end its wait
            foreign.complete();
            waiter.join(Duration.ofSeconds(5).toMillis()); // a bound on a hang, not a synchronisation
            assertTrue(!waiter.isAlive() && Boolean.TRUE.equals(result.get()), "the wait ended soon after the"
                    + " foreign fence signaled, though the fence never ran its callbacks");
        }
    }
}
