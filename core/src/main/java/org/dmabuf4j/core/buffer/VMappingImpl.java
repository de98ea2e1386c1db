package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.VMapping;
import org.dmabuf4j.core.device.CpuCache;

/**
 * One count of a buffer's vmap (CPU-14). The exporter maps on the first count and unmaps on the last; every count
 * sees the same memory through a view scoped to an arena that closes with the last count (or with the buffer's
 * release, if counts are left).
 */
final class VMappingImpl implements VMapping {
    private final BufferCore core;
    private final MemorySegment view;
    private boolean closed;

    private VMappingImpl(BufferCore core, MemorySegment view) {
        this.core = core;
        this.view = view;
    }

    // the views are scoped to an arena the framework closes when the memory outlives it (SAFE-1, ViewScope)
    static VMappingImpl vmap(BufferCore core) {
        if (!core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(Rule.CPU_14, "vmap of " + core.describe() + " without its reservation"
                    + " lock: hold buffer.reservation().lock() around vmap and its close");
        }
        core.checkNotRevoked("vmap");
        if (core.vmapCount == 0) {
            MemorySegment memory = core.exporter.vmap();
            if (memory == null || memory.byteSize() < core.size) {
                if (memory != null) {
                    core.exporter.vunmap(memory); // vmap and vunmap come in pairs for the exporter
                }
                throw new RuleViolationException(Rule.CPU_14, "exporter " + core.exporterName + " returned "
                        + (memory == null ? "null" : memory.byteSize() + " bytes") + " from vmap of " + core.describe()
                        + "; it must return the buffer's " + core.size + " bytes");
            }
            ViewScope vs;
            try {
                vs = ViewScope.of(core, memory, "vmap");
            } catch (RuntimeException | Error e) {
                core.exporter.vunmap(memory); // vmap and vunmap come in pairs for the exporter
                throw e;
            }
            Arena arena = Arena.ofShared();
            // with a simulated CPU cache the CPU sees the buffer through its lines, as windows do (CPU-9): a vmap used
            // outside a window's bracket sees stale bytes, deterministically
            CpuCache c = core.cache;
            MemorySegment view = c != null ? ViewScope.FRAMEWORK.view(c.lines().asSlice(0, core.size), arena)
                    : vs.view(memory.asSlice(0, core.size), arena);
            core.vmap = new BufferCore.Vmap(memory, arena, view, vs);
        }
        core.vmapCount++;
        return new VMappingImpl(core, core.vmap.view());
    }

    @Override
    public MemorySegment segment() {
        if (closed) {
            throw new ClosedException(Rule.CPU_14, "segment() of a closed vmap count of " + core.describe());
        }
        return view;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(Rule.CPU_14, "close of a vmap of " + core.describe() + " without its"
                    + " reservation lock: hold buffer.reservation().lock() around it. The count stays");
        }
        closed = true;
        BufferCore.Vmap v = core.vmap;
        if (core.released || v == null) {
            return;
        }
        if (--core.vmapCount == 0) {
            core.vmap = null;
            // the view dies before the exporter hears of the unmap: it may free the memory there (SAFE-1)
            v.arena().close();
            try {
                core.exporter.vunmap(v.memory());
            } finally {
                v.scope().release();
            }
        }
    }
}
