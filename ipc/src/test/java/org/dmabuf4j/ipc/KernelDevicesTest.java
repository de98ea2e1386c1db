package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real kernel's dma-buf devices: used where present, refused by name where absent (IPC-14). */
@ExtendWith(NoLeaks.class)
class KernelDevicesTest {
    private static final KernelDevices.Probe PROBE = KernelDevices.probe();

    @Test
    @DisplayName("IPC-14: without /dev/udmabuf, turning a memfd into a dma-buf fails naming the device")
    void anAbsentUdmabufIsNamed() {
        assumeTrue(!PROBE.udmabuf(), "/dev/udmabuf is present here: the absent-device path cannot be shown");
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(4096)) {
            UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                    () -> KernelDevices.udmabuf(MemfdHeap.of(sys), b));
            assertEquals(Rule.IPC_14, e.rule());
            assertTrue(e.getMessage().contains("/dev/udmabuf"), e.getMessage());
        }
    }

    @Test
    @DisplayName("IPC-14: without a dma-buf heap, allocating from it fails naming the heap")
    void anAbsentHeapIsNamed() {
        assumeTrue(!PROBE.dmaHeaps().contains("system"), "/dev/dma_heap/system is present here");
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                () -> KernelDevices.allocate("system", 4096));
        assertEquals(Rule.IPC_14, e.rule());
        assertTrue(e.getMessage().contains("/dev/dma_heap/system"), e.getMessage());
    }

    @Test
    @DisplayName("IPC-14: DMA_BUF_IOCTL_SYNC flags are checked before the ioctl, and a descriptor that is not a dma-buf gets ENOTTY")
    void syncFlagsAreCheckedFirst() {
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(4096);
             OwnedFd memfd = MemfdHeap.of(sys).exportFd(b)) {
            assertEquals(Rule.CPU_13, assertThrows(RuleViolationException.class,
                    () -> KernelDevices.sync(memfd, KernelDevices.SYNC_END)).rule());
            assertEquals(Rule.CPU_13, assertThrows(RuleViolationException.class,
                    () -> KernelDevices.sync(memfd, 8 | KernelDevices.SYNC_READ)).rule());
            SyscallException e = assertThrows(SyscallException.class,
                    () -> KernelDevices.sync(memfd, KernelDevices.SYNC_READ));
            assertEquals(Rule.IPC_2, e.rule());
            assertEquals("ENOTTY", e.errnoName());
            assertTrue(e.getMessage().startsWith("[IPC-2] ioctl(DMA_BUF_IOCTL_SYNC) failed: ENOTTY (errno 25)"),
                    e.getMessage());
        }
    }

    @Test
    @DisplayName("IPC-14: where /dev/udmabuf exists, a memfd buffer becomes a kernel dma-buf that DMA_BUF_IOCTL_SYNC accepts")
    void aRealUdmabufSyncs() {
        assumeTrue(PROBE.udmabuf(), "skipped: " + PROBE.udmabufReason());
        try (SimulatedSystem sys = DmaBufs.newSystem(); DmaBuf b = MemfdHeap.of(sys).allocate(4096);
             OwnedFd dmabuf = KernelDevices.udmabuf(MemfdHeap.of(sys), b)) {
            KernelDevices.sync(dmabuf, KernelDevices.SYNC_READ | KernelDevices.SYNC_WRITE);
            KernelDevices.sync(dmabuf, KernelDevices.SYNC_READ | KernelDevices.SYNC_WRITE | KernelDevices.SYNC_END);
        }
    }

    @Test
    @DisplayName("IPC-14: where a system dma-buf heap exists, it allocates a kernel dma-buf")
    void aRealHeapAllocates() {
        assumeTrue(PROBE.dmaHeaps().contains("system"), "skipped: " + PROBE.dmaHeapsReason());
        try (OwnedFd dmabuf = KernelDevices.allocate("system", 4096)) {
            KernelDevices.sync(dmabuf, KernelDevices.SYNC_READ);
            KernelDevices.sync(dmabuf, KernelDevices.SYNC_READ | KernelDevices.SYNC_END);
        }
    }

    @Test
    @DisplayName("IPC-2: a failing system call names the call, its errno and the objects, and leaves no descriptor")
    void aFailingCallIsNamedAndLeavesNothing() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            long live = OwnedFd.liveCount();
            UnixAddress nobody = UnixAddress.abstractName("dmabuf4j-nobody-" + System.nanoTime());
            SyscallException e = assertThrows(SyscallException.class,
                    () -> BufferChannel.connect(MemfdHeap.of(sys), nobody, "lonely"));
            assertEquals("connect", e.call());
            assertEquals("ECONNREFUSED", e.errnoName());
            assertTrue(e.getMessage().contains("channel 'lonely' to @" + nobody.name()), e.getMessage());
            assertEquals(live, OwnedFd.liveCount(), "the socket was closed");
        }
    }
}
