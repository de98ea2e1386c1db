package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Fences;
import org.dmabuf4j.api.OwnershipViolationException;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.Counters;
import org.dmabuf4j.core.DeviceCounters;
import org.dmabuf4j.core.DeviceMemory;
import org.dmabuf4j.core.HeapCounters;
import org.dmabuf4j.core.OwnershipPolicy;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedImages;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.core.TiledHeap;
import org.dmabuf4j.core.debug.BufInfo;
import org.dmabuf4j.core.debug.ExportEvent;
import org.dmabuf4j.core.debug.LeakSink;
import org.dmabuf4j.core.debug.Leaks;
import org.dmabuf4j.core.debug.ThreadCounters;
import org.dmabuf4j.core.device.DeviceDirectory;
import org.dmabuf4j.core.device.OwnershipSink;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.dmabuf4j.core.heap.ContiguousHeap;
import org.dmabuf4j.core.heap.HeapExports;
import org.dmabuf4j.core.heap.HeapStats;
import org.dmabuf4j.core.heap.SystemHeap;
import org.dmabuf4j.core.image.ImageAllocatorImpl;
import org.dmabuf4j.core.move.AccountedHeap;
import org.dmabuf4j.core.sync.AcquireContextImpl;
import org.dmabuf4j.core.sync.FencesImpl;
import org.dmabuf4j.core.sync.LockAll;
import org.dmabuf4j.core.tiled.TiledHeapImpl;
import org.dmabuf4j.core.vram.DeviceMemoryImpl;

/**
 * The reference system: registry of live buffers, heaps, devices, counters, leak and ownership reports.
 */
public final class SystemImpl implements SimulatedSystem, HeapExports, OwnershipSink, DeviceDirectory, LeakSink {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j");

