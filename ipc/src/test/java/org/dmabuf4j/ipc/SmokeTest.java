package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void memfdRoundTrip() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.create(sys);
            try (DmaBuf b = heap.allocate(10000)) {
                try (CpuAccess w = b.beginCpuAccess(Access.WRITE)) {
                    w.segments().get(0).set(ValueLayout.JAVA_INT, 0, 42);
                }
                System.out.println(sys.describeBuffers());
                System.out.println(FdReport.current());
                try (OwnedFd dup = heap.exportFd(b); DmaBuf imp = heap.importFd(dup.dup("x"), b.size(), java.util.Optional.empty(), "imp");
                     CpuAccess r = imp.beginCpuAccess(Access.READ)) {
                    MemorySegment s = r.segments().get(0);
                    assertEquals(42, s.get(ValueLayout.JAVA_INT, 0));
                }
            }
            try (SharedTimeline t = SharedTimeline.create(sys, "t"); SharedTimeline o = SharedTimeline.open(sys, t.exportFd(), "o")) {
                Fence p = o.point(3);
                assertTrue(!p.isSignaled());
                t.fail(2, "boom");
                t.signal(3);
                assertTrue(p.await(Duration.ofSeconds(5)));
                assertTrue(o.point(2).error().isPresent(), "" + o.point(2));
            }
        }
        System.out.println(FdReport.current().summary() + " live " + OwnedFd.liveCount());
    }
}
