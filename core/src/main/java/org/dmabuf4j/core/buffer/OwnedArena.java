package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Rule;

/**
 * An exporter's arena whose memory the framework keeps valid while it views it (SAFE-1): what
 * {@code DmaBufSystem.exporterArena()} returns.
 *
 * <pre>
 *   exporter: allocate ──► map / begin / vmap ──► ... ──► close() (in release, or too early)
 *   framework views:          pin()  ...  unpin()
 *   inner arena freed: at close() if no view is pinned, else at the last unpin()
 * </pre>
 *
 * <p>Segments are allocated from an inner shared arena, so they carry its scope; the framework recognises them by
 * that scope ({@link SystemImpl#pinOwned}) and pins the arena for as long as a window, mapping view or vmap views
 * them, so the re-scoped views it hands out never outlive the memory. Thread-safe; the counters change under this
 * object's monitor, the inner arena is closed outside it.
 */
final class OwnedArena implements Arena {
    private final SystemImpl system;
    private final Arena inner = Arena.ofShared();
    private final Throwable site;
    private int pins;
    private boolean closeAsked;
    private boolean freed;
    /** Bytes allocated from this arena, counted in the system's live native bytes until freed. */
    private long allocated;

    OwnedArena(SystemImpl system, Throwable site) {
        this.system = system;
        this.site = site;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        synchronized (this) {
            if (closeAsked) {
                throw new ClosedException(Rule.SAFE_1, "allocation from an exporter arena that was closed: take a new"
                        + " one from DmaBufSystem.exporterArena()");
            }
        }
        MemorySegment m = inner.allocate(byteSize, byteAlignment);
        boolean count;
        synchronized (this) {
            count = !freed;
            if (count) {
                allocated += byteSize;
            }
        }
        if (count) {
            system.exporterBytes(byteSize);
        }
        return m;
    }

    @Override
    public MemorySegment.Scope scope() {
        return inner.scope();
    }

    /** The exporter is done with the memory: freed now, or when the framework's last view of it ends. */
    @Override
    public void close() {
        boolean now;
        int live;
        synchronized (this) {
            if (closeAsked) {
                throw new IllegalStateException("Already closed");
            }
            closeAsked = true;
            live = pins;
            now = live == 0;
        }
        if (now) {
            free();
        } else {
            system.log().log(System.Logger.Level.DEBUG, "[SAFE-1] an exporter closed its arena while " + live
                    + " framework view(s) of its memory were live; it is freed when the last ends");
        }
    }

    /**
     * Takes a pin for a framework view. Called by the framework before it re-scopes a segment of this arena.
     *
     * @return false if the memory is freed already (the exporter closed it with no view live)
     */
    synchronized boolean pin() {
        if (freed) {
            return false;
        }
        pins++;
        return true;
    }

    /** Drops a view's pin; the last one after the exporter's close frees the memory. */
    void unpin() {
        boolean now;
        synchronized (this) {
            now = --pins == 0 && closeAsked && !freed;
        }
        if (now) {
            free();
        }
    }

    /** For a closing system: frees the memory whatever the pins; reports an arena the exporter never closed. */
    void forceFree() {
        boolean leaked;
        synchronized (this) {
            leaked = !closeAsked;
            closeAsked = true;
        }
        if (leaked) {
            StringBuilder sb = new StringBuilder("[SAFE-1] an exporter arena (DmaBufSystem.exporterArena()) was"
                    + " never closed; the system freed it when it closed. Close it in the exporter's release().");
            if (site != null) {
                sb.append(" Created at:");
                for (StackTraceElement e : site.getStackTrace()) {
                    sb.append("\n\tat ").append(e);
                }
            }
            system.log().log(System.Logger.Level.WARNING, sb.toString());
        }
        free();
    }

    private void free() {
        long bytes;
        synchronized (this) {
            if (freed) {
                return;
            }
            freed = true;
            bytes = allocated;
            allocated = 0;
        }
        system.ownedFreed(this);
        system.exporterBytes(-bytes);
        inner.close();
    }
}
