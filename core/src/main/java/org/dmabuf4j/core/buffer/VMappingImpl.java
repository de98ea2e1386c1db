package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.VMapping;
import org.dmabuf4j.core.debug.Leaks;
import org.dmabuf4j.core.device.CpuCache;

/**
 * One count of a buffer's vmap (CPU-14). The exporter maps on the first count and unmaps on the last; every count
 * sees the same memory through a view scoped to an arena that closes with the last count (or with the buffer's
 * release, if counts are left). With leak detection on, a count dropped without close is reported with where it was
 * taken and dropped by the cleaner (SAFE-6).
 */
final class VMappingImpl implements VMapping {
    private final BufferCore core;
    private final MemorySegment view;
    private final Count count;
    private final Cleaner.Cleanable cleanable;

    private VMappingImpl(BufferCore core, MemorySegment view) {
        this.core = core;
        this.view = view;
        if (core.system.leakDetection()) {
            this.count = new Count(core, Leaks.site("a vmap of buffer #" + core.id));
            this.cleanable = Leaks.register(this, count);
        } else {
            this.count = new Count(core, null);
            this.cleanable = null;
        }
    }

    /** One count's state, and the cleaner's action with leak detection on; never refers to the VMapping. */
    private static final class Count implements Runnable {
        private final BufferCore core;
        private final Throwable site;
        /** Under the reservation lock. */
        boolean closed;
        /** Whether the cleaner still has work: cleared by close before it unregisters. */
        private final AtomicBoolean watched = new AtomicBoolean(true);

        Count(BufferCore core, Throwable site) {
            this.core = core;
            this.site = site;
        }

        @Override
        public void run() {
            if (!watched.compareAndSet(true, false)) {
                return;
            }
            core.giveBack(() -> {
                if (closed) {
                    return null;
                }
                closed = true;
                if (core.released || core.vmap == null) {
                    return null; // released meanwhile (its system closed, which reported it): nothing is held
                }
                try {
                    drop(core);
                } catch (RuntimeException | Error e) {
                    return "its count was dropped (the exporter's vunmap threw " + e + ")";
                }
                return "its count was dropped";
            }, done -> {
                if (done != null) {
                    core.system.leaked(Leaks.report("a vmap of " + core.describe(), done, site));
                }
            });
        }
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
        if (count.closed) {
            throw new ClosedException(Rule.CPU_14, "segment() of a closed vmap count of " + core.describe());
        }
        return view;
    }

    @Override
    public void close() {
        if (count.closed) {
            return;
        }
        if (!core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(Rule.CPU_14, "close of a vmap of " + core.describe() + " without its"
                    + " reservation lock: hold buffer.reservation().lock() around it. The count stays");
        }
        count.closed = true;
        if (cleanable != null) {
            count.watched.set(false);
            cleanable.clean(); // unregisters; its action has nothing to do
        }
        if (core.released || core.vmap == null) {
            return;
        }
        drop(core);
    }

    /** Under the lock: one count fewer; the last unmaps. */
    private static void drop(BufferCore core) {
        if (--core.vmapCount == 0) {
            BufferCore.Vmap v = core.vmap;
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
