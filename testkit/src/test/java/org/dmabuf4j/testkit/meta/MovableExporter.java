package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * A correct exporter over native memory whose moves a fixture performs step by step, so that each step can be got
 * wrong on its own. Optionally static, pooled (heap-like) or starting in device memory (peer-to-peer).
 */
final class MovableExporter implements Exporter {
    private static final long CHUNK = 64 * 1024;

    private final DmaBufSystem system;
    private final long size;
    private final boolean dynamic;
    private final Pool pool;
    private final Device vram;
    private final Flaw flaw;
    private final Object memoryLock = new Object();
    private final List<Arena> kept = new ArrayList<>();
    private final List<MemorySegment> keptBlocks = new ArrayList<>();
    private Arena arena;
    private MemorySegment memory;
    private volatile boolean inDeviceMemory;
    volatile boolean unmappable;
    volatile ExportedBuffer exported;

    MovableExporter(DmaBufSystem system, long size, Flaw flaw, Pool pool, Device vram) {
        this.system = system;
        this.size = size;
        this.flaw = flaw;
        this.dynamic = flaw.dynamic();
        this.pool = pool;
        this.vram = vram;
        this.inDeviceMemory = vram != null;
        if (pool != null) {
            memory = pool.take(system, size);
        } else {
            arena = system.exporterArena();
            memory = arena.allocate(size, 4096);
        }
    }

    @Override
    public boolean isDynamic() {
        return dynamic;
    }

    /** Device memory is migrated to CPU memory, with notification, when a non-peer importer attaches (P2P-2). */
    @Override
    public void attach(Attachment attachment) {
        if (!inDeviceMemory || attachment.peerToPeer() && attachment.device().isPeerToPeerCapable()) {
            return;
        }
        Reservation r = exported.reservation();
        r.lock();
        try {
            if (!inDeviceMemory) {
                return;
            }
            if (exported.isPinned()) {
                throw new AttachRefusedException(Rule.P2P_2, "buffer #" + exported.handle().id() + " is pinned in"
                        + " device memory; device '" + attachment.device().name() + "' cannot reach it");
            }
            if (flaw != Flaw.MIGRATES_WITHOUT_NOTIFY) {
                exported.invalidateMappings();
            }
            inDeviceMemory = false;
        } finally {
            r.unlock();
        }
    }

    @Override
    public void pin(Attachment attachment) {
        if (!dynamic) {
            Exporter.super.pin(attachment);
        }
    }

    List<MemorySegment> chunks() {
        synchronized (memoryLock) {
            List<MemorySegment> out = new ArrayList<>();
            for (long off = 0; off < size; off += CHUNK) {
                out.add(memory.asSlice(off, Math.min(CHUNK, size - off)));
            }
            return out;
        }
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        if (exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer #" + attachment.buffer().id() + " is revoked");
        }
        if (unmappable) {
            throw new IllegalStateException("buffer #" + attachment.buffer().id() + " was evicted and cannot be mapped");
        }
        Device d = attachment.device();
        if (inDeviceMemory) {
            if (attachment.peerToPeer() && d.isPeerToPeerCapable()) {
                return d.mapPeer(vram, 0, size, direction);
            }
            if (flaw != Flaw.MIGRATES_WITHOUT_NOTIFY) {
                exported.invalidateMappings();
            }
            inDeviceMemory = false;
        }
        return d.mapPages(chunks(), direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public void release() {
        synchronized (memoryLock) {
            if (pool != null) {
                if (flaw != Flaw.KEEPS_MEMORY) {
                    pool.give(memory);
                    keptBlocks.forEach(pool::give);
                }
            } else {
                arena.close();
            }
            kept.forEach(Arena::close);
        }
    }

    /**
     * The framework writes a window of memory that is not an exporter arena's back through the segment begin
     * returned: after a move that is the old memory, so the spans go on to the current one.
     */
    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        if (!access.writes()) {
            return;
        }
        synchronized (memoryLock) {
            if (view != memory && view.scope().isAlive()) {
                for (Span s : spans) {
                    MemorySegment.copy(view, s.offset(), memory, s.offset(), s.length());
                }
            }
        }
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        if (flaw == Flaw.UNCLEAN_CPU_REFUSAL) {
            throw new IllegalStateException("no CPU access to this memory");
        }
        if (exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "revoked");
        }
        synchronized (memoryLock) {
            return memory;
        }
    }

    /**
     * Puts the buffer in new memory.
     *
     * @param copy whether to copy the data
     * @param freeOld whether to free the old memory now (else at release)
     */
    void switchMemory(boolean copy, boolean freeOld) {
        synchronized (memoryLock) {
            if (pool != null) {
                MemorySegment m = pool.take(system, size);
                if (copy) {
                    m.copyFrom(memory);
                }
                // a window begun before the move still writes back into the old block: it goes back at release
                keptBlocks.add(memory);
                memory = m;
                return;
            }
            Arena next = system.exporterArena();
            MemorySegment m = next.allocate(size, 4096);
            if (copy) {
                m.copyFrom(memory);
            }
            if (freeOld) {
                arena.close();
            } else {
                kept.add(arena);
            }
            arena = next;
            memory = m;
        }
    }

    boolean pooled() {
        return pool != null;
    }
}
