package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.ExporterFaultException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.debug.BufInfo;
import org.dmabuf4j.core.debug.ReleaseEvent;
import org.dmabuf4j.core.device.CpuCache;
import org.dmabuf4j.core.device.CpuClaim;
import org.dmabuf4j.core.device.Ownership;
import org.dmabuf4j.core.heap.FrameworkMemoryExporter;
import org.dmabuf4j.core.heap.HeapStats;
import org.dmabuf4j.core.heap.LinearMemoryExporter;
import org.dmabuf4j.core.sync.ReservationImpl;

/**
 * One buffer (struct dma_buf): what every handle, attachment and window of it shares.
 *
 * <p>References: each open handle and each attachment holds one in the count; each open CPU window holds the buffer
 * by its slot in the ownership tracker instead, which it takes anyway (issue 15: a window then costs no atomic of
 * its own on the count). The exporter's release runs exactly once (BUF-2), when the count is zero and no window is
 * open, whichever of the last drop and the last window close comes second: each side publishes its change with a
 * sequentially consistent write and then looks at the other's, so at least one of them sees both gone, and a CAS of
 * the count from 0 to {@code RELEASED} picks exactly one releaser. The count never rises again from zero. The
 * attachment list, pins, mappings and vmaps change only under the reservation lock.
 */
final class BufferCore implements Supplier<String> {
    private static final int RELEASED = Integer.MIN_VALUE / 2;
    private static final AttachmentImpl[] NO_ATTACHMENTS = {};
    private static final VarHandle REFS;
    private static final VarHandle HANDLES;
    private static final VarHandle GENERATION;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REFS = l.findVarHandle(BufferCore.class, "refs", int.class);
            HANDLES = l.findVarHandle(BufferCore.class, "handles", int.class);
            GENERATION = l.findVarHandle(BufferCore.class, "generation", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SystemImpl system;
    final long id;
    final long size;
    final String exporterName;
    final Exporter exporter;
    final Optional<BufferLayout> layout;
    final ReservationImpl reservation;
    final HeapStats heapStats;
    final Ownership ownership;
    /** The plan of {@link Region#WHOLE}, made at the first CPU access or cache maintenance. */
    private SpanPlan whole;
    /** The plan of the last other region a window opened on: the next window usually opens on the same one. */
    private SpanPlan lastPlan;
    final boolean exporterDynamic;
    /** Whether the exporter is core's own, whose memory the framework frees only after release (SAFE-1). */
    final boolean frameworkMemory;

    private volatile String name = "";
    // counts in fields through VarHandles, not Atomic* objects: a million live buffers (issue 15's footprint)
    /** Handles and attachments holding the buffer; RELEASED once released. Through {@link #REFS}. */
    private volatile int refs = 1;
    /** Open owning handles, for dumps. Through {@link #HANDLES}. */
    @SuppressWarnings("unused") // accessed through HANDLES
    private volatile int handles = 1;
    @SuppressWarnings("unused") // accessed through GENERATION
    private volatile long generation;
    volatile boolean revoked;
    volatile boolean released;
    /** The simulated CPU cache, once a non-coherent device attached (CPU-9). */
    volatile CpuCache cache;
    /**
     * The attachments, a list linked through them in the order they attached (the kernel's {@code
     * dmabuf->attachments}): O(1) attach and detach however many there are (issue 15). Changed under this object's
     * monitor; read without it by following {@code nextAttachment} from {@code firstAttachment} (a removed
     * attachment keeps its next link, so a reader standing on it goes on).
     */
    private volatile AttachmentImpl firstAttachment;
    /** The last attachment; guarded by this. */
    private AttachmentImpl lastAttachment;
    /** The system's list of live buffers, guarded by the system's registry lock. */
    BufferCore previousLive;
    BufferCore nextLive;

    // vmap state, under the reservation lock
    int vmapCount;
    /** The vmap while counted, or null. */
    Vmap vmap;

    /**
     * A buffer's kernel-style vmap while its count is above zero: one object, made by the first count (most buffers
     * are never vmapped; issue 15's footprint).
     *
     * @param memory what the exporter's vmap returned
     * @param arena the views' arena
     * @param view the view every count hands out
     * @param scope what the view holds of the exporter's memory (SAFE-1)
     */
    record Vmap(MemorySegment memory, Arena arena, MemorySegment view, ViewScope scope) {
    }


    BufferCore(SystemImpl system, long id, long size, String exporterName, Exporter exporter,
            Optional<BufferLayout> layout, HeapStats heapStats, boolean exporterDynamic) {
        this.system = system;
        this.id = id;
        this.size = size;
        this.exporterName = exporterName;
        this.exporter = exporter;
        this.layout = layout;
        this.heapStats = heapStats;
        this.exporterDynamic = exporterDynamic;
        this.frameworkMemory = exporter instanceof FrameworkMemoryExporter;
        this.reservation = Reservations.create(this);
        this.ownership = new Ownership(this, system);
    }

    /** The description, as the reservation and the ownership tracker name the buffer in their messages. */
    @Override
    public String get() {
        return describe();
    }

    String describe() {
        String n = name;
        return "buffer " + (n.isEmpty() ? "" : "'" + n + "' ") + "#" + id + " (exporter " + exporterName + ", "
                + size + " bytes)";
    }

    String name() {
        return name;
    }

    void setName(String newName) {
        if (newName == null) {
            throw new RuleViolationException(Rule.BUF_4, "setName(null) on " + describe()
                    + "; pass a name of at most 31 bytes of UTF-8, or \"\" to clear it. The old name is kept");
        }
        if (newName.indexOf('\0') >= 0) {
            throw new RuleViolationException(Rule.BUF_4, "name for " + describe()
                    + " contains a NUL character; the old name is kept");
        }
        int bytes = newName.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 31) {
            throw new RuleViolationException(Rule.BUF_4, "name '" + newName + "' for " + describe() + " is " + bytes
                    + " bytes of UTF-8, more than 31 (32 with the NUL); shorten it. The old name is kept");
        }
        name = newName;
    }

