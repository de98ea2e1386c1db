package org.dmabuf4j.ipc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.ipc.linux.Errno;
import org.dmabuf4j.ipc.linux.Fds;

/**
 * The real kernel's dma-buf devices, where the host has them ({@link Rule#IPC_14 IPC-14}): {@code /dev/udmabuf} turns a
 * sealed memfd into a kernel dma-buf, {@code /dev/dma_heap/NAME} allocates one, and {@code DMA_BUF_IOCTL_SYNC} brackets
 * CPU access to one. Everything is probed at run time; on a host without the device (containers, most CI machines, this
 * project's build machines) the calls throw an {@link UnsupportedFeatureException} naming the device.
 *
 * <pre>
 *   UDMABUF_CREATE        _IOW('u', 0x42, struct udmabuf_create { u32 memfd; u32 flags; u64 offset; u64 size; })
 *   DMA_HEAP_IOCTL_ALLOC  _IOWR('H', 0, struct dma_heap_allocation_data { u64 len; u32 fd; u32 fd_flags;
 *                                                                          u64 heap_flags; })
 *   DMA_BUF_IOCTL_SYNC    _IOW('b', 0, struct dma_buf_sync { u64 flags; })
 * </pre>
 *
 * @see "drivers/dma-buf/udmabuf.c, drivers/dma-buf/dma-heap.c, include/uapi/linux/dma-buf.h"
 */
public final class KernelDevices {
    /** DMA_BUF_SYNC_READ. */
    public static final int SYNC_READ = 1;
    /** DMA_BUF_SYNC_WRITE. */
    public static final int SYNC_WRITE = 2;
    /** DMA_BUF_SYNC_END (without it: START). */
    public static final int SYNC_END = 4;
    static final long UDMABUF_CREATE = 0x40187542L;
    static final long DMA_HEAP_IOCTL_ALLOC = 0xC0184800L;
    static final long DMA_BUF_IOCTL_SYNC = 0x40086200L;
    private static final int UDMABUF_FLAGS_CLOEXEC = 1;
    private static final String UDMABUF = "/dev/udmabuf";
    private static final String HEAPS = "/dev/dma_heap";

    private KernelDevices() {
    }

    /**
     * What the host offers.
     *
     * @param udmabuf whether /dev/udmabuf exists and opens
     * @param udmabufReason why not, or "available"
     * @param dmaHeaps the heaps under /dev/dma_heap (for example "system"), empty if none
     * @param dmaHeapsReason why none, or "available"
     */
    public record Probe(boolean udmabuf, String udmabufReason, List<String> dmaHeaps, String dmaHeapsReason) {
        /**
         * Copies the list.
         */
        public Probe {
            dmaHeaps = List.copyOf(dmaHeaps);
        }
    }

