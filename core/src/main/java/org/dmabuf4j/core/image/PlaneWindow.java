package org.dmabuf4j.core.image;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Span;

/**
 * One colour plane's CPU window (FMT-9), built on the buffer's own CPU windows, so that fences, ownership and
 * non-coherent cache maintenance are theirs (CPU-2, CPU-9, CPU-11):
 *
 * <pre>
 *   linear plane    DIRECT: one buffer window over the rectangle's rows (Region.spans), its rows are this window's
 *                   rows: zero copy. So is a SIM_TILED plane of a tiled heap buffer, whose exporter untiles itself
 *   tiled plane     STAGED: a buffer window over exactly the stored bytes of the rectangle (one span per row piece
 *                   and tile), detiled into a linear staging copy at begin, retiled from it at close if written
 *   compressed      STAGED over the rectangle's whole tiles plus a window over their metadata bytes; CLEAR tiles read
 *                   zero; a writable window resolves them at begin (zeroed, marked RAW), so that windows on other
 *                   parts of the same tiles never undo each other's writes
 * </pre>
 *
 * The staging copy lives in the window's own arena (confined for THREAD windows), so its rows die with the window
 * (CPU-4); READ windows hand out read-only rows (CPU-6).
 */
final class PlaneWindow implements CpuAccess {
    private final ImageImpl image;
    private final PlaneLayout plane;
    private final Region.Rect rect;
    private final Access access;
    private final Confinement confinement;
    private final Thread owner = Thread.currentThread();
    private final DmaBuf buffer;
    private final CpuAccess data;
    private final CpuAccess meta;
    private final Arena arena;
    private final MemorySegment staging;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private PlaneWindow(ImageImpl image, PlaneLayout plane, Region.Rect rect, Access access, Confinement confinement,
            CpuAccess data, CpuAccess meta, Arena arena, MemorySegment staging) {
        this.image = image;
        this.plane = plane;
        this.rect = rect;
        this.access = access;
        this.confinement = confinement;
        this.buffer = image.buffers().get(plane.buffer);
        this.data = data;
        this.meta = meta;
        this.arena = arena;
        this.staging = staging;
    }

    static PlaneWindow open(ImageImpl image, PlaneLayout p, Region.Rect rect, Access access,
            Confinement confinement) {
        DmaBuf buf = image.buffers().get(p.buffer);
        ImageStats stats = image.allocator.stats;
        // a tiled heap buffer's exporter untiles for the CPU itself: its windows are already the linear view
        boolean exporterUntiles = buf.layout().map(org.dmabuf4j.api.BufferLayout::isTiled).orElse(false);
        if (!p.tiled() || exporterUntiles) {
            CpuAccess direct = buf.beginCpuAccess(access, Region.spans(p.linearSpans(rect)), confinement);
            stats.planeWindows.increment();
            return new PlaneWindow(image, p, rect, access, confinement, direct, null, null, null);
        }
        // the staging copy is loaded for WRITE windows too: bytes the CPU does not write go back unchanged
        Access inner = access == Access.READ ? Access.READ : Access.READ_WRITE;
        List<Span> dataSpans = p.dataSpans(rect, false);
        CpuAccess data = buf.beginCpuAccess(inner, Region.spans(dataSpans), confinement);
        CpuAccess meta = null;
        Arena arena = null;
        try {
            SpanSegments metaBytes = null;
            if (p.compressed) {
                List<Span> metaSpans = p.metaSpans(rect);
                meta = image.buffers().get(p.metaBuffer).beginCpuAccess(inner, Region.spans(metaSpans), confinement);
                metaBytes = new SpanSegments(metaSpans, meta.segments());
            }
            SpanSegments dataBytes = new SpanSegments(dataSpans, data.segments());
            if (p.compressed && access.writes()) {
                // resolved now, not at close: two windows on parts of one cleared tile then never zero each other's
                // writes (zeroing a cleared tile and marking it RAW changes nothing any reader sees)
                stats.tilesResolved.add(PlaneCodec.resolve(p, rect, dataBytes, metaBytes));
            }
            arena = confinement == Confinement.THREAD ? Arena.ofConfined() : Arena.ofShared();
            long bytes = p.rowBytes(rect) * rect.height();
            MemorySegment staging = arena.allocate(bytes, 64);
            PlaneCodec.unpack(p, rect, dataBytes, metaBytes, staging, 0);
            stats.planeWindows.increment();
            stats.bytesDetiled.add(bytes);
            return new PlaneWindow(image, p, rect, access, confinement, data, meta, arena,
                    access == Access.READ ? staging.asReadOnly() : staging);
        } catch (RuntimeException | Error e) {
            if (arena != null) {
                arena.close();
            }
            closeQuietly(meta, e);
            closeQuietly(data, e);
            throw e;
        }
    }