    // ---- references -------------------------------------------------------------------------------------------

    /** Takes a reference; fails if the buffer is already released. */
    void acquire() {
        while (true) {
            int r = refs;
            if (r <= 0) {
                throw new ClosedException(Rule.BUF_3, describe() + " is already released: every handle and"
                        + " attachment of it is closed");
            }
            if (REFS.compareAndSet(this, r, r + 1)) {
                return;
            }
        }
    }

    /**
     * Drops a reference; the last one releases the buffer (BUF-2) unless a CPU window is open, whose close then
     * releases it. Never called with the lock held.
     */
    void drop() {
        int r = (int) REFS.getAndAdd(this, -1) - 1;
        if (r == 0 && ownership.openWindows() == 0) {
            releaseOnce();
        }
    }

    /**
     * Whether the buffer may still get a window: called by a window after it registered its ownership slot, which
     * holds the buffer from then on (the count's last drop sees the slot and leaves the release to the window).
     *
     * @return false if every handle and attachment is gone: the window must close its slot again and fail
     */
    boolean referenced() {
        return refs > 0;
    }

    /**
     * After a window unregistered its slot (with a sequentially consistent write): releases the buffer if that was
     * the last window and every reference is gone already.
     */
    void windowClosed() {
        if (refs == 0 && ownership.openWindows() == 0) {
            releaseOnce();
        }
    }

    /** Releases the buffer unless another thread won the race to do it. */
    private void releaseOnce() {
        if (REFS.compareAndSet(this, 0, RELEASED)) {
            release();
        }
    }

    private void release() {
        released = true;
        system.unregister(this);
        Vmap v = vmap;
        if (v != null) {
            // a vmap left open: its views die with the memory instead of dangling
            vmap = null;
            vmapCount = 0;
            v.arena().close();
            v.scope().release();
            system.log().log(System.Logger.Level.WARNING, "[CPU-14] " + describe()
                    + " was released with vmaps still counted; their segments are closed");
        }
        try {
            exporter.release();
        } catch (RuntimeException e) {
            system.log().log(System.Logger.Level.ERROR, "exporter " + exporterName + " failed to release "
                    + describe(), e);
        } finally {
            CpuCache c = cache;
            if (c != null) {
                cache = null;
                system.cacheFreed(c.byteSize());
                c.close();
            }
            system.released(this);
            ReleaseEvent e = new ReleaseEvent();
            if (e.isEnabled()) {
                e.bufferId = id;
                e.name = name;
                e.size = size;
                e.commit();
            }
        }
    }

