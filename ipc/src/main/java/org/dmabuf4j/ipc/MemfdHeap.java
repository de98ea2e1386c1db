package org.dmabuf4j.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.ipc.linux.Fds;
import org.dmabuf4j.ipc.linux.Mman;

/**
 * A heap whose buffers are sealed memfds ({@link Rule#IPC_3 IPC-3}): the buffers that can cross a process boundary.
 *
 * <pre>
 *   allocate(n):  memfd_create("dmabuf4j:NAME", MFD_CLOEXEC | MFD_ALLOW_SEALING)
 *                 ftruncate(page-rounded n)                      a fresh memfd reads as zeros (HEAP-1)
 *                 F_ADD_SEALS(SHRINK | GROW | SEAL)              before any other process can see it
 *                 mmap(MAP_SHARED) into system.exporterArena()   zero-copy, revocable views (SAFE-1)
 *                 system.export("memfd", ...)
 *   exportFd(b):  a close-on-exec dup of b's memfd, for sendmsg(SCM_RIGHTS)
 *   importFd(fd): fstat size == announced size, seals include SHRINK | GROW (IPC-4), mmap, export "memfd-import"
 * </pre>
 *
 * <p>One heap per system; thread-safe. Buffers are static (never move) and have CPU access and vmap. The memfd is
 * unmapped and closed when the buffer is released (its last handle closed and last attachment detached).
 *
 * @see "memfd_create(2), fcntl(2) F_ADD_SEALS, /dev/dma_heap/system"
 */
public final class MemfdHeap implements DmaHeap {
    /** The heap's name. */
    public static final String NAME = "memfd";
    /** The exporter name of allocated buffers. */
    public static final String EXPORTER = "memfd";
    /** The exporter name of imported buffers. */
    public static final String IMPORT_EXPORTER = "memfd-import";
    /** The seals every memfd buffer carries. */
    static final int SEALS = Fds.F_SEAL_SHRINK | Fds.F_SEAL_GROW | Fds.F_SEAL_SEAL;
    /** The seals an imported descriptor must carry. */
    static final int REQUIRED_SEALS = Fds.F_SEAL_SHRINK | Fds.F_SEAL_GROW;

    /**
     * Weak: the registry of heaps is keyed weakly by system, and a strong reference from the value to its key would
     * keep every system alive. Whoever uses the heap holds the system.
     */
    private final java.lang.ref.WeakReference<DmaBufSystem> system;
    private final ConcurrentHashMap<Long, Backing> buffers = new ConcurrentHashMap<>();
    private final AtomicLong liveBytes = new AtomicLong();

    /** A buffer's memfd and its exporter capability. */
    record Backing(MemfdExporter exporter, ExportedBuffer exported) {
    }

    private MemfdHeap(DmaBufSystem system) {
        this.system = new java.lang.ref.WeakReference<>(system);
    }

