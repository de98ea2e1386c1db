package org.dmabuf4j.core.buffer;

import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.device.CpuCache;
import org.dmabuf4j.core.device.CpuClaim;

/**
 * An open CPU window as the buffer's ownership tracker and its cache maintenance see it (CPU-11, SAFE-4): which
 * bytes, whether it writes, whose it is and which cache lines it may have dirtied.
 *
 * <p>Without leak detection the window is its own claim, so the hot path allocates nothing more; with it, the window
 * registers a separate {@link WindowLeak}, so that the tracker does not keep a dropped window reachable and the
 * cleaner can end it (SAFE-6). Either way the claim's slot in the tracker is what holds the buffer while the window
 * is open (no reference count, see {@link BufferCore}): whoever closes the slot calls {@link BufferCore#windowClosed}.
 */
abstract sealed class WindowClaim implements CpuClaim permits CpuWindow, WindowLeak {
    final Access access;
    /** The region, its spans and their runs: planned once per buffer and region ({@link SpanPlan}). */
    final SpanPlan plan;
    final Thread owner;
    /** The cache the window's segments view, or null; volatile: map-time cleaning reads it from other threads. */
    volatile CpuCache cache;

    WindowClaim(Access access, SpanPlan plan, Thread owner) {
        this.access = access;
        this.plan = plan;
        this.owner = owner;
    }

    @Override
    public final List<Span> spans() {
        return plan.spans();
    }

    /** The runs of adjacent spans: the same bytes as the spans, what the window's cache maintenance copies. */
    final List<Span> runs() {
        return plan.runs();
    }

    @Override
    public final boolean claimWrites() {
        return access != Access.READ;
    }

    @Override
    public final Thread claimThread() {
        return owner;
    }

    /** Whether closing will clean cache lines: the window writes into the simulated cache. */
    final CpuCache dirtyCache() {
        return access != Access.READ ? cache : null;
    }

    /**
     * One line for a closing system's warning: what the window is and where it was opened (SAFE-6).
     *
     * @return e.g. "a WRITE CPU window on WHOLE of thread 'main', opened at com.example.App.run(App.java:12)"
     */
    abstract String describeOpen();
}
