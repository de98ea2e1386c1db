package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How the framework may view one segment of an exporter's memory (SAFE-1): the lifetime model in one place.
 *
 * <table>
 *   <caption>Where the memory comes from, and what a framework view of it is</caption>
 *   <tr><th>memory</th><th>view</th><th>why it is safe</th></tr>
 *   <tr><td>core's own exporters</td><td>re-scoped to the window or mapping</td>
 *       <td>freed only after release (HEAP-5)</td></tr>
 *   <tr><td>an exporter arena ({@code DmaBufSystem.exporterArena()})</td><td>re-scoped, the arena pinned</td>
 *       <td>its close is deferred until the view ends</td></tr>
 *   <tr><td>anything else</td><td>the exporter's own scope (a slice), or a framework copy (CPU windows)</td>
 *       <td>the JDK checks every access against the exporter's scope</td></tr>
 * </table>
 */
final class ViewScope {
    /** Memory the framework owns: re-scope freely, nothing to hold. */
    static final ViewScope FRAMEWORK = new ViewScope(null, true);
    /** Memory of the exporter's own: never re-scope. */
    static final ViewScope EXPORTER = new ViewScope(null, false);

    private final OwnedArena pinned;
    /** Whether a view may be re-scoped to a framework arena (the memory outlives it). */
    final boolean rescope;

    private ViewScope(OwnedArena pinned, boolean rescope) {
        this.pinned = pinned;
        this.rescope = rescope;
    }

    /**
     * Classifies a segment an exporter returned and, for an exporter arena, pins it until {@link #release}.
     *
     * @throws org.dmabuf4j.api.ExporterFaultException (SAFE-1) if the memory is freed already
     */
    static ViewScope of(BufferCore core, MemorySegment s, String access) {
        if (core.frameworkMemory) {
            return FRAMEWORK;
        }
        if (!s.scope().isAlive()) {
            throw core.freed(access, null);
        }
        OwnedArena owner = core.system.ownedArena(s);
        if (owner == null) {
            return EXPORTER;
        }
        if (!owner.pin()) {
            throw core.freed(access, null);
        }
        return new ViewScope(owner, true);
    }

    /** A view of {@code s} for the framework's {@code arena}: re-scoped if the memory outlives it, else a slice. */
    @SuppressWarnings("restricted") // re-scoping is what makes the views die with their window or mapping
    MemorySegment view(MemorySegment s, Arena arena) {
        return rescope ? s.reinterpret(arena, null) : s.asSlice(0);
    }

    /** Drops the pin, after the views died. */
    void release() {
        if (pinned != null) {
            pinned.unpin();
        }
    }
}