    /**
     * Looks at the host's devices now.
     *
     * @return what is there, with the reason for what is not
     */
    public static Probe probe() {
        boolean udmabuf;
        String why;
        int fd = Fds.open(UDMABUF, Fds.O_RDWR);
        if (fd >= 0) {
            Fds.close(fd);
            udmabuf = true;
            why = "available";
        } else {
            udmabuf = false;
            why = UDMABUF + (fd == -Errno.ENOENT ? " is absent on this host (no udmabuf driver, or a container"
                    + " without the device)" : " cannot be opened: " + Errno.name(-fd));
        }
        List<String> heaps = new ArrayList<>();
        String heapsWhy;
        Path dir = Path.of(HEAPS);
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    heaps.add(p.getFileName().toString());
                }
            } catch (IOException e) {
                heaps.clear();
            }
            heapsWhy = heaps.isEmpty() ? HEAPS + " is empty or unreadable" : "available";
        } else {
            heapsWhy = HEAPS + " is absent on this host (no dma-buf heaps, or a container without them)";
        }
        heaps.sort(null);
        return new Probe(udmabuf, why, heaps, heapsWhy);
    }

    /**
     * Turns the memfd of a {@link MemfdHeap} buffer into a kernel dma-buf (UDMABUF_CREATE): the same pages, now a
     * dma-buf file that real drivers can import.
     *
     * @param heap the buffer's heap; not null
     * @param buffer an open memfd buffer of it; not null
     * @return the dma-buf's descriptor, close-on-exec
     * @throws UnsupportedFeatureException ({@link Rule#IPC_14 IPC-14}) if /dev/udmabuf is absent or cannot be opened
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the ioctl fails
     */
    public static OwnedFd udmabuf(MemfdHeap heap, org.dmabuf4j.api.DmaBuf buffer) {
        if (heap == null) {
            throw new RuleViolationException(Rule.IPC_14, "udmabuf with a null heap");
        }
        MemfdHeap.Backing b = heap.backing(buffer, "udmabuf");
        int dev = Fds.open(UDMABUF, Fds.O_RDWR);
        if (dev < 0) {
            throw new UnsupportedFeatureException(Rule.IPC_14, "udmabuf of buffer #" + buffer.id() + ": " + UDMABUF
                    + (dev == -Errno.ENOENT ? " is absent on this host" : " cannot be opened (" + Errno.name(-dev)
                    + ")") + "; buffers stay memfds, which other processes can still import");
        }
        try (OwnedFd device = OwnedFd.adopt(dev, FdKind.DEVICE, UDMABUF); Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(24, 8);
            int memfd = b.exporter().fd().use("udmabuf");
            try {
                arg.set(JAVA_INT, 0, memfd);
                arg.set(JAVA_INT, 4, UDMABUF_FLAGS_CLOEXEC);
                arg.set(JAVA_LONG, 8, 0);
                arg.set(JAVA_LONG, 16, buffer.size());
                int r = Fds.ioctl(device.use("UDMABUF_CREATE"), UDMABUF_CREATE, arg);
                device.done();
                if (r < 0) {
                    throw new SyscallException("ioctl(UDMABUF_CREATE)", -r, "on buffer #" + buffer.id());
                }
                return OwnedFd.adopt(r, FdKind.DEVICE, "udmabuf of buffer #" + buffer.id());
            } finally {
                b.exporter().fd().done();
            }
        }
    }

    /**
     * Allocates a kernel dma-buf from a dma-buf heap (DMA_HEAP_IOCTL_ALLOC).
     *
     * @param heapName the heap under /dev/dma_heap, for example "system"; not null
     * @param size bytes; positive
     * @return the dma-buf's descriptor, close-on-exec
     * @throws UnsupportedFeatureException ({@link Rule#IPC_14 IPC-14}) if the heap is absent
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the ioctl fails
     */
    public static OwnedFd allocate(String heapName, long size) {
        if (heapName == null || heapName.contains("/") || size <= 0) {
            throw new RuleViolationException(Rule.IPC_14, "allocate('" + heapName + "', " + size + "): a heap name"
                    + " under " + HEAPS + " and a positive size");
        }
        String path = HEAPS + "/" + heapName;
        int dev = Fds.open(path, Fds.O_RDONLY);
        if (dev < 0) {
            throw new UnsupportedFeatureException(Rule.IPC_14, "allocate(" + size + ") from " + path + ": "
                    + (dev == -Errno.ENOENT ? "the heap is absent on this host" : "it cannot be opened ("
                    + Errno.name(-dev) + ")") + "; allocate from a MemfdHeap instead");
        }
        try (OwnedFd device = OwnedFd.adopt(dev, FdKind.DEVICE, path); Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(24, 8);
            arg.set(JAVA_LONG, 0, size);
            arg.set(JAVA_INT, 12, Fds.O_RDWR | Fds.O_CLOEXEC);
            int n = device.use("DMA_HEAP_IOCTL_ALLOC");
            int r;
            try {
                r = Fds.ioctl(n, DMA_HEAP_IOCTL_ALLOC, arg);
            } finally {
                device.done();
            }
            if (r < 0) {
                throw new SyscallException("ioctl(DMA_HEAP_IOCTL_ALLOC)", -r, "of " + size + " bytes from " + path);
            }
            return OwnedFd.adopt(arg.get(JAVA_INT, 8), FdKind.DEVICE, "dma-buf of " + size + " bytes from " + path);
        }
    }

    /**
     * DMA_BUF_IOCTL_SYNC on a kernel dma-buf: begins ({@code END} clear) or ends CPU access. The flags are checked
     * first, as the kernel does ({@link Rule#CPU_13 CPU-13}).
     *
     * @param dmabuf a kernel dma-buf's descriptor; open; not null
     * @param flags a non-zero subset of {@link #SYNC_READ} | {@link #SYNC_WRITE}, optionally with {@link #SYNC_END}
     * @throws RuleViolationException ({@link Rule#CPU_13 CPU-13}) on bad flags; nothing is called
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the ioctl fails: ENOTTY for a descriptor that is not a
     *     dma-buf
     */
    public static void sync(OwnedFd dmabuf, int flags) {
        if (dmabuf == null) {
            throw new RuleViolationException(Rule.IPC_14, "sync of a null descriptor");
        }
        int rw = flags & (SYNC_READ | SYNC_WRITE);
        if (rw == 0 || (flags & ~(SYNC_READ | SYNC_WRITE | SYNC_END)) != 0) {
            throw new RuleViolationException(Rule.CPU_13, "DMA_BUF_IOCTL_SYNC flags 0x" + Integer.toHexString(flags)
                    + " on " + dmabuf + ": a non-zero subset of READ (1) | WRITE (2), optionally with END (4)");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(8, 8);
            arg.set(JAVA_LONG, 0, flags);
            int n = dmabuf.use("DMA_BUF_IOCTL_SYNC");
            int r;
            try {
                r = Fds.ioctl(n, DMA_BUF_IOCTL_SYNC, arg);
            } finally {
                dmabuf.done();
            }
            if (r < 0) {
                throw new SyscallException("ioctl(DMA_BUF_IOCTL_SYNC)", -r, "with flags 0x" + Integer.toHexString(flags)
                        + " on " + dmabuf + (r == -Errno.ENOTTY ? ": it is not a kernel dma-buf" : ""));
            }
        }
    }
}