    private static void closeQuietly(CpuAccess w, Throwable into) {
        if (w == null) {
            return;
        }
        try {
            w.close();
        } catch (RuntimeException suppressed) {
            into.addSuppressed(suppressed);
        }
    }

    private boolean staged() {
        return staging != null;
    }

    private void checkUsable(String what) {
        if (!open.get()) {
            throw new ClosedException(Rule.CPU_4, what + " of a closed CPU window on " + describe()
                    + ": its segments are closed; begin a new access");
        }
        if (confinement == Confinement.THREAD && Thread.currentThread() != owner) {
            throw new RuleViolationException(Rule.CPU_5, what + " of a THREAD window on " + describe()
                    + " from thread '" + Thread.currentThread().getName() + "'; it belongs to thread '"
                    + owner.getName() + "': open it SHARED to use it from several threads");
        }
    }

    /** The checks of close, done before anything changes (CPU-5, CPU-8). */
    void checkClosable() {
        if (!open.get()) {
            return;
        }
        if (confinement == Confinement.THREAD && Thread.currentThread() != owner) {
            throw new RuleViolationException(Rule.CPU_5, "close of a THREAD window on " + describe() + " from thread '"
                    + Thread.currentThread().getName() + "'; only its opening thread '" + owner.getName()
                    + "' may close it. The window stays open");
        }
        if (buffer.reservation().isHeldByCurrentThread() || (meta != null
                && meta.buffer().reservation().isHeldByCurrentThread())) {
            throw new RuleViolationException(Rule.CPU_8, "close of a CPU window on " + describe() + " while holding a"
                    + " reservation lock of its buffers; unlock first. The window stays open");
        }
    }

    private String describe() {
        return plane + " of image " + image.descriptor();
    }

    @Override
    public DmaBuf buffer() {
        return buffer;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public Region region() {
        return rect;
    }

    @Override
    public List<Span> spans() {
        return plane.linearSpans(rect);
    }

    @Override
    public MemorySegment segment() {
        checkUsable("segment()");
        if (rect.height() != 1) {
            throw new RuleViolationException(Rule.CPU_3, "segment() of a plane window " + rect + " on " + describe()
                    + ": it has one segment per row; use row(i) or segments()");
        }
        return row(0);
    }

    @Override
    public int rowCount() {
        return rect.height();
    }

    @Override
    public MemorySegment row(int i) {
        if (!staged()) {
            return data.row(i); // checks closed, thread and range itself
        }
        checkUsable("row(" + i + ")");
        if (i < 0 || i >= rect.height()) {
            throw new RuleViolationException(Rule.CPU_3, "row(" + i + ") of a window with " + rect.height()
                    + " row(s) on " + describe());
        }
        long rowBytes = plane.rowBytes(rect);
        return staging.asSlice(i * rowBytes, rowBytes);
    }

    @Override
    public List<MemorySegment> segments() {
        if (!staged()) {
            return data.segments();
        }
        checkUsable("segments()");
        MemorySegment[] rows = new MemorySegment[rect.height()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = row(i);
        }
        return List.of(rows);
    }

    @Override
    public long byteSize() {
        return plane.rowBytes(rect) * rect.height();
    }

    @Override
    public Confinement confinement() {
        return confinement;
    }

    @Override
    public boolean isOpen() {
        return open.get() && (staged() || data.isOpen());
    }

    @Override
    public void close() {
        if (!open.get()) {
            return;
        }
        checkClosable();
        if (!staged()) {
            data.close();
            open.set(false);
            return;
        }
        if (!open.compareAndSet(true, false)) {
            return;
        }
        Throwable failure = null;
        try {
            if (access.writes()) {
                SpanSegments metaBytes = meta == null ? null : new SpanSegments(plane.metaSpans(rect),
                        meta.segments());
                int resolved = PlaneCodec.pack(plane, rect, staging, 0, new SpanSegments(
                        plane.dataSpans(rect, false), data.segments()), metaBytes);
                ImageStats stats = image.allocator.stats;
                stats.bytesRetiled.add(byteSize());
                stats.tilesResolved.add(resolved);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            arena.close();
        }
        for (CpuAccess w : new CpuAccess[] {meta, data}) {
            if (w == null) {
                continue;
            }
            try {
                w.close();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    @Override
    public String toString() {
        return access + " window on " + rect + " of " + describe() + (isOpen() ? "" : " (closed)");
    }
}
