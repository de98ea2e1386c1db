package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.linux.Fds;
import org.dmabuf4j.ipc.linux.Mman;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
class MemfdHeapTest {
    @Test
    @DisplayName("IPC-3: a memfd buffer is page-rounded, zeroed and sealed against shrinking, growing and more seals")
    void aMemfdBufferIsPageRoundedZeroedAndSealed() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(5000)) {
            assertEquals(8192, b.size());
            assertEquals(MemfdHeap.EXPORTER, b.exporterName());
            try (CpuAccess r = b.beginCpuAccess(Access.READ)) {
                MemorySegment s = r.segments().get(0);
                for (long i = 0; i < s.byteSize(); i++) {
                    assertEquals(0, s.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
                }
            }
            try (OwnedFd fd = MemfdHeap.of(sys).exportFd(b)) {
                int n = fd.fd();
                assertEquals(Fds.F_SEAL_SHRINK | Fds.F_SEAL_GROW | Fds.F_SEAL_SEAL, Fds.seals(n));
                SyscallException e = assertThrows(SyscallException.class, () -> Fds.ftruncate(n, 4096, "test"));
                assertEquals("EPERM", e.errnoName(), "a sealed memfd cannot shrink");
                assertThrows(SyscallException.class, () -> Fds.addSeals(n, Fds.F_SEAL_WRITE, "test"));
            }
        }
    }

    @Test
    @DisplayName("IPC-3: a memfd buffer is mapped shared: bytes written through it are in the file another mapping sees")
    void aMemfdBufferIsMappedShared() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(4096)) {
            try (CpuAccess w = b.beginCpuAccess(Access.WRITE)) {
                w.segments().get(0).set(ValueLayout.JAVA_LONG, 8, 0x1122334455667788L);
            }
            try (OwnedFd fd = MemfdHeap.of(sys).exportFd(b); java.lang.foreign.Arena a = java.lang.foreign.Arena.ofShared()) {
                MemorySegment other = Mman.mapShared(fd.fd(), 4096, false, a, "test");
                assertEquals(0x1122334455667788L, other.get(ValueLayout.JAVA_LONG, 8));
            }
        }
    }

    @Test
    @DisplayName("IPC-3: a memfd buffer is unmapped and its descriptor closed once, at release")
    void aMemfdBufferIsUnmappedAndClosedAtRelease() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            long mappings = Mman.mappings();
            long memfds = FdReport.current().count("memfd:");
            DmaBuf b = MemfdHeap.of(sys).allocate(4096);
            DmaBuf other = b.share();
            assertEquals(mappings + 1, Mman.mappings());
            assertEquals(memfds + 1, FdReport.current().count("memfd:"));
            b.close();
            assertEquals(mappings + 1, Mman.mappings(), "another handle keeps it");
            other.close();
            assertEquals(mappings, Mman.mappings(), "unmapped at release");
            assertEquals(memfds, FdReport.current().count("memfd:"), "closed at release");
            assertEquals(0, MemfdHeap.of(sys).liveBytes());
        }
    }

    @Test
    @DisplayName("IPC-16: a buffer of another heap cannot cross a process boundary")
    void aBufferOfAnotherHeapCannotCross() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); SimulatedSystem other = DmaBufs.newSystem();
             DmaBuf plain = sys.systemHeap().allocate(4096); DmaBuf foreign = MemfdHeap.of(other).allocate(4096)) {
            MemfdHeap heap = MemfdHeap.of(sys);
            assertSame(heap, MemfdHeap.of(sys), "one heap per system");
            RuleViolationException e = assertThrows(RuleViolationException.class, () -> heap.exportFd(plain));
            assertEquals(Rule.IPC_16, e.rule());
            assertTrue(e.getMessage().contains("exporter system"), e.getMessage());
            assertEquals(Rule.IPC_16, assertThrows(RuleViolationException.class, () -> heap.exportFd(foreign)).rule());
            BufferChannel[] pair = BufferChannel.pair(heap, "ipc16");
            try (BufferChannel a = pair[0]; BufferChannel b = pair[1]) {
                assertEquals(Rule.IPC_16, assertThrows(RuleViolationException.class, () -> a.send(plain, null)).rule());
                assertTrue(b.receive(java.time.Duration.ZERO).isEmpty(), "nothing was sent");
                assertEquals(0, a.remoteHandles(), "nothing is held");
            }
        }
    }

    @Test
    @DisplayName("HEAP-3: the memfd heap rejects bad sizes, unknown flags and bad names before anything is created")
    void badAllocationsAreRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            MemfdHeap heap = MemfdHeap.of(sys);
            long fds = OwnedFd.counters().created();
            assertEquals(Rule.HEAP_3, assertThrows(RuleViolationException.class, () -> heap.allocate(0)).rule());
            assertEquals(Rule.HEAP_4, assertThrows(RuleViolationException.class, () -> heap.allocate(4096, 1)).rule());
            assertEquals(Rule.BUF_4, assertThrows(RuleViolationException.class,
                    () -> heap.allocate(4096, Optional.empty(), "x".repeat(32))).rule());
            assertEquals(fds, OwnedFd.counters().created(), "no descriptor was made");
        }
    }
}