    /**
     * Releases a buffer the system is closing: only if nothing but handles and attachments hold it (no CPU window,
     * which only its own thread could close). Attachments must already be gone.
     */
    boolean forceRelease() {
        int r = refs;
        if (r <= 0 || ownership.openWindows() > 0) {
            return false;
        }
        if (!REFS.compareAndSet(this, r, RELEASED)) {
            return false;
        }
        if (ownership.openWindows() > 0) {
            // a window registered between the look and the CAS: it saw a positive count and stays open, so the
            // buffer stays too (a window that looks now sees RELEASED and fails)
            REFS.compareAndSet(this, RELEASED, r);
            return false;
        }
        release();
        return true;
    }

    // ---- state checks -------------------------------------------------------------------------------------------

    /**
     * The SAFE-1 error for an access that found the exporter's memory freed before release.
     *
     * @param access what the framework was doing, e.g. "the write-back of a CPU window"
     * @param cause the JDK's exception for the closed scope, or null
     */
    ExporterFaultException freed(String access, Throwable cause) {
        return new ExporterFaultException(Rule.SAFE_1, access + " of " + describe() + " failed: exporter "
                + exporterName + " (" + exporter.getClass().getName() + ") freed the buffer's memory before its"
                + " release(); nothing was read or written there. Keep the memory until release(), or allocate it"
                + " from DmaBufSystem.exporterArena(), which the framework keeps alive while it views it", cause);
    }

    void checkNotRevoked(String what) {
        if (revoked) {
            throw new RevokedException(Rule.REV_2, what + " of " + describe() + ": the buffer was revoked by its"
                    + " exporter; close your handles and attachments, its memory is released when the last goes");
        }
    }

    void checkLockNotHeld(Rule rule, String what) {
        if (reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(rule, what + " of " + describe() + " while the calling thread holds its"
                    + " reservation lock: unlock it first (the call takes the lock itself or may release the buffer)");
        }
    }

    long nextGeneration() {
        return (long) GENERATION.getAndAdd(this, 1L) + 1;
    }

    // ---- handles and attachments --------------------------------------------------------------------------------

    /** Counts an owning handle opened (share). */
    void handleOpened() {
        HANDLES.getAndAdd(this, 1);
    }

    /** Counts an owning handle closed. */
    void handleClosed() {
        HANDLES.getAndAdd(this, -1);
    }

    /** The open owning handles. */
    int handleCount() {
        return handles;
    }

    /**
     * The attachments now: a snapshot (O(n); for dumps, pins and invalidation, which the kernel walks too).
     *
     * @return the attachments, in the order they attached
     */
    AttachmentImpl[] attachments() {
        AttachmentImpl first = firstAttachment;
        if (first == null) {
            return NO_ATTACHMENTS;
        }
        int n = 0;
        for (AttachmentImpl a = first; a != null; a = a.nextAttachment) {
            n++;
        }
        AttachmentImpl[] out = new AttachmentImpl[n];
        int i = 0;
        for (AttachmentImpl a = first; a != null && i < n; a = a.nextAttachment) {
            if (a.listed) {
                out[i++] = a;
            }
        }
        return i == n ? out : java.util.Arrays.copyOf(out, i);
    }

    /**
     * The first attachment, for walks that allocate nothing: follow {@code nextAttachment}, skip those no longer
     * {@code listed}. Under the reservation lock the list does not change.
     *
     * @return the first attachment, or null
     */
    AttachmentImpl firstAttachment() {
        return firstAttachment;
    }

    /** Adds an attachment at the end (under the reservation lock, by convention). */
    synchronized void addAttachment(AttachmentImpl a) {
        AttachmentImpl last = lastAttachment;
        a.previousAttachment = last;
        a.nextAttachment = null;
        a.listed = true;
        if (last != null) {
            last.nextAttachment = a; // volatile: publishes a to readers
        } else {
            firstAttachment = a;
        }
        lastAttachment = a;
    }

