package org.dmabuf4j.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.ipc.linux.Fds;

/**
 * The exporter of one memfd buffer (IPC-3): its memory is the memfd's pages, mapped shared into an exporter arena of
 * the system ({@code DmaBufSystem.exporterArena()}), so CPU windows, mapping views and vmaps are zero-copy views that
 * the framework keeps valid and revocable (SAFE-1). Devices see the pages as 64 KiB chunks, each mapped into the
 * device's own IOMMU with {@code Device.mapPages}. Static: a memfd's pages never move.
 *
 * <p>Release closes the arena (the pages are unmapped when the framework's last view ends) and the descriptor, then
 * runs the release listeners (a channel reports the release to the peer that sent the buffer, IPC-10).
 *
 * @see "memfd_create(2); udmabuf.c for how the kernel turns a memfd into a dma-buf"
 */
final class MemfdExporter implements Exporter {
    private static final long CHUNK = 64 * 1024;

    private final OwnedFd fd;
    private final Arena arena;
    private final MemorySegment memory;
    private final boolean imported;
    private final int seals;
    private final AtomicBoolean released = new AtomicBoolean();
    private final List<Runnable> onRelease = new CopyOnWriteArrayList<>();
    private final Runnable unregister;

    MemfdExporter(OwnedFd fd, Arena arena, MemorySegment memory, boolean imported, int seals, Runnable unregister) {
        this.fd = fd;
        this.arena = arena;
        this.memory = memory;
        this.imported = imported;
        this.seals = seals;
        this.unregister = unregister;
    }

    OwnedFd fd() {
        return fd;
    }

    long size() {
        return memory.byteSize();
    }

    boolean imported() {
        return imported;
    }

    /**
     * Runs {@code action} once, after the release, on the thread that released the buffer; at once if it already was.
     *
     * @param action what to run; must not throw
     */
    void onRelease(Runnable action) {
        onRelease.add(action);
        if (released.get() && onRelease.remove(action)) {
            action.run();
        }
    }

    private List<MemorySegment> chunks() {
        List<MemorySegment> chunks = new ArrayList<>();
        for (long off = 0; off < memory.byteSize(); off += CHUNK) {
            chunks.add(memory.asSlice(off, Math.min(CHUNK, memory.byteSize() - off)));
        }
        return chunks;
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        return attachment.device().mapPages(chunks(), direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        return memory;
    }

    @Override
    public MemorySegment vmap() {
        return memory;
    }

    @Override
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            unregister.run();
            arena.close();
            fd.close();
        } finally {
            for (Runnable r : onRelease) {
                if (onRelease.remove(r)) {
                    r.run();
                }
            }
        }
    }

    private static String seals(int seals) {
        List<String> names = new ArrayList<>();
        if ((seals & Fds.F_SEAL_SHRINK) != 0) {
            names.add("shrink");
        }
        if ((seals & Fds.F_SEAL_GROW) != 0) {
            names.add("grow");
        }
        if ((seals & Fds.F_SEAL_SEAL) != 0) {
            names.add("seal");
        }
        if ((seals & Fds.F_SEAL_WRITE) != 0) {
            names.add("write");
        }
        return String.join("|", names);
    }

    /** The bufinfo "Memory:" line (core prints the toString of the project's own exporters). */
    @Override
    public String toString() {
        return (imported ? "imported memfd " : "memfd ") + fd + ", " + memory.byteSize() + " bytes mapped shared at 0x"
                + Long.toHexString(memory.address()) + ", sealed " + seals(seals);
    }
}