    private static final java.util.Map<DmaBufSystem, MemfdHeap> HEAPS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * The memfd heap of {@code system}: one per system, made on first use, so that every channel and user of the
     * system sees the same buffers.
     *
     * @param system the system; not null
     * @return the heap
     * @throws RuleViolationException ({@link Rule#IPC_3 IPC-3}) if {@code system} is null
     * @throws UnsupportedOperationException if this is not Linux x86-64 or aarch64
     */
    public static MemfdHeap of(DmaBufSystem system) {
        if (system == null) {
            throw new RuleViolationException(Rule.IPC_3, "MemfdHeap.of(null): pass the system to export into");
        }
        org.dmabuf4j.ipc.linux.Arch.current();
        return HEAPS.computeIfAbsent(system, MemfdHeap::new);
    }

    /**
     * The system the heap exports into.
     *
     * @return the system
     */
    public DmaBufSystem system() {
        DmaBufSystem s = system.get();
        if (s == null) {
            throw new ClosedException(Rule.BUF_3, "the system of this memfd heap is gone (closed and collected)");
        }
        return s;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DmaBuf allocate(long size, long heapFlags) {
        if (size <= 0) {
            throw new RuleViolationException(Rule.HEAP_3, "allocate(" + size + ") from the memfd heap: the size"
                    + " must be positive");
        }
        if (heapFlags != 0) {
            throw new RuleViolationException(Rule.HEAP_4, "allocate(" + size + ", 0x" + Long.toHexString(heapFlags)
                    + ") from the memfd heap: it knows no heap flags; pass 0");
        }
        return allocate(size, Optional.empty(), "");
    }

    @Override
    public DmaBuf allocate(BufferLayout layout) {
        if (layout == null) {
            throw new RuleViolationException(Rule.HEAP_3, "allocate(null layout) from the memfd heap");
        }
        if (!(layout.tiling() instanceof Tiling.Linear)) {
            throw new RuleViolationException(Rule.HEAP_8, "allocate(" + layout + ") from the memfd heap: its memory"
                    + " is linear; allocate tiled layouts from the tiled heap");
        }
        return allocate(layout.minimumSize(), Optional.of(layout), "");
    }

    /**
     * Allocates a named buffer: the name is the buffer's name ({@link Rule#BUF_4 BUF-4}) and shows in /proc/PID/fd as
     * {@code memfd:dmabuf4j:NAME}.
     *
     * @param size bytes; positive; rounded up to the page size
     * @param layout the 2-D layout, or empty; linear
     * @param name the buffer name, at most 31 bytes of UTF-8; empty for none
     * @return the first handle of a zeroed buffer
     * @throws RuleViolationException ({@link Rule#HEAP_3 HEAP-3}, {@link Rule#BUF_4 BUF-4}) on a bad size or name
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if memfd_create, ftruncate, F_ADD_SEALS or mmap fails;
     *     nothing is left
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if the system is closed
     */
    public DmaBuf allocate(long size, Optional<BufferLayout> layout, String name) {
        if (size <= 0 || size > Long.MAX_VALUE - DmaConstraints.PAGE_SIZE) {
            throw new RuleViolationException(Rule.HEAP_3, "allocate(" + size + ") from the memfd heap: the size must"
                    + " be positive and below 2^63 - a page");
        }
        checkName(name);
        if (layout == null) {
            throw new RuleViolationException(Rule.HEAP_3, "allocate with a null layout: pass Optional.empty()");
        }
        long rounded = (size + DmaConstraints.PAGE_SIZE - 1) / DmaConstraints.PAGE_SIZE * DmaConstraints.PAGE_SIZE;
        String what = "memfd of a " + rounded + "-byte buffer" + (name.isEmpty() ? "" : " '" + name + "'");
        OwnedFd fd = OwnedFd.adopt(Fds.memfdCreate("dmabuf4j:" + (name.isEmpty() ? "buffer" : name),
                "allocating a " + rounded + "-byte buffer from the memfd heap"), FdKind.MEMFD, what);
        try {
            int n = fd.use("allocate");
            try {
                Fds.ftruncate(n, rounded, "sizing the " + what + "; the memfd is closed");
                Fds.addSeals(n, SEALS, "sealing the " + what + "; the memfd is closed");
            } finally {
                fd.done();
            }
            return export(fd, rounded, layout, name, false, SEALS);
        } catch (RuntimeException | Error e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Imports a received memfd as a buffer of this heap's system ({@link Rule#IPC_4 IPC-4}): checks it, maps it shared
     * and exports it as {@link #IMPORT_EXPORTER}. Takes ownership of {@code fd} in every case: on success the buffer
     * owns it, on failure it is closed.
     *
     * @param fd the descriptor; open; not null
     * @param size the size announced with it; must equal fstat's size
     * @param layout the layout announced with it, or empty
     * @param name the buffer name announced with it; at most 31 bytes
     * @return the first handle of the imported buffer
     * @throws ImportRejectedException ({@link Rule#IPC_4 IPC-4}) if the descriptor is not a regular file, its size
     *     differs, or its seals lack SHRINK or GROW; {@code fd} is closed and nothing is mapped
     * @throws RuleViolationException ({@link Rule#IPC_4 IPC-4}, {@link Rule#BUF_4 BUF-4}) on a null or closed
     *     descriptor, a bad size or name
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if fstat or mmap fails; {@code fd} is closed
     */
    public DmaBuf importFd(OwnedFd fd, long size, Optional<BufferLayout> layout, String name) {
        if (fd == null) {
            throw new RuleViolationException(Rule.IPC_4, "importFd(null): pass the received descriptor");
        }
        try {
            checkName(name);
            if (layout == null) {
                throw new RuleViolationException(Rule.IPC_4, "importFd with a null layout: pass Optional.empty()");
            }
            if (size <= 0 || size % DmaConstraints.PAGE_SIZE != 0) {
                throw new ImportRejectedException("descriptor " + fd + " announced with size " + size
                        + ": a memfd buffer's size is a positive multiple of the page size");
            }
            if (layout.isPresent() && layout.get().minimumSize() > size) {
                throw new ImportRejectedException("descriptor " + fd + " announced with layout " + layout.get()
                        + " that needs " + layout.get().minimumSize() + " bytes, more than its size " + size);
            }
            int n = fd.use("importFd");
            int seals;
            try {
                Fds.Stat st = Fds.fstat(n, "checking the imported " + fd);
                if (!st.isRegular()) {
                    throw new ImportRejectedException("descriptor " + fd + " is not a memfd (st_mode 0"
                            + Integer.toOctalString(st.mode()) + "): only sealed memfds can be imported as buffers");
                }
                if (st.size() != size) {
                    throw new ImportRejectedException("descriptor " + fd + " holds " + st.size() + " bytes but was"
                            + " announced with " + size + ": the sender and the file disagree");
                }
                seals = Fds.seals(n);
                if (seals < 0 || (seals & REQUIRED_SEALS) != REQUIRED_SEALS) {
                    throw new ImportRejectedException("descriptor " + fd + (seals < 0
                            ? " has no seals (F_GET_SEALS: " + org.dmabuf4j.ipc.linux.Errno.name(-seals) + "; not a memfd)"
                            : " lacks F_SEAL_SHRINK | F_SEAL_GROW (seals 0x" + Integer.toHexString(seals) + ")")
                            + ": the sender could shrink it under our mapping (SIGBUS)");
                }
            } finally {
                fd.done();
            }
            return export(fd, size, layout, name, true, seals);
        } catch (RuntimeException | Error e) {
            fd.close();
            throw e;
        }
    }

    private DmaBuf export(OwnedFd fd, long size, Optional<BufferLayout> layout, String name, boolean imported,
            int seals) {
        DmaBufSystem sys = system();
        Arena arena = sys.exporterArena();
        MemorySegment memory;
        int n = fd.use("mmap");
        try {
            memory = Mman.mapShared(n, size, true, arena, "mapping the " + fd);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } finally {
            fd.done();
        }
        long[] id = {-1};
        MemfdExporter exporter = new MemfdExporter(fd, arena, memory, imported, seals, () -> {
            if (id[0] >= 0 && buffers.remove(id[0]) != null) {
                liveBytes.addAndGet(-size);
            }
        });
        ExportedBuffer exported;
        try {
            ExportInfo info = new ExportInfo(imported ? IMPORT_EXPORTER : EXPORTER, size, exporter, layout);
            exported = sys.export(info);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        DmaBuf handle = exported.handle();
        id[0] = handle.id();
        buffers.put(handle.id(), new Backing(exporter, exported));
        liveBytes.addAndGet(size);
        if (!name.isEmpty()) {
            handle.setName(name);
        }
        return handle;
    }

    private static void checkName(String name) {
        if (name == null) {
            throw new RuleViolationException(Rule.BUF_4, "a null buffer name: pass \"\" for none");
        }
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > 31 || name.indexOf('\0') >= 0) {
            throw new RuleViolationException(Rule.BUF_4, "buffer name '" + name.replace("\0", "\\0") + "' is "
                    + b.length + " bytes of UTF-8" + (name.indexOf('\0') >= 0 ? " with a NUL" : "")
                    + "; at most 31 bytes without NUL");
        }
    }

    /**
     * The backing of an open handle of this heap's buffers.
     *
     * @param buffer the handle
     * @param op the operation, for the message
     * @return the backing
     * @throws RuleViolationException (IPC-16) if the buffer is not a memfd buffer of this heap
     * @throws ClosedException (BUF-3) if the handle is closed
     */
    Backing backing(DmaBuf buffer, String op) {
        if (buffer == null) {
            throw new RuleViolationException(Rule.IPC_16, op + "(null buffer): pass an open handle of a memfd buffer");
        }
        if (!buffer.isOpen()) {
            throw new ClosedException(Rule.BUF_3, op + " of a closed handle of buffer #" + buffer.id()
                    + ": keep a handle open until the call returns");
        }
        Backing b = buffers.get(buffer.id());
        if (b == null || !sameBuffer(b, buffer)) {
            throw new RuleViolationException(Rule.IPC_16, op + " of buffer #" + buffer.id() + " (exporter "
                    + buffer.exporterName() + "): only memfd buffers of this heap's system can cross a process"
                    + " boundary; allocate it from MemfdHeap.of(system) or copy it into one");
        }
        return b;
    }

    private static boolean sameBuffer(Backing b, DmaBuf buffer) {
        return b.exported().reservation() == buffer.reservation();
    }

    /**
     * Whether {@code buffer} is an open handle of a memfd buffer of this heap (allocated or imported).
     *
     * @param buffer a handle; may be null
     * @return true if {@link #exportFd} would accept it
     */
    public boolean contains(DmaBuf buffer) {
        if (buffer == null || !buffer.isOpen()) {
            return false;
        }
        Backing b = buffers.get(buffer.id());
        return b != null && sameBuffer(b, buffer);
    }

    /**
     * A close-on-exec duplicate of a buffer's memfd, to pass to another process (sendmsg with SCM_RIGHTS, or
     * inheritance): what {@code DMA_BUF_IOCTL_EXPORT}/{@code dma_buf_fd} is to the kernel. The duplicate keeps the
     * pages alive in the kernel but not the buffer in this process; close it when it has been sent.
     *
     * @param buffer an open handle of a buffer of this heap; not null
     * @return the duplicate's owner
     * @throws RuleViolationException ({@link Rule#IPC_16 IPC-16}) if the buffer is not a memfd buffer of this heap
     * @throws ClosedException ({@link Rule#BUF_3 BUF-3}) if the handle is closed
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the duplicate cannot be made
     */
    public OwnedFd exportFd(DmaBuf buffer) {
        Backing b = backing(buffer, "exportFd");
        return b.exporter().fd().dup("memfd of buffer #" + buffer.id() + " exported");
    }

    @Override
    public long liveBytes() {
        return liveBytes.get();
    }

    /**
     * Live buffers of this heap, allocated and imported.
     *
     * @return the count
     */
    public int liveBuffers() {
        return buffers.size();
    }

    @Override
    public String toString() {
        return "memfd heap of " + system.get() + " (" + buffers.size() + " buffers, " + liveBytes.get() + " bytes)";
    }
}
