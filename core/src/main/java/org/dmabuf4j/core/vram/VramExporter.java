package org.dmabuf4j.core.vram;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.MappingBusyException;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.debug.MoveEvent;
import org.dmabuf4j.core.move.Movable;
import org.dmabuf4j.core.move.Staging;
import org.dmabuf4j.core.vram.Location.InDevice;
import org.dmabuf4j.core.vram.Location.InSystem;

/**
 * The exporter of one buffer of a device's local memory: dynamic (BUF-10), it lives either in the device's pool or in
 * system pages and moves between them.
 *
 * <p>Every move happens under the buffer's reservation lock (MOVE-1), never while pinned (MOVE-2), after
 * {@link ExportedBuffer#invalidateMappings()} (MOVE-3, MOVE-5); the copy is kernel work on the device's first engine
 * whose fence is added with KERNEL usage (MOVE-8) and which frees the old location once it has read it. Everything that
 * reads or writes the location itself (CPU staging, release) waits for that fence first. {@link #location} changes
 * only under the lock; it is volatile for lock-free queries.
 */
final class VramExporter implements Exporter, Movable {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j");
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(10);

    /** Why a buffer moves, for counters and messages. */
    enum Kind {
        MOVE, EVICTION, MIGRATION
    }

    private final DeviceMemoryImpl heap;
    private final long size;
    private final boolean revocableOnly;
    private final Staging staging;
    private volatile Location location;
    private volatile ExportedBuffer exported;
    private volatile Fence lastCopy;
    private volatile boolean released;
    private long id;

    VramExporter(DeviceMemoryImpl heap, long size, Location location, boolean revocableOnly) {
        this.heap = heap;
        this.size = size;
        this.location = location;
        this.revocableOnly = revocableOnly;
        this.staging = new Staging(size, heap::stagingAllocated);
    }

    /** Gives the exporter its capability; before the handle is handed out. */
    void bind(ExportedBuffer e) {
        this.exported = e;
        this.id = e.handle().id();
    }

    long id() {
        return id;
    }

    long size() {
        return size;
    }

    Location location() {
        return location;
    }

    boolean isReleased() {
        return released;
    }

    String describe() {
        String name = "";
        try {
            name = exported.handle().name();
        } catch (ClosedException e) {
            // the first handle is closed; the buffer lives on through others: named by its id only
        }
        return "buffer " + (name.isEmpty() ? "" : "'" + name + "' ") + "#" + id + " of heap '" + heap.name() + "' ("
                + size + " bytes, in " + (location instanceof InDevice ? "device memory" : "system memory") + ")";
    }

    private Reservation reservation() {
        return exported.reservation();
    }

    private static String deviceName(Attachment a) {
        return "'" + a.device().name() + "'";
    }

    /** Whether the attachment can use the device memory directly (P2P-1). */
    private boolean reachable(Attachment a) {
        if (!a.peerToPeer()) {
            return false;
        }
        Device d = a.device();
        return d == heap.device() || d.isPeerToPeerCapable() && heap.device().isPeerToPeerCapable();
    }

    private String whyUnreachable(Attachment a) {
        if (!a.peerToPeer()) {
            return "its importer does not allow peer-to-peer (entries without CPU pages)";
        }
        return "device " + deviceName(a) + (a.device().isPeerToPeerCapable() ? "" : " is not peer-to-peer capable")
                + (heap.device().isPeerToPeerCapable() ? "" : " and device '" + heap.device().name()
                + "' only reaches its memory itself");
    }

