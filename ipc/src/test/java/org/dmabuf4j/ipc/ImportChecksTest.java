package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.linux.EventFd;
import org.dmabuf4j.ipc.linux.Fds;
import org.dmabuf4j.ipc.linux.Mman;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
class ImportChecksTest {
    private static void assertRejected(MemfdHeap heap, OwnedFd fd, long size, String expected) {
        long mappings = Mman.mappings();
        int buffers = heap.liveBuffers();
        ImportRejectedException e = assertThrows(ImportRejectedException.class,
                () -> heap.importFd(fd, size, Optional.empty(), "bad"));
        assertEquals(Rule.IPC_4, e.rule());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(fd.isOpen(), "the rejected descriptor is closed");
        assertEquals(mappings, Mman.mappings(), "nothing was mapped");
        assertEquals(buffers, heap.liveBuffers(), "nothing was exported");
    }

    @Test
    @DisplayName("IPC-4: a descriptor whose size differs from the announced size is rejected and closed")
    void aSizeMismatchIsRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(8192)) {
            MemfdHeap heap = MemfdHeap.of(sys);
            assertRejected(heap, heap.exportFd(b), 4096, "holds 8192 bytes but was announced with 4096");
        }
    }

    @Test
    @DisplayName("IPC-4: a memfd without the shrink and grow seals is rejected and closed")
    void anUnsealedMemfdIsRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            OwnedFd raw = OwnedFd.adopt(Fds.memfdCreate("unsealed", "test"), FdKind.MEMFD, "unsealed memfd");
            Fds.ftruncate(raw.fd(), 4096, "test");
            assertRejected(MemfdHeap.of(sys), raw, 4096, "lacks F_SEAL_SHRINK | F_SEAL_GROW");
        }
    }

    @Test
    @DisplayName("IPC-4: a descriptor that is not a memfd is rejected and closed")
    void aDescriptorOfTheWrongKindIsRejected() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            OwnedFd eventfd = OwnedFd.adopt(EventFd.create("test"), FdKind.EVENTFD, "an eventfd");
            assertRejected(MemfdHeap.of(sys), eventfd, 4096, "is not a memfd");
        }
    }

    @Test
    @DisplayName("IPC-4: a sealed memfd of the announced size is imported and shares its bytes")
    void aGoodDescriptorIsImported() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(4096)) {
            MemfdHeap heap = MemfdHeap.of(sys);
            try (DmaBuf imported = heap.importFd(heap.exportFd(b), 4096, Optional.empty(), "copy")) {
                assertEquals(MemfdHeap.IMPORT_EXPORTER, imported.exporterName());
                assertEquals("copy", imported.name());
                assertTrue(heap.contains(imported), "an import can be sent on");
            }
        }
    }
}
