package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncWaitFlag;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.linux.EventFd;
import org.dmabuf4j.ipc.linux.Poll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Readiness eventfds for event loops (IPC-15; issue 14's "an eventfd that becomes readable"). */
@ExtendWith(NoLeaks.class)
class ReadinessTest {
    private static final long WAIT = Duration.ofSeconds(10).toNanos();

    private static boolean readableWithin(ReadinessFd r, long nanos) {
        return (Poll.poll(r.fd(), Poll.POLLIN, nanos) & Poll.POLLIN) != 0;
    }

    @Test
    @DisplayName("IPC-15: a fence's eventfd becomes readable once the fence signals, never before")
    void aFenceEventFdIsReadableOnceSignaled() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            SignalingFence f = sys.fences().newContext("test", "loop").next();
            try (ReadinessFd r = ReadinessFd.of(f)) {
                assertFalse(readableWithin(r, 0), "not readable while the fence is pending");
                f.signal();
                assertTrue(readableWithin(r, WAIT), "readable once signaled");
                assertEquals(1, EventFd.take(r.fd()), "one event");
                assertTrue(r.isReady());
            }
        }
    }

    @Test
    @DisplayName("IPC-15: a sync-object point's eventfd waits for the point to be submitted and signaled")
    void aSyncObjectPointEventFd() {
        try (SimulatedSystem sys = DmaBufs.newSystem();
             SyncObject timeline = sys.newSyncObject(SyncObjectKind.TIMELINE, "loop")) {
            try (ReadinessFd r = ReadinessFd.of(timeline, 3, Set.of(SyncWaitFlag.WAIT_FOR_SUBMIT))) {
                assertFalse(readableWithin(r, 0));
                SignalingFence f = sys.fences().newContext("test", "point").next();
                timeline.addPoint(3, f);
                assertFalse(readableWithin(r, 0), "submitted but not signaled");
                f.signal();
                assertTrue(readableWithin(r, WAIT));
            }
        }
    }

    @Test
    @DisplayName("IPC-15: a buffer's eventfd becomes readable once the buffer is ready for the access")
    void aBufferEventFd() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = sys.systemHeap().allocate(4096)) {
            SignalingFence writer = sys.fences().newContext("test", "writer").next();
            b.reservation().lock();
            try {
                b.reservation().reserveFences(1);
                b.reservation().addFence(writer, FenceUsage.WRITE);
            } finally {
                b.reservation().unlock();
            }
            try (ReadinessFd r = ReadinessFd.of(b, Access.READ)) {
                assertFalse(readableWithin(r, 0));
                writer.signal();
                assertTrue(readableWithin(r, WAIT));
            }
        }
    }

    @Test
    @DisplayName("IPC-15: closing a readiness eventfd withdraws its wait")
    void closingWithdrawsTheWait() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            SignalingFence f = sys.fences().newContext("test", "withdrawn").next();
            ReadinessFd r = ReadinessFd.of(f);
            r.close();
            assertTrue(f.signal());
            assertFalse(r.isReady(), "nothing was signaled after close");
        }
    }
}