    /** Removes an attachment if it is listed; its own next link stays, for readers standing on it. */
    synchronized void removeAttachment(AttachmentImpl a) {
        if (!a.listed) {
            return;
        }
        a.listed = false;
        AttachmentImpl prev = a.previousAttachment;
        AttachmentImpl next = a.nextAttachment;
        if (prev != null) {
            prev.nextAttachment = next;
        } else {
            firstAttachment = next;
        }
        if (next != null) {
            next.previousAttachment = prev;
        } else {
            lastAttachment = prev;
        }
        a.previousAttachment = null;
    }

    // ---- regions ------------------------------------------------------------------------------------------------

    /**
     * The spans of a region on this buffer, planned once (issue 15: no span list per window). The fields holding the
     * plans are plain: a plan is immutable, so a thread that reads an old or a null one only plans again.
     *
     * @param region not null
     * @return the plan
     * @throws RuleViolationException (CPU-7) if the region does not fit the buffer
     */
    SpanPlan plan(Region region) {
        if (region == Region.WHOLE) {
            return wholePlan();
        }
        SpanPlan p = lastPlan;
        if (p != null && p.region().equals(region)) {
            return p;
        }
        p = SpanPlan.of(region, region.spans(size, layout));
        lastPlan = p;
        return p;
    }

    /** The plan of the whole buffer: one span. */
    SpanPlan wholePlan() {
        SpanPlan w = whole;
        if (w == null) {
            w = SpanPlan.of(Region.WHOLE, List.of(new Span(0, size)));
            whole = w;
        }
        return w;
    }

    // ---- CPU cache (non-coherent) -------------------------------------------------------------------------------

    /** Under the lock: a non-coherent device attached; give the CPU a cache if the memory allows one. */
    void ensureCache() {
        if (cache == null && exporter instanceof LinearMemoryExporter lin) {
            CpuCache c = new CpuCache(lin.cpuMemory());
            system.cacheAllocated(c.byteSize());
            cache = c;
        }
    }

    /**
     * Under the lock, before a device reads: writes back the lines that open write windows dirtied (the clean of a
     * map). Closed windows cleaned their lines already, so these are the only dirty ones.
     */
    long cleanDirty(CpuCache c) {
        if (!(exporter instanceof LinearMemoryExporter lin)) {
            return 0;
        }
        long n = 0;
        // the claims, not CpuWindow: under leak detection a window's claim is its WindowLeak (SAFE-6)
        for (int i = 0; i < Ownership.SLOTS; i++) {
            if (ownership.windowAt(i) instanceof WindowClaim w && w.dirtyCache() == c) {
                n += c.clean(lin.cpuMemory(), w.runs());
            }
        }
        for (CpuClaim claim : ownership.overflowWindows()) {
            if (claim instanceof WindowClaim w && w.dirtyCache() == c) {
                n += c.clean(lin.cpuMemory(), w.runs());
            }
        }
        return n;
    }

    /**
     * Under the lock, after a device wrote: the CPU's lines of the whole buffer are refetched (unmap's invalidate),
     * except the lines open writable windows may have dirtied, which reach memory when they close (SAFE-4). Every
     * invalidate of a mapping's death goes through here: unmap, detach, move, eviction, revocation.
     */
    long invalidateAll(CpuCache c) {
        if (!(exporter instanceof LinearMemoryExporter lin)) {
            return 0;
        }
        synchronized (c) {
            return c.invalidate(lin.cpuMemory(), withoutDirty(wholePlan().runs(), c));
        }
    }

    /**
     * The bytes of {@code spans} that no open writable window views in cache {@code c} (SAFE-4): what an invalidate
     * may refetch without losing a CPU write. Called with the cache's monitor held, so windows that open meanwhile
     * wait for it. Returns {@code spans} itself when no writable window is open, the common case, without allocating.
     */
    List<Span> withoutDirty(List<Span> spans, CpuCache c) {
        List<Span> dirty = null;
        for (int i = 0; i < Ownership.SLOTS; i++) {
            if (ownership.windowAt(i) instanceof WindowClaim w && w.dirtyCache() == c) {
                dirty = dirty == null ? new ArrayList<>() : dirty;
                dirty.addAll(w.runs());
            }
        }
        for (CpuClaim claim : ownership.overflowWindows()) {
            if (claim instanceof WindowClaim w && w.dirtyCache() == c) {
                dirty = dirty == null ? new ArrayList<>() : dirty;
                dirty.addAll(w.runs());
            }
        }
        return dirty == null ? spans : Spans.minus(spans, dirty);
    }

