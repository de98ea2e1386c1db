package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.ipc.linux.Mman;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts this process's descriptors (/proc/self/fd) and memfd mappings (/proc/self/maps) before and after a test
 * class and fails the class if anything of the module's kinds was left: memfds, sockets, eventfds, pidfds, owned
 * descriptors, memfd mappings, mappings made by the bindings, or a leak report.
 */
final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);
    private static final java.util.concurrent.atomic.AtomicInteger EXPECTED_REPORTS =
            new java.util.concurrent.atomic.AtomicInteger();

    /** A test that leaks on purpose announces its one leak report. */
    static void expectReport() {
        EXPECTED_REPORTS.incrementAndGet();
    }

    private record Snapshot(String summary, long owned, long mappings, int leakReports, int fds) {
        static Snapshot now() {
            FdReport r = FdReport.current();
            return new Snapshot(r.summary(), OwnedFd.liveCount(), Mman.mappings(), OwnedFd.leakReports().size(),
                    r.entries().size());
        }
    }

    @Override
    public void beforeAll(ExtensionContext c) {
        c.getStore(NS).put("before", Snapshot.now());
    }

    @Override
    public void afterAll(ExtensionContext c) {
        Snapshot before = c.getStore(NS).get("before", Snapshot.class);
        assertTrue(PeerWatch.awaitStopped(Duration.ofSeconds(10)), "the peer watch thread did not stop");
        Snapshot after = Snapshot.now();
        System.out.println(c.getRequiredTestClass().getSimpleName() + ": descriptors " + before.fds() + " -> "
                + after.fds() + "; before {" + before.summary() + "}, after {" + after.summary() + "}");
        List<String> reports = OwnedFd.leakReports();
        assertEquals(before.leakReports() + EXPECTED_REPORTS.getAndSet(0), reports.size(),
                () -> "leak reports: " + reports);
        assertEquals(before.summary(), after.summary(), () -> "descriptors or memfd mappings left:\n"
                + FdReport.current());
        assertEquals(before.owned(), after.owned(), "owned descriptors left open");
        assertEquals(before.mappings(), after.mappings(), "mappings left by the bindings");
    }
}
