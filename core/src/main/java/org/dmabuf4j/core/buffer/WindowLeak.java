package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.debug.Leaks;
import org.dmabuf4j.core.device.CpuCache;

/**
 * The claim and cleaning action of one CPU window under leak detection (SAFE-6): registered with the buffer's
 * ownership tracker instead of the window, and with the cleaner on the scope of the window's segments, so that it runs
 * only once neither the window nor any of its segments is reachable. Then it does what the window's close would have
 * done, on the cleaner's thread: dirty cache lines and copied bytes reach memory (CPU-9), the exporter hears the end,
 * the claim's slot is closed, which is what held the buffer (a window holds no reference count; {@link
 * BufferCore#windowClosed} then releases the buffer if that was its last hold), the copy memory is freed; and it
 * reports the window with where it was opened.
 *
 * <p>It never refers to the window or its arena. Fields written by the opening thread before the cleaner is
 * registered are safely published by the registration.
 */
final class WindowLeak extends WindowClaim implements Runnable {
    private final BufferCore core;
    private final Throwable site;
    private final AtomicBoolean open = new AtomicBoolean(true);
    int slot;
    /** The exporter's memory of the window, set once the exporter's begin returned it. */
    MemorySegment memory;
    /** How the window viewed it. */
    ViewScope scope;
    /** The memory of a copied window (SAFE-1), which the cleaner can free from its thread; or null. */
    private Arena copies;
    private MemorySegment copy;
    /** The window, weakly: only for the segment addresses of ownership reports (it must stay collectable). */
    private java.lang.ref.WeakReference<CpuWindow> window;

    WindowLeak(BufferCore core, Access access, SpanPlan plan, Thread owner) {
        super(access, plan, owner);
        this.core = core;
        this.site = Leaks.site("a " + access + " CPU window on " + plan.region() + " of buffer #" + core.id);
    }

    /**
     * The memory of a copied window: a shared arena of this object's, so that a dropped window's copy is freed too.
     *
     * @param bytes the window's bytes
     * @return the copy memory, to be re-scoped to the window's arena
     */
    MemorySegment copyMemory(long bytes) {
        Arena a = Arena.ofShared();
        try {
            copy = a.allocate(bytes, 64);
        } catch (RuntimeException | Error e) {
            a.close();
            throw e;
        }
        copies = a;
        return copy;
    }

    /** Frees the copy memory, if any. The window's views of it are closed already. */
    void freeCopies() {
        Arena a = copies;
        if (a != null) {
            copies = null;
            copy = null;
            a.close();
        }
    }

    /** The window closed normally (or failed to open): the cleaner then does nothing. */
    void end() {
        open.set(false);
        freeCopies();
    }

    /**
     * Records the window whose claim this is, weakly.
     *
     * @param w the window
     */
    void window(CpuWindow w) {
        window = new java.lang.ref.WeakReference<>(w);
    }

    @Override
    public String claimDescription() {
        java.lang.ref.WeakReference<CpuWindow> ref = window;
        CpuWindow w = ref == null ? null : ref.get();
        return w != null ? w.claimDescription() : "on " + plan.region() + " (the window was dropped)";
    }

    @Override
    String describeOpen() {
        return "a " + access + " CPU window on " + plan.region() + " of thread '" + claimThread().getName()
                + "', opened at " + Leaks.where(site);
    }

    /** The cleaner's action: the window was dropped open. */
    @Override
    public void run() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        String given = "it was closed by the garbage collector";
        try {
            CpuCache c = cache;
            if (c != null && access != Access.READ) {
                c.clean(memory, runs()); // as close cleans (CPU-9): the window's writes are not lost
                given += ", its dirty cache lines cleaned to memory";
            }
            if (copy != null && access != Access.READ) {
                long at = 0;
                for (Span s : spans()) {
                    MemorySegment.copy(copy, at, memory, s.offset(), s.length());
                    at += s.length();
                }
                given += ", its bytes written back";
            }
        } catch (RuntimeException | Error e) {
            given += ", its writes lost (" + e + ")";
        } finally {
            freeCopies();
        }
        try {
            core.exporter.endCpuAccess(access, spans(), memory);
        } catch (RuntimeException | Error e) {
            given += "; the exporter's endCpuAccess threw " + e;
        }
        scope.release();
        core.ownership.closeCpu(this, slot);
        String report = Leaks.report("a " + access + " CPU window on " + plan.region() + " of " + core.describe(),
                given + " and its buffer reference dropped", site);
        try {
            // the slot closed above was the window's hold on the buffer (no count to drop): release it if every
            // handle and attachment is gone too, as a window's close does
            core.windowClosed();
        } catch (RuntimeException | Error e) {
            report += "\n(the buffer's release then threw " + e + ")";
        }
        core.system.leaked(report);
    }
}
