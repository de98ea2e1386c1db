package org.dmabuf4j.core.vram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.HeapExhaustedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.DeviceMemory;
import org.dmabuf4j.core.DeviceMemoryCounters;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.dmabuf4j.core.heap.FreeRegions;
import org.dmabuf4j.core.heap.HeapExports;
import org.dmabuf4j.core.heap.HeapSizes;
import org.dmabuf4j.core.heap.HeapStats;
import org.dmabuf4j.core.move.AccountedHeap;
import org.dmabuf4j.core.vram.Location.InDevice;
import org.dmabuf4j.core.vram.Location.InSystem;

/**
 * A device's local memory ("VRAM") and the heap {@code vram@<device>} over it: a fixed-capacity pool of regions
 * (first fit, freed regions merge) and the buffers resident in it in least-recently-used order. Copies run on the
 * device's first engine.
 *
 * <p>Locking: the pool's monitor guards the free list and the LRU order only; it is never held while taking a
 * reservation lock or waiting for a fence. Eviction takes victims' locks with tryLock only (a busy buffer is skipped),
 * so it cannot deadlock with the mover's own lock.
 */
public final class DeviceMemoryImpl implements DeviceMemory, AccountedHeap {
    private static final long PAGE = DmaConstraints.PAGE_SIZE;
    /** How long an unplug waits for each buffer's revocation (REV-1). */
    static final Duration UNPLUG_TIMEOUT = Duration.ofSeconds(5);

    private final SimulatedDeviceImpl device;
    private final String name;
    private final long capacity;
    private final HeapExports exports;
    private final HeapStats stats;
    private final HeapSizes sizes;
    private final KernelCopies copies;
    private final ConcurrentHashMap<Long, VramExporter> live = new ConcurrentHashMap<>();

    // the pool, under this
    private final FreeRegions free = new FreeRegions();
    /** Resident buffers, least recently used first (access order). */
    private final LinkedHashMap<VramExporter, Boolean> resident = new LinkedHashMap<>(16, 0.75f, true);
    private Arena poolArena;
    private MemorySegment pool;
    private boolean unplugged;

    private final AtomicLong residentBytes = new AtomicLong();
    private final AtomicLong systemBytes = new AtomicLong();
    private final AtomicLong stagingBytes = new AtomicLong();
    private final AtomicLong systemBuffers = new AtomicLong();
    private final LongAdder moves = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder migrations = new LongAdder();
    private final LongAdder bytesCopied = new LongAdder();
    private final LongAdder refusedPins = new LongAdder();