    private void checkNotRevoked(String what) {
        if (exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, what + " of " + describe() + ": the buffer was revoked (its device"
                    + " was unplugged or its exporter revoked it); close your handles and attachments");
        }
    }

    // ---- attach / pin --------------------------------------------------------------------------------------------

    @Override
    public boolean isDynamic() {
        return true;
    }

    @Override
    public void attach(Attachment a) {
        if (revocableOnly && !a.isDynamic()) {
            throw new AttachRefusedException(Rule.REV_3, "static attach of " + describe() + " to device "
                    + deviceName(a) + " refused: the buffer was allocated REVOCABLE_ONLY and a static importer cannot"
                    + " be revoked in bounded time (it has no moveNotify); attach with an Importer");
        }
        Reservation r = reservation();
        r.lock();
        try {
            if (location instanceof InDevice && exported.isPinned() && !reachable(a)) {
                throw new AttachRefusedException(Rule.P2P_2, "attach of " + describe() + " to device "
                        + deviceName(a) + " refused: " + whyUnreachable(a) + ", and the buffer is pinned in the memory"
                        + " of device '" + heap.device().name() + "', so it cannot migrate to system memory; attach"
                        + " with a peer-to-peer importer on a device that can reach it, or after the pin is dropped");
            }
        } finally {
            r.unlock();
        }
    }

    @Override
    public void pin(Attachment a) {
        checkNotRevoked("pin");
        if (location instanceof InDevice && !reachable(a)) {
            if (exported.isPinned()) {
                heap.pinRefused();
                throw new PinRefusedException(Rule.PIN_2, "pin of " + describe() + " for device " + deviceName(a)
                        + " refused: " + whyUnreachable(a) + ", and another importer pins the buffer in the memory of"
                        + " device '" + heap.device().name() + "', so it cannot migrate; the attachment stays unpinned");
            }
            // pinned memory must be usable by the pinning importer: move it where the device reaches it first
            relocate(heap.allocateSystem(size), Kind.MIGRATION);
        }
    }

    @Override
    public void unpin(Attachment a) {
        // the framework counts the pins; the memory may move once none is left (isPinned)
    }

    // ---- map / unmap ---------------------------------------------------------------------------------------------

    @Override
    public List<SgEntry> map(Attachment a, Direction direction) {
        checkNotRevoked("map");
        heap.touch(this);
        if (location instanceof InDevice d) {
            if (reachable(a)) {
                return a.device().mapPeer(heap.device(), d.offset(), size, direction);
            }
            if (exported.isPinned()) {
                throw new MappingBusyException(Rule.P2P_2, "map of " + describe() + " for device " + deviceName(a)
                        + ": " + whyUnreachable(a) + ", and the buffer is pinned in the memory of device '"
                        + heap.device().name() + "', so it cannot migrate to system memory; nothing is mapped");
            }
            relocate(heap.allocateSystem(size), Kind.MIGRATION);
        }
        return a.device().mapPages(((InSystem) location).chunks(), direction);
    }

    @Override
    public void unmap(Attachment a, List<SgEntry> entries, Direction direction) {
        a.device().unmap(entries);
    }

    // ---- moves -----------------------------------------------------------------------------------------------------

    @Override
    public Fence move() {
        checkNotRevoked("move");
        requirePinsAllowMove();
        // from system memory into the pool, evicting if needed; within the pool only if there is room already
        Location target = location instanceof InSystem ? heap.placeEvicting(size, this) : heap.tryAllocate(size);
        if (target == null) {
            target = heap.allocateSystem(size);
        }
        return relocate(target, Kind.MOVE);
    }

    private void requirePinsAllowMove() {
        if (exported.isPinned()) {
            throw new RuleViolationException(Rule.MOVE_2, "move of " + describe() + ", which is pinned: a pinned"
                    + " buffer does not move until every pin is dropped (unpin, or detach the static importers)");
        }
    }

    /**
     * Evicts the buffer to system memory if it is in device memory, unpinned and its lock is free; for a full pool.
     *
     * @return the fence of the copy, which frees the device memory when done; null if not evicted
     */
    Fence tryEvict() {
        ExportedBuffer e = exported;
        if (e == null || released || !(location instanceof InDevice)) {
            return null;
        }
        Reservation r = e.reservation();
        if (!r.tryLock()) {
            return null;
        }
        try {
            if (released || e.isRevoked() || !(location instanceof InDevice) || e.isPinned()) {
                return null;
            }
            return relocate(heap.allocateSystem(size), Kind.EVICTION);
        } finally {
            r.unlock();
        }
    }

    /** Under the lock: notify, kill old mappings, queue the copy, publish its KERNEL fence, switch location. */
    private Fence relocate(Location target, Kind kind) {
        MoveEvent event = new MoveEvent();
        event.begin();
        Reservation r = reservation();
        Location source = location;
        Fence fence;
        try {
            exported.invalidateMappings();
            List<Fence> after = r.fences(FenceUsage.BOOKKEEP);
            fence = heap.copies().submit(after, () -> heap.copy(source, target, size),
                    () -> heap.free(source, size));
        } catch (RuntimeException | Error e) {
            heap.free(target, size);
            throw e;
        }
        r.reserveFences(1);
        r.addFence(fence, FenceUsage.KERNEL);
        location = target;
        lastCopy = fence;
        heap.moved(this, source, target, kind);
        if (event.shouldCommit()) {
            event.bufferId = id;
            event.heap = heap.name();
            event.kind = kind.name().toLowerCase(java.util.Locale.ROOT);
            event.from = source instanceof InDevice ? "device" : "system";
            event.to = target instanceof InDevice ? "device" : "system";
            event.size = size;
            event.seqno = fence.seqno();
            event.commit();
        }
        return fence;
    }

    /** Under the lock: waits for the last copy, so that the location holds the buffer's bytes. */
    private void awaitCopy(String what) {
        Fence f = lastCopy;
        if (f == null || f.isSignaled()) {
            return;
        }
        try {
            while (f.awaitStatus(Duration.ofDays(1)) == FenceStatus.PENDING) {
                Thread.onSpinWait();
            }
        } catch (DmaInterruptedException e) {
            throw new DmaInterruptedException(Rule.MOVE_8, what + " of " + describe() + " was interrupted while"
                    + " waiting for the copy of a move; nothing was done",
                    e.getCause() instanceof InterruptedException ie ? ie : null);
        }
    }

    // ---- CPU access through staging ----------------------------------------------------------------------------

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        Reservation r = reservation();
        r.lock();
        try {
            checkNotRevoked("beginCpuAccess");
            awaitCopy("beginCpuAccess");
            heap.touch(this);
            MemorySegment from = location.memory();
            long[] bytes = {0};
            MemorySegment view = staging.begin(spans, (st, off, len) -> {
                MemorySegment.copy(from, off, st, off, len);
                bytes[0] += len;
            });
            heap.staged(bytes[0]);
            return view;
        } finally {
            r.unlock();
        }
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        Reservation r = reservation();
        r.lock();
        try {
            if (!access.writes() || exported.isRevoked()) {
                staging.end(spans, null);
                return;
            }
            try {
                awaitCopy("closing a CPU window");
            } catch (RuntimeException e) {
                // the window is gone all the same: its bytes must not stay open in the staging copy, where they would
                // hide the buffer's bytes from later windows
                staging.end(spans, null);
                throw e;
            }
            MemorySegment to = location.memory();
            long[] bytes = {0};
            staging.end(spans, (st, off, len) -> {
                MemorySegment.copy(st, off, to, off, len);
                bytes[0] += len;
            });
            heap.staged(bytes[0]);
        } finally {
            r.unlock();
        }
    }

    // ---- release -------------------------------------------------------------------------------------------------

    @Override
    public void release() {
        released = true;
        Fence f = lastCopy;
        boolean done = f == null || f.isSignaled();
        if (!done) {
            try {
                done = f.awaitStatus(RELEASE_WAIT) != FenceStatus.PENDING;
            } catch (DmaInterruptedException e) {
                // the interrupt status is set again; free once the copy signals
            }
        }
        if (done || !f.addCallback(x -> free())) {
            free();
        } else {
            LOG.log(System.Logger.Level.WARNING, describe() + " was released while the copy of a move is still pending"
                    + " after " + RELEASE_WAIT + "; its memory is freed when the copy ends");
        }
    }

    private void free() {
        staging.free();
        heap.released(this, location, size);
    }

    /** Unplug: revokes the buffer (REV-1), unless released or revoked already. */
    void revokeForUnplug(Duration timeout) {
        ExportedBuffer e = exported;
        if (e != null && !released && !e.isRevoked()) {
            e.revoke(timeout);
        }
    }

    @Override
    public String toString() {
        Location l = location;
        return l instanceof InDevice d ? "in device memory of '" + heap.device().name() + "' at bus 0x"
                + Long.toHexString(d.offset()) : "in system memory, " + ((InSystem) l).chunks().size() + " chunk(s)";
    }
}