    void countSync(long bytes) {
        system.countSync(bytes);
        if (heapStats != null) {
            heapStats.countSync(bytes);
        }
    }

    // ---- revocation --------------------------------------------------------------------------------------------

    // the revoker waits on this object's monitor: no lock object per buffer for a rare event (issue 15's footprint)

    synchronized void signalUnmapped() {
        notifyAll();
    }

    /** Waits until no importer holds a non-cached mapping, or the deadline. Returns true if none remains. */
    synchronized boolean awaitUnmaps(long deadlineNanos) throws InterruptedException {
        while (true) {
            if (pendingUnmaps().isEmpty()) {
                return true;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    List<String> pendingUnmaps() {
        List<String> out = new ArrayList<>();
        for (AttachmentImpl a : attachments()) {
            int n = a.unreleasedMappings();
            if (n > 0) {
                out.add("device '" + a.device().name() + "' (" + (a.isDynamic() ? "dynamic importer "
                        + a.importer().orElseThrow().getClass().getName() : "static importer") + ") holds " + n
                        + " mapping(s)");
            }
        }
        return out;
    }

    // ---- leaks (SAFE-6) -----------------------------------------------------------------------------------------

    /**
     * Gives back what a leaked mapping, attachment or vmap count held: {@code locked} runs with the reservation lock
     * held, at once on the calling (cleaner) thread if the lock is free, else on a virtual thread as soon as it is;
     * then {@code after} runs without the lock, given what {@code locked} returned. Both must survive what they call:
     * the cleaner's thread serves every leak of the JVM.
     *
     * @param locked the part under the lock; returns what it did, or null if it found nothing to do
     * @param after the rest, e.g. the exporter's detach and the report
     */
    void giveBack(Supplier<String> locked, Consumer<String> after) {
        if (reservation.tryLock()) {
            String done;
            try {
                done = locked.get();
            } finally {
                reservation.unlock();
            }
            after.accept(done);
            return;
        }
        Thread.ofVirtual().name("dmabuf4j-leak-" + id).start(() -> {
            reservation.lock();
            String done;
            try {
                done = locked.get();
            } finally {
                reservation.unlock();
            }
            after.accept(done);
        });
    }

    /**
     * What is still open on a buffer a closing system releases: windows, attachments and mappings, each with where
     * it was opened (SAFE-6), one per line.
     *
     * @return the lines, empty if nothing is open but handles
     */
    List<String> openSites() {
        List<String> out = new ArrayList<>();
        ownership.forEachWindow(claim -> {
            if (claim instanceof WindowClaim w) {
                out.add(w.describeOpen());
            }
        });
        for (AttachmentImpl a : attachments()) {
            a.describeOpen(out);
        }
        return out;
    }

    // ---- dump ---------------------------------------------------------------------------------------------------

    BufInfo.Buffer info() {
        List<BufInfo.Attachment> atts = new ArrayList<>();
        boolean pinned = false;
        for (AttachmentImpl a : attachments()) {
            atts.add(a.info());
            pinned |= a.isPinned();
        }
        List<String> flags = new ArrayList<>();
        if (exporterDynamic) {
            flags.add("dynamic");
        }
        if (pinned) {
            flags.add("pinned");
        }
        if (cache != null) {
            flags.add("cpu-cache");
        }
        if (revoked) {
            flags.add("revoked");
        }
        String fences;
        try {
            fences = reservation.describe();
        } catch (RuntimeException e) {
            fences = "";
        }
        // the project's own exporters (core's heaps, the ipc module's memfds) describe their memory; foreign
        // exporters' toString is not called here, since it is user code
        String placement = exporter.getClass().getPackageName().startsWith("org.dmabuf4j.")
                ? exporter.toString() : "";
        return new BufInfo.Buffer(id, size, exporterName, name, handles, ownership.openWindows(), vmapCount,
                String.join(",", flags), placement, atts, fences);
    }
}
