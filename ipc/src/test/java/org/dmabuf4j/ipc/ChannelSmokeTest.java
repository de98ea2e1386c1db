package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Optional;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.Test;

class ChannelSmokeTest {
    @Test
    void pairWorks() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.create(sys);
            BufferChannel[] p = BufferChannel.pair(heap, "smoke");
            try (BufferChannel a = p[0]; BufferChannel b = p[1]) {
                SentFrame sent;
                try (DmaBuf buf = heap.allocate(8192)) {
                    try (CpuAccess w = buf.beginCpuAccess(Access.WRITE)) {
                        w.segments().get(0).set(ValueLayout.JAVA_INT, 0, 7);
                    }
                    sent = a.send(buf, null);
                }
                ReceivedFrame f = b.receive(Duration.ofSeconds(5)).orElseThrow();
                try (CpuAccess r = f.buffer().beginCpuAccess(Access.READ)) {
                    assertEquals(7, r.segments().get(0).get(ValueLayout.JAVA_INT, 0));
                }
                assertTrue(!sent.released().isSignaled());
                f.release();
                assertTrue(sent.released().await(Duration.ofSeconds(5)));
                sent.remoteClosed().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
                assertEquals(0, a.remoteHandles());
                try (BufferPool pool = a.createPool(2, 4096, Optional.empty(), "pool")) {
                    for (int i = 0; i < 6; i++) {
                        int slot = pool.acquire(Duration.ofSeconds(5));
                        try (CpuAccess w = pool.buffer(slot).beginCpuAccess(Access.WRITE)) {
                            w.segments().get(0).set(ValueLayout.JAVA_INT, 0, 100 + i);
                        }
                        pool.submit(slot, null);
                        try (ReceivedFrame g = b.receive(Duration.ofSeconds(5)).orElseThrow();
                             CpuAccess r = g.buffer().beginCpuAccess(Access.READ)) {
                            assertEquals(100 + i, r.segments().get(0).get(ValueLayout.JAVA_INT, 0));
                        }
                    }
                }
                System.out.println(sys.describeBuffers());
            }
            System.out.println(FdReport.current().summary());
        }
    }
}