    /**
     * Creates the local memory of a device; the pool is allocated on first use.
     *
     * @param device the device
     * @param capacity the pool's size, a positive multiple of the page size
     * @param exports the system's export
     */
    public DeviceMemoryImpl(SimulatedDeviceImpl device, long capacity, HeapExports exports) {
        this.device = device;
        this.name = "vram@" + device.name();
        this.capacity = capacity;
        this.exports = exports;
        this.stats = new HeapStats(name);
        this.sizes = new HeapSizes(name, capacity, REVOCABLE_ONLY, "0 or DeviceMemory.REVOCABLE_ONLY", stats);
        this.copies = new KernelCopies(device);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SimulatedDevice device() {
        return device;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public long validFlags() {
        return REVOCABLE_ONLY;
    }

    KernelCopies copies() {
        return copies;
    }

    // ---- allocation ------------------------------------------------------------------------------------------------

    @Override
    public DmaBuf allocate(long size, long heapFlags) {
        return allocate(size, heapFlags, Optional.empty());
    }

    @Override
    public DmaBuf allocate(BufferLayout layout) {
        BufferLayout l = sizes.linearLayout(layout);
        return allocate(l.minimumSize(), 0, Optional.of(l));
    }

    private DmaBuf allocate(long size, long flags, Optional<BufferLayout> layout) {
        long bytes = sizes.check(size, flags);
        synchronized (this) {
            if (unplugged) {
                throw new ClosedException(Rule.ATT_7, "allocation from heap '" + name + "': device '" + device.name()
                        + "' is unplugged");
            }
        }
        Location loc = placeEvicting(bytes, null);
        if (loc == null) {
            loc = allocateSystem(bytes);
        }
        VramExporter exporter = new VramExporter(this, bytes, loc, (flags & REVOCABLE_ONLY) != 0);
        ExportedBuffer exported;
        try {
            exported = exports.export(new ExportInfo(name, bytes, exporter, layout), stats);
        } catch (RuntimeException e) {
            free(loc, bytes);
            throw e;
        }
        exporter.bind(exported);
        boolean unpluggedMeanwhile;
        synchronized (this) {
            // read with the registration under the monitor: either the unplug finds the buffer in live and revokes
            // it (REV-1), or the buffer sees the unplug and is released below
            unpluggedMeanwhile = unplugged;
            if (!unpluggedMeanwhile) {
                live.put(exporter.id(), exporter);
                if (loc instanceof InDevice) {
                    resident.put(exporter, Boolean.TRUE);
                }
            }
        }
        if (!(loc instanceof InDevice)) {
            systemBuffers.incrementAndGet();
        }
        stats.allocated(bytes);
        DmaBuf handle = exported.handle();
        if (unpluggedMeanwhile) {
            handle.close(); // released at once, through released(): nothing of it stays
            throw new ClosedException(Rule.ATT_7, "allocation from heap '" + name + "': device '" + device.name()
                    + "' was unplugged during the allocation; nothing was allocated");
        }
        return handle;
    }

    /** Zeroed system pages, counted. */
    InSystem allocateSystem(long bytes) {
        InSystem s = InSystem.allocate(bytes);
        systemBytes.addAndGet(bytes);
        return s;
    }

    /**
     * A zeroed region of the pool, if one is free now.
     *
     * @param bytes page multiple
     * @return the region, or null
     */
    synchronized InDevice tryAllocate(long bytes) {
        if (unplugged || bytes > capacity) {
            return null;
        }
        if (pool == null) {
            Arena a = Arena.ofShared();
            try {
                pool = a.allocate(capacity, PAGE);
            } catch (OutOfMemoryError e) {
                a.close();
                return null;
            }
            poolArena = a;
            free.reset(capacity);
            device.setLocalMemory(pool);
        }
        long off = free.take(bytes);
        if (off < 0) {
            return null;
        }
        residentBytes.addAndGet(bytes);
        MemorySegment region = pool.asSlice(off, bytes);
        // regions are reused: the previous buffer's bytes must not reach the next one (HEAP-1); a freed region is
        // never read by a pending copy (copies free what they read when done)
        region.fill((byte) 0);
        return new InDevice(off, region);
    }

    /**
     * A region of the pool, evicting unpinned resident buffers, least recently used first, until one fits.
     *
     * @param bytes page multiple
     * @param self the buffer being placed, never evicted; may be null
     * @return the region, or null if even eviction cannot make room
     * @throws DmaInterruptedException (HEAP-3) if interrupted while waiting for an eviction
     */
    InDevice placeEvicting(long bytes, VramExporter self) {
        if (bytes > capacity) {
            return null;
        }
        while (true) {
            InDevice d = tryAllocate(bytes);
            if (d != null) {
                return d;
            }
            List<VramExporter> lru;
            synchronized (this) {
                if (unplugged) {
                    return null;
                }
                lru = new ArrayList<>(resident.keySet());
            }
            Fence evicted = null;
            for (VramExporter v : lru) {
                if (v != self) {
                    evicted = v.tryEvict();
                    if (evicted != null) {
                        break;
                    }
                }
            }
            if (evicted == null) {
                return null;
            }
            try {
                // a failed eviction copy still freed its space: wait without throwing for the fence's error
                while (evicted.awaitStatus(Duration.ofDays(1)) == FenceStatus.PENDING) {
                    Thread.onSpinWait();
                }
            } catch (DmaInterruptedException e) {
                throw new DmaInterruptedException(Rule.HEAP_3, "placing " + bytes + " bytes in the memory of device '"
                        + device.name() + "' was interrupted while waiting for an eviction; nothing was allocated",
                        e.getCause() instanceof InterruptedException ie ? ie : null);
            }
        }
    }

    // ---- bookkeeping called by the exporters ------------------------------------------------------------------------

    /** The buffer was used: it becomes the most recently used (eviction picks the least). */
    void touch(VramExporter e) {
        if (e.location() instanceof InDevice) {
            synchronized (this) {
                resident.get(e);
            }
        }
    }

    /** Under the buffer's lock, right after a move was queued. */
    void moved(VramExporter e, Location from, Location to, VramExporter.Kind kind) {
        synchronized (this) {
            if (to instanceof InDevice) {
                resident.put(e, Boolean.TRUE);
            } else {
                resident.remove(e);
            }
        }
        if (from instanceof InSystem && to instanceof InDevice) {
            systemBuffers.decrementAndGet();
        } else if (from instanceof InDevice && to instanceof InSystem) {
            systemBuffers.incrementAndGet();
        }
        switch (kind) {
            case MOVE -> moves.increment();
            case EVICTION -> evictions.increment();
            case MIGRATION -> migrations.increment();
        }
    }

    /** On the device's engine: the copy of a move. */
    void copy(Location from, Location to, long bytes) {
        MemorySegment.copy(from.memory(), 0, to.memory(), 0, bytes);
        bytesCopied.add(bytes);
    }

    /** Returns a location's memory: to the pool, or to the OS. */
    void free(Location loc, long bytes) {
        if (loc instanceof InDevice d) {
            synchronized (this) {
                if (poolArena != null) { // else the unplug freed the pool already, with every region in it
                    free.give(d.offset(), bytes);
                }
                residentBytes.addAndGet(-bytes);
            }
        } else if (loc instanceof InSystem s) {
            s.arena().close();
            systemBytes.addAndGet(-bytes);
        }
    }

    /** The buffer was released: its memory goes back (after its last copy). */
    void released(VramExporter e, Location loc, long bytes) {
        live.remove(e.id());
        synchronized (this) {
            resident.remove(e);
        }
        if (loc instanceof InSystem) {
            systemBuffers.decrementAndGet();
        }
        free(loc, bytes);
        stats.freed(bytes);
        synchronized (this) {
            if (unplugged && live.isEmpty()) {
                freePool();
            }
        }
    }

    void stagingAllocated(long bytes) {
        stagingBytes.addAndGet(bytes);
    }

    void staged(long bytes) {
        if (bytes > 0) {
            stats.countSync(bytes);
        }
    }

    void pinRefused() {
        refusedPins.increment();
    }

    // ---- queries -------------------------------------------------------------------------------------------------

    @Override
    public boolean isResident(DmaBuf buffer) {
        VramExporter e = buffer == null ? null : live.get(buffer.id());
        if (e == null) {
            throw new RuleViolationException(Rule.P2P_1, "isResident(" + buffer + "): not a live buffer of heap '"
                    + name + "'");
        }
        return e.location() instanceof InDevice;
    }

    @Override
    public long liveBytes() {
        return stats.liveBytes();
    }

    @Override
    public long nativeBytes() {
        return residentBytes.get() + systemBytes.get() + stagingBytes.get();
    }

    @Override
    public HeapStats stats() {
        return stats;
    }

    @Override
    public DeviceMemoryCounters counters() {
        long resBuffers;
        synchronized (this) {
            resBuffers = resident.size();
        }
        return new DeviceMemoryCounters(name, capacity, resBuffers, residentBytes.get(), systemBuffers.get(),
                systemBytes.get(), stagingBytes.get(), moves.sum(), evictions.sum(), migrations.sum(),
                bytesCopied.sum(), refusedPins.sum());
    }

    // ---- unplug ------------------------------------------------------------------------------------------------------

    /**
     * The device was unplugged (its engines have ended): revokes every buffer (REV-1) and frees the pool once the last
     * buffer is released.
     *
     * @throws DmaTimeoutException (REV-4) naming the buffers whose importers did not unmap in time
     */
    public void unplug() {
        synchronized (this) {
            if (unplugged) {
                return;
            }
            unplugged = true;
        }
        List<String> late = new ArrayList<>();
        RuntimeException failure = null;
        for (VramExporter e : new ArrayList<>(live.values())) {
            try {
                e.revokeForUnplug(UNPLUG_TIMEOUT);
            } catch (DmaTimeoutException t) {
                late.add(t.getMessage());
            } catch (RuntimeException t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        synchronized (this) {
            if (live.isEmpty()) {
                freePool();
            }
        }
        if (!late.isEmpty()) {
            throw new DmaTimeoutException(Rule.REV_4, "unplug of device '" + device.name() + "': " + late.size()
                    + " buffer(s) of its memory were revoked but their importers did not unmap within "
                    + UNPLUG_TIMEOUT + ": " + late);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void freePool() {
        if (poolArena != null) {
            device.setLocalMemory(null);
            poolArena.close();
            poolArena = null;
            pool = null;
            free.clear();
        }
    }

    @Override
    public String toString() {
        return "heap '" + name + "' (" + residentBytes.get() + " of " + capacity + " bytes of device memory in use, "
                + live.size() + " buffers)";
    }
}
