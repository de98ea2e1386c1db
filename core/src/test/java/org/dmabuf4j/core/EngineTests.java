package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.junit.jupiter.api.function.Executable;

/** Helpers of the engine tests. */
final class EngineTests {
    /** The bound of every wait in these tests: generous, so a slow CI machine never fails a correct test. */
    static final Duration BOUND = Duration.ofSeconds(10);

    private EngineTests() {
    }

    static <T extends DmaBufException> T assertFails(Class<T> type, Rule rule, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(rule, e.rule(), e::getMessage);
        assertTrue(e.getMessage().startsWith("[" + rule.id() + "]"), e::getMessage);
        return e;
    }

    /**
     * Waits (bounded, without sleeping) until {@code t} is parked with {@code blocker} as its blocker.
     *
     * @param t the thread
     * @param blocker what it must be parked on
     */
    static void awaitParkedOn(Thread t, Object blocker) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            Thread.State s = t.getState();
            if ((s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && LockSupport.getBlocker(t) == blocker) {
                return;
            }
            if (s == Thread.State.TERMINATED) {
                fail("thread " + t.getName() + " ended instead of parking on " + blocker);
            }
            if (System.nanoTime() > deadline) {
                fail("thread " + t.getName() + " did not park on " + blocker + " within " + BOUND + "; it is " + s
                        + " on " + LockSupport.getBlocker(t));
            }
            Thread.yield();
        }
    }

    /** Waits (bounded) for a fence and returns it. */
    static Fence awaitDone(Fence f) throws InterruptedException {
        assertNotEquals(FenceStatus.PENDING, f.awaitStatus(BOUND), () -> f + " did not signal within " + BOUND);
        return f;
    }

    /** Waits for a fence that must signal without error. */
    static void awaitOk(Fence f) throws InterruptedException {
        awaitDone(f);
        assertEquals(FenceStatus.SIGNALED, f.status(), () -> f + " failed: " + f.error().map(Throwable::toString)
                .orElse("?"));
    }

    /** Waits for a fence that must fail, and returns its error. */
    static Throwable awaitFailed(Fence f) throws InterruptedException {
        awaitDone(f);
        assertEquals(FenceStatus.ERROR, f.status(), () -> f + " signaled without the expected error");
        return f.error().orElseThrow();
    }

    /**
     * The seed of a random test: printed, and replayable with {@code -Ddmabuf4j.seed=N}.
     *
     * @param test the test's name, printed with the seed
     * @return the seed
     */
    static long seed(String test) {
        String fixed = System.getProperty("dmabuf4j.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (replay with -Ddmabuf4j.seed=" + seed + ")");
        return seed;
    }

    /** Fills a whole buffer from the CPU. */
    static void cpuFill(DmaBuf buf, byte value) {
        try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
            w.segment().fill(value);
        }
    }

    /** The whole buffer as the CPU sees it. */
    static byte[] cpuRead(DmaBuf buf) {
        try (CpuAccess w = buf.beginCpuAccess(Access.READ)) {
            return w.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Asserts every byte of {@code bytes} is {@code value}. */
    static void assertAll(byte value, byte[] bytes, String what) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != value) {
                fail(what + ": byte " + i + " is " + bytes[i] + ", expected " + value);
            }
        }
    }

    /** Asserts every byte of {@code s} is {@code value}. */
    static void assertAll(byte value, MemorySegment s, String what) {
        assertAll(value, s.toArray(ValueLayout.JAVA_BYTE), what);
    }

    /** A heap segment of pattern bytes: byte i is {@code (seed + i * 7) & 0xff}. */
    static MemorySegment pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return MemorySegment.ofArray(b);
    }
}
