package org.dmabuf4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncWaitFlag;
import org.junit.jupiter.api.function.Executable;

/** Helpers of the sync-object tests. */
final class SyncObjectTests {
    /** The bound of every wait that must succeed: generous, so a slow machine never fails a correct test. */
    static final Duration BOUND = Duration.ofSeconds(10);
    static final Set<SyncWaitFlag> NONE = SyncWaitFlag.NONE;
    static final Set<SyncWaitFlag> FOR_SUBMIT = EnumSet.of(SyncWaitFlag.WAIT_FOR_SUBMIT);
    static final Set<SyncWaitFlag> AVAILABLE = EnumSet.of(SyncWaitFlag.WAIT_AVAILABLE);
    static final Set<SyncWaitFlag> ALL = EnumSet.of(SyncWaitFlag.WAIT_ALL);

    private SyncObjectTests() {
    }

    static SyncObject binary(String name) {
        return new SyncObjectImpl(SyncObjectKind.BINARY, name);
    }

    static SyncObject timeline(String name) {
        return new SyncObjectImpl(SyncObjectKind.TIMELINE, name);
    }

    /** Asserts the call throws {@code type} naming {@code rule} first in its message. */
    static <T extends DmaBufException> T assertFails(Class<T> type, Rule rule, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(rule, e.rule(), e::getMessage);
        assertTrue(e.getMessage().startsWith("[" + rule.id() + "]"), e::getMessage);
        return e;
    }

    /** Waits (bounded, without sleeping) until {@code t} is parked or waiting. */
    static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            if (s == Thread.State.TERMINATED) {
                fail("thread " + t.getName() + " ended instead of blocking");
            }
            if (System.nanoTime() > deadline) {
                fail("thread " + t.getName() + " did not block within " + BOUND + "; it is " + s);
            }
            Thread.yield();
        }
    }
}
