package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.linux.EventFd;
import org.dmabuf4j.ipc.linux.Fds;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
class OwnedFdTest {
    /**
     * Whether descriptor {@code fd} is an open eventfd: the kind matters, because a closed number is soon reused by
     * whatever the JVM opens next (a class file, a jar).
     */
    private static boolean isOpen(int fd) {
        return FdReport.current().entries().stream().anyMatch(e -> e.fd() == fd && e.target().contains("[eventfd]"));
    }

    @Test
    @DisplayName("IPC-1: an owned descriptor is closed exactly once, and close is idempotent")
    void closedExactlyOnce() {
        OwnedFd fd = OwnedFd.adopt(EventFd.create("test"), FdKind.EVENTFD, "test eventfd");
        int n = fd.fd();
        fd.close();
        assertFalse(isOpen(n), "the number is closed");
        // the kernel hands out the lowest free number: the next descriptor very likely reuses n
        try (OwnedFd next = OwnedFd.adopt(EventFd.create("test"), FdKind.EVENTFD, "the next eventfd")) {
            fd.close();
            assertTrue(isOpen(next.fd()), "a second close of the first owner must not close the number's new owner");
            assertFalse(fd.isOpen());
        }
    }

    @Test
    @DisplayName("IPC-1: a closed owner rejects every use but close")
    void closedOwnerRejectsUse() {
        OwnedFd fd = OwnedFd.adopt(EventFd.create("test"), FdKind.EVENTFD, "test eventfd");
        fd.close();
        ClosedException e = assertThrows(ClosedException.class, fd::fd);
        assertEquals(Rule.IPC_1, e.rule());
        assertTrue(e.getMessage().startsWith("[IPC-1] fd() on closed descriptor"), e.getMessage());
        assertThrows(ClosedException.class, () -> fd.dup("x"));
    }

    @Test
    @DisplayName("IPC-1: a close while a system call uses the descriptor waits for that call, so the number is never reused under it")
    void closeWaitsForAUseInFlight() {
        OwnedFd fd = OwnedFd.adopt(EventFd.create("test"), FdKind.EVENTFD, "test eventfd");
        int n = fd.use("a system call in flight");
        fd.close();
        assertTrue(isOpen(n), "still open while in use");
        assertThrows(ClosedException.class, () -> fd.use("a new use"));
        fd.done();
        assertFalse(isOpen(n), "closed by the last use");
    }

    @Test
    @DisplayName("IPC-1: every descriptor the module creates is close-on-exec")
    void everyDescriptorIsCloseOnExec() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            BufferChannel[] pair = BufferChannel.pair(heap, "cloexec");
            List<OwnedFd> fds = new ArrayList<>();
            try (BufferChannel a = pair[0]; BufferChannel b = pair[1]; DmaBuf buf = heap.allocate(4096);
                 SharedTimeline t = SharedTimeline.create(sys, "cloexec");
                 ReadinessFd r = ReadinessFd.of(sys.fences().signaled())) {
                fds.add(heap.exportFd(buf));
                fds.add(t.exportFd());
                fds.add(a.socket());
                a.send(buf, null);
                try (ReceivedFrame f = b.receive(Duration.ofSeconds(10)).orElseThrow()) {
                    for (FdReport.Entry e : FdReport.current().entries()) {
                        if (e.owner().isPresent()) {
                            assertEquals(Fds.FD_CLOEXEC, Fds.descriptorFlags(e.fd(), "test") & Fds.FD_CLOEXEC,
                                    "descriptor " + e.fd() + " " + e.owner().get() + " is close-on-exec");
                        }
                    }
                    assertTrue(FdReport.current().owned() >= 8, FdReport.current().toString());
                    assertTrue(r.fd() >= 0);
                }
            } finally {
                fds.get(0).close();
                fds.get(1).close();
            }
        }
    }

    @Test
    @DisplayName("IPC-1: a descriptor without FD_CLOEXEC is refused by adopt and left alone")
    void adoptRefusesADescriptorWithoutCloexec() {
        int n = EventFd.create("adopted");
        try (OwnedFd owned = OwnedFd.adopt(n, "an eventfd from elsewhere")) {
            assertEquals(FdKind.UNCHECKED, owned.kind());
            int inheritable = Fds.dupInheritable(owned.fd(), "test");
            try {
                RuleViolationException e = assertThrows(RuleViolationException.class,
                        () -> OwnedFd.adopt(inheritable, "an inheritable duplicate"));
                assertEquals(Rule.IPC_1, e.rule());
                assertTrue(e.getMessage().contains("is not close-on-exec"), e.getMessage());
                assertTrue(isOpen(inheritable), "the refused descriptor is left alone");
            } finally {
                Fds.close(inheritable);
            }
        }
        assertFalse(isOpen(n));
        assertEquals(Rule.IPC_1, assertThrows(RuleViolationException.class, () -> OwnedFd.adopt(-1, "bad")).rule());
    }

    @Test
    @DisplayName("IPC-1: an owner dropped unclosed is closed by the garbage collector and reported with where it was created")
    void aDroppedOwnerIsReportedWithItsCreationSite() {
        try (CapturedLog log = CapturedLog.expecting("aDroppedOwnerIsReportedWithItsCreationSite",
                "[IPC-1] leaked descriptor")) {
            long leakedBefore = OwnedFd.counters().leaked();
            int n = dropOne();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (OwnedFd.counters().leaked() == leakedBefore && System.nanoTime() < deadline) {
                System.gc(); // the only way to make an object unreachable observable: bounded by the deadline
                Thread.onSpinWait();
            }
            assertEquals(leakedBefore + 1, OwnedFd.counters().leaked(), "the dropped owner was reported");
            String report = OwnedFd.leakReports().getLast();
            assertTrue(report.startsWith("[IPC-1] leaked descriptor " + n + " (dropped on purpose"), report);
            assertTrue(report.contains("dropOne"), "the report names where it was created: " + report);
            log.assertLogged("[IPC-1] leaked descriptor " + n + " (dropped on purpose", "dropOne");
            assertFalse(isOpen(n), "the garbage collector closed it");
            NoLeaks.expectReport();
        }
    }

    private static int dropOne() {
        OwnedFd fd = OwnedFd.adopt(EventFd.create("test"), FdKind.EVENTFD, "dropped on purpose");
        return fd.fd();
    }
}