    /** Per exporter class: whether it overrides pin (bit 0) and unpin (bit 1), for BUF-10. */
    private static final ClassValue<Integer> PIN_METHODS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return (overrides(type, "pin") ? 1 : 0) | (overrides(type, "unpin") ? 2 : 0);
        }
    };

    private final boolean leakDetection;
    private final SystemHeap systemHeap;
    private final ContiguousHeap contiguousHeap;
    private final TiledHeapImpl tiledHeap;
    private final ImageAllocatorImpl images;
    /** Heaps beside system and contiguous: tiled, and each device's local memory. */
    private final CopyOnWriteArrayList<AccountedHeap> moreHeaps = new CopyOnWriteArrayList<>();
    private final FencesImpl fences = new FencesImpl();
    /**
     * The live buffers: a list linked through the buffers themselves (the kernel's db_list), so a live buffer costs
     * the registry two fields and no node, and export and release are O(1) however many are live (issue 15).
     */
    private final Object registryLock = new Object();
    /** The first live buffer, or null; guarded by registryLock. */
    private BufferCore firstLive;
    /** How many are live; guarded by registryLock. */
    private int liveCount;
    private final AtomicLong ids = new AtomicLong();
    private final CopyOnWriteArrayList<SimulatedDeviceImpl> devices = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Reservations of buffers released while locked, for leak checks; weak: nothing else keeps them. */
    private final Set<Reservation> lockedAtRelease = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    private volatile OwnershipPolicy policy;

    private final List<OwnershipViolationException> ownershipReports = new ArrayList<>();
    private final List<String> leakReports = new ArrayList<>();

    private final AtomicLong cacheBytes = new AtomicLong();
    /** Bytes of exporter arenas ({@link #exporterArena()}) not yet freed. */
    private final AtomicLong exporterBytes = new AtomicLong();
    /** Live exporter arenas by scope (SAFE-1): the memory framework views may pin. */
    private final ConcurrentHashMap<MemorySegment.Scope, OwnedArena> owned = new ConcurrentHashMap<>();
    /**
     * The counters of the hot paths (export, release, attach, map, unmap, CPU access, sync), counted without atomics
     * (issue 15); live buffers and bytes are exports minus releases.
     */
    private final ThreadCounters pathCounts = new ThreadCounters(10);
    private static final int CPU_ACCESSES = 0;
    private static final int SYNCS = 1;
    private static final int BYTES_SYNCED = 2;
    private static final int EXPORTS = 3;
    private static final int EXPORTED_BYTES = 4;
    private static final int RELEASES = 5;
    private static final int RELEASED_BYTES = 6;
    private static final int ATTACHES = 7;
    private static final int MAPS = 8;
    private static final int UNMAPS = 9;
    private final LongAdder violations = new LongAdder();
    private final LongAdder leaks = new LongAdder();

    SystemImpl(SystemBuilder b) {
        this.leakDetection = b.leakDetection;
        this.policy = b.policy;
        this.systemHeap = new SystemHeap(this, b.systemHeapCapacity);
        this.contiguousHeap = new ContiguousHeap(this, b.contiguousPoolBytes);
        this.tiledHeap = new TiledHeapImpl(this, b.systemHeapCapacity);
        this.moreHeaps.add(tiledHeap);
        this.images = new ImageAllocatorImpl(this, buf -> buf instanceof HandleImpl h && h.core.system == this,
                this::requireOpen);
    }

    private static boolean overrides(Class<?> type, String method) {
        try {
            return type.getMethod(method, Attachment.class).getDeclaringClass() != Exporter.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    // ---- export -------------------------------------------------------------------------------------------------

    @Override
    public ExportedBuffer export(ExportInfo info) {
        return export(info, null);
    }

    @Override
    public ExportedBuffer export(ExportInfo info, HeapStats stats) {
        if (info == null) {
            throw new RuleViolationException(Rule.BUF_7, "export(null): pass an ExportInfo naming the exporter, the"
                    + " size and the callbacks");
        }
        requireOpen("export");
        boolean dynamic = info.exporter().isDynamic();
        int pins = PIN_METHODS.get(info.exporter().getClass());
        if (pins == 1 || pins == 2 || (dynamic && pins != 3)) {
            throw new RuleViolationException(Rule.BUF_10, "export by exporter " + info.exporterName() + " ("
                    + info.exporter().getClass().getName() + "): " + (dynamic ? "it is dynamic but does not implement"
                    + " both pin and unpin" : "it implements only one of pin and unpin")
                    + "; a dynamic exporter implements both. Nothing was exported");
        }
        if (dynamic && info.exporter() instanceof CachesMappings) {
            throw new RuleViolationException(Rule.BUF_10, "export by exporter " + info.exporterName() + ": a dynamic"
                    + " exporter cannot have its mappings cached (CachesMappings); nothing was exported");
        }
        BufferCore core = new BufferCore(this, ids.incrementAndGet(), info.size(), info.exporterName(),
                info.exporter(), info.layout(), stats, dynamic);
        register(core);
        pathCounts.add(EXPORTS, 1, EXPORTED_BYTES, core.size);
        HandleImpl first = new HandleImpl(core);
        ExportEvent e = new ExportEvent();
        if (e.isEnabled()) {
            e.bufferId = core.id;
            e.exporter = core.exporterName;
            e.size = core.size;
            e.commit();
        }
        return new ExportedBufferImpl(core, first);
    }

    private void requireOpen(String what) {
        if (closed.get()) {
            throw new ClosedException(Rule.BUF_3, what + " on a closed system; create a new one with DmaBufs");
        }
    }

    @Override
    public Arena exporterArena() {
        requireOpen("exporterArena");
        OwnedArena a = new OwnedArena(this, leakDetection ? Leaks.site("an exporter arena") : null);
        owned.put(a.scope(), a);
        if (closed.get()) {
            a.forceFree(); // lost a race with close: no arena outlives its system
            throw new ClosedException(Rule.BUF_3, "exporterArena on a closed system; create a new one with DmaBufs");
        }
        return a;
    }

    /** The exporter arena a segment belongs to, or null: how framework views recognise memory they may pin. */
    OwnedArena ownedArena(MemorySegment s) {
        return owned.isEmpty() ? null : owned.get(s.scope());
    }

    /** An exporter arena allocated (positive) or freed (negative) bytes. */
    void exporterBytes(long delta) {
        exporterBytes.addAndGet(delta);
    }

    void ownedFreed(OwnedArena a) {
        owned.remove(a.scope(), a);
    }

    private void register(BufferCore core) {
        synchronized (registryLock) {
            BufferCore first = firstLive;
            core.nextLive = first;
            if (first != null) {
                first.previousLive = core;
            }
            firstLive = core;
            liveCount++;
        }
    }

    void unregister(BufferCore core) {
        synchronized (registryLock) {
            BufferCore prev = core.previousLive;
            BufferCore next = core.nextLive;
            if (prev == null && firstLive != core) {
                return; // not listed (already unregistered)
            }
            if (prev != null) {
                prev.nextLive = next;
            } else {
                firstLive = next;
            }
            if (next != null) {
                next.previousLive = prev;
            }
            core.previousLive = null;
            core.nextLive = null;
            liveCount--;
        }
        if (core.reservation.isLocked()) {
            lockedAtRelease.add(core.reservation);
        }
    }

    /** The live buffers, by id (a snapshot). */
    private List<BufferCore> live() {
        List<BufferCore> out = new ArrayList<>();
        synchronized (registryLock) {
            for (BufferCore c = firstLive; c != null; c = c.nextLive) {
                out.add(c);
            }
        }
        out.sort(java.util.Comparator.comparingLong(c -> c.id));
        return out;
    }

    void released(BufferCore core) {
        pathCounts.add(RELEASES, 1, RELEASED_BYTES, core.size);
    }

    // ---- heaps, fences, locks -----------------------------------------------------------------------------------

    @Override
    public DmaHeap heap(String name) {
        if (SystemHeap.NAME.equals(name)) {
            return systemHeap;
        }
        if (ContiguousHeap.NAME.equals(name)) {
            return contiguousHeap;
        }
        for (AccountedHeap h : moreHeaps) {
            if (h.name().equals(name)) {
                return h;
            }
        }
        List<String> names = new ArrayList<>();
        for (DmaHeap h : heaps()) {
            names.add("'" + h.name() + "'");
        }
        throw new RuleViolationException(Rule.HEAP_3, "no heap named " + (name == null ? "null" : "'" + name + "'")
                + "; the heaps are " + String.join(", ", names));
    }

    @Override
    public Collection<DmaHeap> heaps() {
        List<DmaHeap> all = new ArrayList<>(List.of(systemHeap, contiguousHeap));
        all.addAll(moreHeaps);
        return List.copyOf(all);
    }

    @Override
    public TiledHeap tiledHeap() {
        return tiledHeap;
    }

    /** Gives a new device its local memory, registered as a heap. */
    DeviceMemory addLocalMemory(SimulatedDeviceImpl device, long bytes) {
        DeviceMemoryImpl memory = new DeviceMemoryImpl(device, bytes, this);
        device.setLocalHeap(memory);
        // after the engines' hook (registered when the device was made): their pending jobs have failed by then, so
        // the revocation does not wait for them
        device.onClose(memory::unplug);
        moreHeaps.add(memory);
        return memory;
    }

    @Override
    public SimulatedImages images() {
        return images;
    }

    @Override
    public Fence move(DmaBuf buffer) {
        return BufferMoves.move(this, buffer);
    }

    @Override
    public void revoke(DmaBuf buffer, Duration timeout) {
        BufferMoves.revoke(this, buffer, timeout);
    }

    @Override
    public DmaHeap contiguousHeap() {
        return contiguousHeap;
    }

    @Override
    public org.dmabuf4j.api.SyncObject newSyncObject(org.dmabuf4j.api.SyncObjectKind kind, String name) {
        requireOpen("newSyncObject");
        return new org.dmabuf4j.core.sync.SyncObjectImpl(kind, name);
    }

    @Override
    public java.util.OptionalInt awaitSyncPoints(List<org.dmabuf4j.api.SyncPoint> points,
            java.util.Set<org.dmabuf4j.api.SyncWaitFlag> flags, java.time.Duration timeout) {
        return org.dmabuf4j.core.sync.SyncWaits.await(points, flags, timeout);
    }

    @Override
    public Fences fences() {
        return fences;
    }

    @Override
    public AcquireContext newAcquireContext() {
        return AcquireContextImpl.create(this);
    }

    @Override
    public ReservationSet lockAll(Collection<? extends Reservation> rs) {
        return LockAll.lockAll(rs);
    }

    // ---- devices -------------------------------------------------------------------------------------------------

    @Override
    public SimulatedDevice.Builder newDevice(String name) {
        if (name == null || name.isBlank()) {
            throw new RuleViolationException(Rule.DEV_2, "newDevice(" + (name == null ? "null" : "'" + name + "'")
                    + "): a device needs a name, unique in its system");
        }
        return new DeviceBuilder(this, name);
    }

    synchronized SimulatedDevice addDevice(String name, DmaConstraints constraints, boolean coherent,
            boolean peerToPeer, int engines, org.dmabuf4j.core.device.ImageSupport images) {
        requireOpen("newDevice");
        for (SimulatedDeviceImpl d : devices) {
            if (d.name().equals(name)) {
                throw new RuleViolationException(Rule.DEV_2, "a device named '" + name + "' exists already; device"
                        + " names are unique in a system");
            }
        }
        SimulatedDeviceImpl d = new SimulatedDeviceImpl(name, devices.size() + 1, constraints, coherent, peerToPeer,
                this, engines);
        d.setImageSupport(images);
        devices.add(d);
        return d;
    }

    @Override
    public List<SimulatedDevice> devices() {
        return List.copyOf(devices);
    }

    @Override
    public String otherDevicesMapping(long address, SimulatedDeviceImpl except) {
        StringBuilder sb = new StringBuilder();
        for (SimulatedDeviceImpl d : devices) {
            if (d != except && d.translates(address)) {
                sb.append(sb.isEmpty() ? "" : ", ").append('\'').append(d.name()).append('\'');
            }
        }
        return sb.toString();
    }

    // ---- ownership ----------------------------------------------------------------------------------------------

    @Override
    public OwnershipPolicy globalPolicy() {
        return policy;
    }

    @Override
    public void violation(OwnershipViolationException v, boolean recorded) {
        violations.increment();
        if (recorded) {
            synchronized (ownershipReports) {
                ownershipReports.add(v);
            }
        }
    }

    @Override
    public void setOwnershipPolicy(DmaBuf buffer, OwnershipPolicy newPolicy) {
        if (buffer == null || newPolicy == null) {
            throw new RuleViolationException(Rule.CPU_11, "setOwnershipPolicy with a null "
                    + (buffer == null ? "buffer" : "policy"));
        }
        if (!(buffer instanceof HandleImpl h) || h.core.system != this) {
            throw new RuleViolationException(Rule.CPU_11, "setOwnershipPolicy for " + buffer
                    + ", which is not a buffer of this system");
        }
        if (!h.isOpen()) {
            throw new ClosedException(Rule.BUF_3, "setOwnershipPolicy on a closed handle of " + h.core.describe());
        }
        h.core.ownership.setPolicy(newPolicy);
    }

    @Override
    public List<OwnershipViolationException> ownershipReports() {
        synchronized (ownershipReports) {
            return List.copyOf(ownershipReports);
        }
    }

    // ---- leaks ----------------------------------------------------------------------------------------------------

    @Override
    public boolean leakDetection() {
        return leakDetection;
    }

    @Override
    public void leaked(String report) {
        leaks.increment();
        if (!leakDetection) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, report);
        synchronized (leakReports) {
            leakReports.add(report);
            leakReports.notifyAll();
        }
    }

    @Override
    public List<String> leakReports() {
        synchronized (leakReports) {
            return List.copyOf(leakReports);
        }
    }

    /**
     * Waits until at least {@code count} leaks were reported, for tests (the garbage collector decides when).
     *
     * @param count the number of reports
     * @param timeout the bound
     * @return true if that many reports exist
     * @throws InterruptedException if interrupted
     */
    public boolean awaitLeakReports(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (leakReports) {
            while (leakReports.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                leakReports.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    System.Logger log() {
        return LOG;
    }

    // ---- counters -------------------------------------------------------------------------------------------------

    void cacheAllocated(long bytes) {
        cacheBytes.addAndGet(bytes);
    }

    void cacheFreed(long bytes) {
        cacheBytes.addAndGet(-bytes);
    }

    void countSync(long bytes) {
        pathCounts.add(SYNCS, 1, BYTES_SYNCED, bytes);
    }

    void attached() {
        pathCounts.add(ATTACHES, 1);
    }

    void mapped() {
        pathCounts.add(MAPS, 1);
    }

    void unmapped() {
        pathCounts.add(UNMAPS, 1);
    }

    void cpuAccessed() {
        pathCounts.add(CPU_ACCESSES, 1);
    }

    @Override
    public long liveNativeBytes() {
        long n = systemHeap.liveBytes() + contiguousHeap.liveBytes() + cacheBytes.get() + exporterBytes.get();
        for (AccountedHeap h : moreHeaps) {
            n += h.nativeBytes();
        }
        return n;
    }

    @Override
    public Counters counters() {
        List<HeapCounters> hc = new ArrayList<>(List.of(systemHeap.stats().snapshot(),
                contiguousHeap.stats().snapshot()));
        for (AccountedHeap h : moreHeaps) {
            hc.add(h.stats().snapshot());
        }
        List<DeviceCounters> dc = new ArrayList<>();
        for (SimulatedDeviceImpl d : devices) {
            dc.add(d.counters());
        }
        long exports = pathCounts.sum(EXPORTS);
        long releases = pathCounts.sum(RELEASES);
        return new Counters(exports - releases, pathCounts.sum(EXPORTED_BYTES) - pathCounts.sum(RELEASED_BYTES),
                liveNativeBytes(), exports, releases, pathCounts.sum(ATTACHES), pathCounts.sum(MAPS),
                pathCounts.sum(UNMAPS), pathCounts.sum(CPU_ACCESSES),
                pathCounts.sum(SYNCS), pathCounts.sum(BYTES_SYNCED), violations.sum(), leaks.sum(),
                hc, dc);
    }

    /**
     * The reservations of this system's buffers that some thread holds, for leak checks.
     *
     * @return the held reservations
     */
    public List<Reservation> heldReservations() {
        List<Reservation> out = new ArrayList<>();
        for (BufferCore c : live()) {
            if (c.reservation.isLocked()) {
                out.add(c.reservation);
            }
        }
        synchronized (lockedAtRelease) {
            for (Reservation r : lockedAtRelease) {
                if (r.isLocked()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Open ownership claims (CPU windows, device accesses) over all live buffers, for leak checks.
     *
     * @return the count
     */
    public int openOwnershipClaims() {
        int n = 0;
        for (BufferCore c : live()) {
            n += c.ownership.openClaims();
        }
        return n;
    }

    // ---- dump, close --------------------------------------------------------------------------------------------

    @Override
    public String describeBuffers() {
        List<BufInfo.Buffer> rows = new ArrayList<>();
        for (BufferCore c : live()) {
            rows.add(c.info());
        }
        return BufInfo.format(rows);
    }

    @Override
    public List<Long> liveBufferIds() {
        List<Long> ids = new ArrayList<>();
        for (BufferCore c : live()) {
            ids.add(c.id);
        }
        return List.copyOf(ids);
    }

    /**
     * Closes the system (SAFE-2 for what foreign code throws meanwhile): every open buffer is force-detached and
     * released, every device closed, the pools and the exporter arenas freed, whatever an exporter or importer
     * throws on the way. RuntimeExceptions of foreign code are logged (the caller is tearing everything down and
     * could do nothing with them); the first Error is rethrown once everything is closed, the others suppressed in
     * it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Throwable errors = null;
        for (BufferCore core : live()) {
            StringBuilder open = new StringBuilder();
            for (String site : core.openSites()) {
                open.append("\n\t").append(site);
            }
            LOG.log(System.Logger.Level.WARNING, "system closed with " + core.describe() + " still open ("
                    + core.handleCount() + " handle(s), " + core.attachments().length + " attachment(s), "
                    + core.ownership.openWindows() + " CPU window(s)); releasing it" + open);
            errors = forceClose(core, errors);
        }
        for (SimulatedDeviceImpl d : devices) {
            try {
                d.close();
            } catch (RuntimeException e) {
                // a revocation of its local memory timed out (REV-4): the other devices still close
                LOG.log(System.Logger.Level.WARNING, "closing device '" + d.name() + "' with the system", e);
            } catch (Error e) {
                errors = addError(errors, e);
            }
        }
        systemHeap.closePool();
        contiguousHeap.closePool();
        for (OwnedArena a : List.copyOf(owned.values())) {
            a.forceFree();
        }
        if (errors instanceof Error e) {
            throw e;
        }
    }

    private static Throwable addError(Throwable errors, Error e) {
        if (errors == null) {
            return e;
        }
        if (errors != e) {
            errors.addSuppressed(e);
        }
        return errors;
    }

    /**
     * Detaches every attachment of a buffer the system is closing and releases it. Each step runs whatever the
     * previous ones threw (SAFE-2): an attachment whose unmap or unpin failed is still gone, so the exporter still
     * hears its detach; RuntimeExceptions are logged, Errors collected for {@link #close()} to rethrow at the end.
     *
     * @param core the buffer
     * @param errors the Errors collected so far, or null
     * @return the Errors collected now, or null
     */
    private Throwable forceClose(BufferCore core, Throwable errors) {
        if (!core.reservation.tryLock()) {
            LOG.log(System.Logger.Level.WARNING, core.describe() + " is locked by another thread; not released");
            return errors;
        }
        List<AttachmentImpl> detached = new ArrayList<>();
        try {
            // a snapshot of the list: forceDetachLocked unlinks each attachment from it
            for (AttachmentImpl a : core.attachments()) {
                // forceDetachLocked completes every step and removes the attachment, whatever it then rethrows
                detached.add(a);
                try {
                    a.forceDetachLocked();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "exporter " + core.exporterName + " failed to unmap or"
                            + " unpin " + a.describe() + " while the system closed; it is detached anyway", e);
                } catch (Error e) {
                    errors = addError(errors, e);
                }
            }
        } finally {
            core.reservation.unlock();
        }
        for (AttachmentImpl a : detached) {
            try {
                core.exporter.detach(a);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "exporter " + core.exporterName + " failed to detach "
                        + a.describe() + " while the system closed", e);
            } catch (Error e) {
                errors = addError(errors, e);
            }
        }
        try {
            if (!core.forceRelease()) {
                LOG.log(System.Logger.Level.WARNING, core.describe() + " has open CPU windows; its memory is kept"
                        + " until they close");
            }
        } catch (Error e) {
            // release() finished its bookkeeping in finally: the buffer is released
            errors = addError(errors, e);
        }
        return errors;
    }

    @Override
    public String toString() {
        int n;
        synchronized (registryLock) {
            n = liveCount;
        }
        return "SimulatedSystem (" + n + " live buffers, " + devices.size() + " devices)";
    }
}
