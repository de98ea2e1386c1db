package org.dmabuf4j.core.device;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.DeviceCounters;
import org.dmabuf4j.core.DeviceEngine;
import org.dmabuf4j.core.DeviceMemory;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.debug.ThreadCounters;
import org.dmabuf4j.core.engine.EngineImpl;

/**
 * A simulated device with its own IOMMU. Thread-safe: DMA runs under the IOMMU's read lock, map and
 * unmap under its write lock.
 */
public final class SimulatedDeviceImpl implements SimulatedDevice {
    private static final long PAGE = DmaConstraints.PAGE_SIZE;

    private final String name;
    private final DmaConstraints constraints;
    private final boolean coherent;
    private final boolean peerToPeer;
    private final DeviceDirectory directory;
    private final Iommu iommu;
    private final List<EngineImpl> engines;
    private volatile boolean open = true;
    private volatile MemorySegment localMemory;
    private volatile DeviceMemory localHeap;
    /** What the device declares about images; set by its builder before anyone sees the device. */
    private volatile ImageSupport images = ImageSupport.DEFAULT;
    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> closeHooks =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private long liveTranslations;
    /** Maps (0) and unmaps (1): on the map path, counted without atomics (issue 15). */
    private final ThreadCounters mapCounts = new ThreadCounters(2);
    private final LongAdder dmaReads = new LongAdder();
    private final LongAdder dmaWrites = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder bytesSynced = new LongAdder();

    /**
     * Creates a device.
     *
     * @param name the name, unique in its system
     * @param index the device's number in its system, from 1: chooses its address window
     * @param constraints its DMA constraints
     * @param coherent whether it snoops CPU caches
     * @param peerToPeer whether it can reach other devices' memory
     * @param directory the system's devices, for fault messages
     */
    public SimulatedDeviceImpl(String name, int index, DmaConstraints constraints, boolean coherent,
            boolean peerToPeer, DeviceDirectory directory) {
        this(name, index, constraints, coherent, peerToPeer, directory, 1);
    }

    /**
     * Creates a device with several engines.
     *
     * @param name the name, unique in its system
     * @param index the device's number in its system, from 1: chooses its address window
     * @param constraints its DMA constraints
     * @param coherent whether it snoops CPU caches
     * @param peerToPeer whether it can reach other devices' memory
     * @param directory the system's devices, for fault messages
     * @param engineCount how many asynchronous engines it has; at least 1
     */
    public SimulatedDeviceImpl(String name, int index, DmaConstraints constraints, boolean coherent,
            boolean peerToPeer, DeviceDirectory directory, int engineCount) {
        this.name = name;
        this.constraints = constraints;
        this.coherent = coherent;
        this.peerToPeer = peerToPeer;
        this.directory = directory;
        this.iommu = new Iommu(index, constraints);
        this.engines = EngineImpl.create(this, engineCount);
        onClose(() -> EngineImpl.closeAll(engines));
    }

    /**
     * The system the device belongs to, as its directory: attachments compare it with their buffer's (ATT-7).
     *
     * @return the directory given at creation
     */
    public DeviceDirectory directory() {
        return directory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DmaConstraints constraints() {
        return constraints;
    }

    @Override
    public boolean isCoherent() {
        return coherent;
    }

    @Override
    public boolean isPeerToPeerCapable() {
        return peerToPeer;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public org.dmabuf4j.api.image.FormatSet formats(org.dmabuf4j.api.image.ImageUsage usage) {
        if (usage == null) {
            throw new RuleViolationException(Rule.NEG_3, "formats(null) of device '" + name + "': pass SAMPLE, RENDER"
                    + " or SCANOUT");
        }
        return images.formats().get(usage);
    }

    @Override
    public org.dmabuf4j.api.image.LayoutConstraints importConstraints() {
        return images.importConstraints();
    }

    @Override
    public org.dmabuf4j.api.image.FormatModifier implicitModifier() {
        return images.implicitModifier();
    }

    /**
     * Sets what the device declares about images; called by its builder only, before the device is returned.
     *
     * @param support the declaration
     */
    public void setImageSupport(ImageSupport support) {
        images = support;
    }

    @Override
    public List<DeviceEngine> engines() {
        return List.copyOf(engines);
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        RuntimeException failure = null;
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public DeviceMemory localMemory() {
        DeviceMemory h = localHeap;
        if (h == null) {
            throw new UnsupportedFeatureException(Rule.P2P_1, "device '" + name + "' has no local memory; build it"
                    + " with newDevice(\"" + name + "\").localMemory(bytes)");
        }
        return h;
    }

    /**
     * Gives the device its local memory heap.
     *
     * @param heap the heap
     */
    public void setLocalHeap(DeviceMemory heap) {
        this.localHeap = heap;
    }

    /**
     * Runs {@code hook} once when the device is closed (unplugged), after it stops accepting work: how engines end
     * their jobs (DEV-7). Hooks run in registration order on the closing thread; one that fails does not stop the
     * others. Registering on a closed device runs the hook at once.
     *
     * @param hook what to run; not null
     */
    public void onClose(Runnable hook) {
        closeHooks.add(java.util.Objects.requireNonNull(hook, "hook"));
        if (!open && closeHooks.remove(hook)) {
            hook.run();
        }
    }

    private void requireOpen(String what) {
        if (!open) {
            throw new ClosedException(Rule.ATT_7, "device '" + name + "' is closed (unplugged): cannot " + what
                    + "; unmap and detach what is still mapped, and use an open device");
        }
    }

    // ---- mapping (exporters) ---------------------------------------------------------------------------------

    @Override
    public List<SgEntry> mapPages(List<MemorySegment> chunks, Direction direction) {
        if (chunks == null || chunks.isEmpty()) {
            throw new RuleViolationException(Rule.DEV_3, "mapPages on device '" + name + "' with "
                    + (chunks == null ? "null" : "no") + " chunks: pass the buffer's memory, in buffer order");
        }
        if (direction == null) {
            throw new RuleViolationException(Rule.DEV_4, "mapPages on device '" + name + "' with a null direction");
        }
        for (int i = 0; i < chunks.size(); i++) {
            MemorySegment c = chunks.get(i);
            if (c == null || !c.isNative() || c.byteSize() <= 0 || c.byteSize() % PAGE != 0
                    || c.address() % PAGE != 0) {
                throw new RuleViolationException(Rule.DEV_3, "device '" + name + "' cannot map chunk " + i + " ("
                        + (c == null ? "null" : (c.isNative() ? "native" : "heap") + " segment of " + c.byteSize()
                        + " bytes at 0x" + Long.toHexString(c.address())) + "): chunks are native, page-aligned"
                        + " memory of a positive multiple of " + PAGE + " bytes");
            }
        }
        requireOpen("map memory");
        long piece = maxPiece();
        int count = 0;
        for (MemorySegment c : chunks) {
            count += (int) ((c.byteSize() - 1) / piece + 1);
        }
        Translation.MapGroup group = count == 1 ? null : new Translation.MapGroup(count);
        List<Translation> installed = new ArrayList<>(count);
        List<SgEntry> entries = new ArrayList<>(count);
        long stamp = iommu.lock.writeLock();
        try {
            for (MemorySegment c : chunks) {
                for (long off = 0; off < c.byteSize(); off += piece) {
                    long len = Math.min(piece, c.byteSize() - off);
                    long native0 = c.address() + off;
                    long iova = iommu.allocate(len, constraints.segmentBoundary(), native0, native0 + len);
                    if (iova == -1) {
                        for (Translation t : installed) {
                            iommu.remove(t, "rolled back");
                        }
                        throw new RuleViolationException(Rule.DEV_3, "device '" + name + "' cannot reach "
                                + totalBytes(chunks) + " more bytes: its " + constraints.addressBits()
                                + "-bit address window [0x" + Long.toHexString(iommu.base()) + ", 0x"
                                + Long.toHexString(iommu.limit()) + "] is full (" + iommu.size()
                                + " translations); unmap mappings you no longer need");
                    }
                    // a whole chunk is its own view: no slice per translation (issue 15's footprint)
                    MemorySegment view = off == 0 && len == c.byteSize() ? c : c.asSlice(off, len);
                    Translation t = new Translation(iova, len, direction, view, null, 0, group, installed.size());
                    iommu.install(t);
                    installed.add(t);
                    entries.add(new SgEntry(iova, len, Optional.of(view)));
                }
            }
            liveTranslations += installed.size();
        } finally {
            iommu.lock.unlockWrite(stamp);
        }
        mapCounts.add(0, 1);
        return List.copyOf(entries);
    }

    private long maxPiece() {
        long p = constraints.maxSegmentSize();
        if (constraints.segmentBoundary() != 0) {
            p = Math.min(p, constraints.segmentBoundary());
        }
        return p;
    }

    private static long totalBytes(List<MemorySegment> chunks) {
        long n = 0;
        for (MemorySegment c : chunks) {
            n += c.byteSize();
        }
        return n;
    }

    @Override
    public List<SgEntry> mapPeer(Device owner, long busAddress, long length, Direction direction) {
        if (owner == null || direction == null) {
            throw new RuleViolationException(Rule.P2P_1, "mapPeer on device '" + name + "' with a null "
                    + (owner == null ? "owner" : "direction"));
        }
        // a device always reaches its own memory; another's only peer-to-peer
        if (owner != this && (!peerToPeer || !owner.isPeerToPeerCapable())) {
            throw new RuleViolationException(Rule.P2P_1, "device '" + name + "' cannot reach the memory of device '"
                    + owner.name() + "' peer-to-peer: " + (!peerToPeer ? "'" + name + "'" : "'" + owner.name() + "'")
                    + " is not peer-to-peer capable; migrate the buffer to system memory instead");
        }
        if (length <= 0 || length % PAGE != 0 || busAddress % PAGE != 0) {
            throw new RuleViolationException(Rule.DEV_3, "mapPeer on device '" + name + "': bus address 0x"
                    + Long.toHexString(busAddress) + " and length " + length + " must be page aligned and positive");
        }
        requireOpen("map peer memory");
        if (!owner.isOpen()) {
            throw new ClosedException(Rule.ATT_7, "mapPeer on device '" + name + "': the owner device '"
                    + owner.name() + "' is closed");
        }
        SimulatedDeviceImpl peer = owner instanceof SimulatedDeviceImpl s ? s : null;
        long piece = maxPiece();
        int count = (int) ((length - 1) / piece + 1);
        Translation.MapGroup group = count == 1 ? null : new Translation.MapGroup(count);
        List<Translation> installed = new ArrayList<>(count);
        List<SgEntry> entries = new ArrayList<>(count);
        long stamp = iommu.lock.writeLock();
        try {
            for (long off = 0; off < length; off += piece) {
                long len = Math.min(piece, length - off);
                long iova = iommu.allocate(len, constraints.segmentBoundary(), 0, 0);
                if (iova == -1) {
                    for (Translation t : installed) {
                        iommu.remove(t, "rolled back");
                    }
                    throw new RuleViolationException(Rule.DEV_3, "device '" + name + "' cannot reach " + length
                            + " bytes of peer memory: its address window is full");
                }
                Translation t = new Translation(iova, len, direction, null, peer, busAddress + off, group,
                        installed.size());
                iommu.install(t);
                installed.add(t);
                entries.add(SgEntry.withoutPage(iova, len));
            }
            liveTranslations += installed.size();
        } finally {
            iommu.lock.unlockWrite(stamp);
        }
        mapCounts.add(0, 1);
        return List.copyOf(entries);
    }

    @Override
    public void unmap(List<SgEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new RuleViolationException(Rule.DEV_9, "unmap on device '" + name + "' with "
                    + (entries == null ? "null" : "no") + " entries: pass exactly the entries one map call returned");
        }
        long stamp = iommu.lock.writeLock();
        try {
            List<Translation> found = new ArrayList<>(entries.size());
            Object group = null;
            int groupSize = 0;
            boolean[] seen = null;
            for (SgEntry e : entries) {
                Translation t = e == null ? null : iommu.exactly(e.dmaAddress());
                if (t == null || t.length != e.length()) {
                    throw notLive(e);
                }
                if (group == null) {
                    group = t.groupKey();
                    groupSize = t.groupSize();
                    seen = new boolean[groupSize];
                } else if (group != t.groupKey()) {
                    throw new RuleViolationException(Rule.DEV_9, "unmap on device '" + name + "': the entries come"
                            + " from different map calls; unmap exactly the entries of one call. Nothing was unmapped");
                }
                if (seen[t.index]) {
                    throw notLive(e); // the same entry twice: the second is already accounted for
                }
                seen[t.index] = true;
                found.add(t);
            }
            if (found.size() != groupSize) {
                throw new RuleViolationException(Rule.DEV_9, "unmap on device '" + name + "': " + found.size()
                        + " entries given but their map call installed " + groupSize
                        + "; unmap exactly the entries one map call returned. Nothing was unmapped");
            }
            for (Translation t : found) {
                iommu.remove(t, "unmapped");
            }
            liveTranslations -= found.size();
        } finally {
            iommu.lock.unlockWrite(stamp);
        }
        mapCounts.add(1, 1);
    }

    private RuleViolationException notLive(SgEntry e) {
        return new RuleViolationException(Rule.DEV_9, "unmap on device '" + name + "': " + (e == null ? "a null entry"
                : "entry 0x" + Long.toHexString(e.dmaAddress()) + "+" + e.length()) + " is not a live translation of"
                + " this device (already unmapped, another device's, or altered); nothing was unmapped");
    }

    @Override
    public boolean isMapped(long dmaAddress, long length) {
        if (length <= 0) {
            throw new RuleViolationException(Rule.DEV_1, "isMapped on device '" + name + "' with length " + length
                    + ": must be positive");
        }
        long stamp = iommu.lock.readLock();
        try {
            long pos = dmaAddress;
            long left = length;
            Translation t = iommu.containing(pos);
            while (t != null) {
                long n = Math.min(left, t.end() - pos);
                left -= n;
                pos += n;
                if (left == 0) {
                    return true;
                }
                t = iommu.exactly(pos);
            }
            return false;
        } finally {
            iommu.lock.unlockRead(stamp);
        }
    }

    @Override
    public long liveTranslations() {
        long stamp = iommu.lock.readLock();
        try {
            return liveTranslations;
        } finally {
            iommu.lock.unlockRead(stamp);
        }
    }

    // ---- framework hooks ----------------------------------------------------------------------------------------

    /**
     * Marks the translations of a mapping with the buffer bytes they reach, for ownership tracking (CPU-11, DEV-6).
     * Entries the device does not know (another device's, already gone) are skipped.
     *
     * @param entries the exporter's entries of one mapping, in buffer order
     * @param ownership the buffer's tracker
     */
    public void tag(List<SgEntry> entries, Ownership ownership) {
        long stamp = iommu.lock.readLock();
        try {
            long offset = 0;
            for (SgEntry e : entries) {
                Translation t = iommu.exactly(e.dmaAddress());
                if (t != null && t.length == e.length()) {
                    t.tag = new OwnershipTag(ownership, offset);
                }
                offset += e.length();
            }
        } finally {
            iommu.lock.unlockRead(stamp);
        }
    }

    /**
     * Records why the framework is about to have a mapping's translations removed (invalidated by a move, revoked),
     * so that a later fault through them says so.
     *
     * @param entries the exporter's entries of one mapping
     * @param fate why they go
     */
    public void noteFate(List<SgEntry> entries, String fate) {
        long stamp = iommu.lock.readLock();
        try {
            for (SgEntry e : entries) {
                Translation t = iommu.exactly(e.dmaAddress());
                if (t != null) {
                    t.fate = fate;
                }
            }
        } finally {
            iommu.lock.unlockRead(stamp);
        }
    }

    /**
     * Counts cache maintenance done for this device's mappings.
     *
     * @param bytes the bytes copied
     */
    public void countSync(long bytes) {
        syncs.increment();
        bytesSynced.add(bytes);
    }

    /**
     * Gives the device local memory that peers reach at bus addresses {@code [0, memory.byteSize())} (device memory
     * for peer-to-peer exporters).
     *
     * @param memory the memory, or null for none
     */
    public void setLocalMemory(MemorySegment memory) {
        this.localMemory = memory;
    }

    private MemorySegment busSlice(long bus, long length) {
        MemorySegment m = localMemory;
        if (m == null || bus < 0 || bus + length > m.byteSize()) {
            return null;
        }
        return m.asSlice(bus, length);
    }

    // ---- device access ------------------------------------------------------------------------------------------

    @Override
    public void dmaRead(long dmaAddress, MemorySegment dst) {
        if (dst == null || dst.byteSize() == 0 || dst.isReadOnly()) {
            throw new RuleViolationException(Rule.DEV_1, "dmaRead of device '" + name + "' into "
                    + (dst == null ? "null" : dst.byteSize() == 0 ? "an empty segment" : "a read-only segment")
                    + ": pass a writable segment of the bytes to read");
        }
        usable(dst, "dmaRead", "destination");
        try (DeviceAccess a = access(dmaAddress, dst.byteSize(), false)) {
            a.copyTo(dst);
        }
    }

    @Override
    public void dmaWrite(long dmaAddress, MemorySegment src) {
        if (src == null || src.byteSize() == 0) {
            throw new RuleViolationException(Rule.DEV_1, "dmaWrite of device '" + name + "' from "
                    + (src == null ? "null" : "an empty segment") + ": pass the bytes to write");
        }
        usable(src, "dmaWrite", "source");
        try (DeviceAccess a = access(dmaAddress, src.byteSize(), true)) {
            a.copyFrom(src);
        }
    }

    /** The caller's segment of a synchronous DMA is alive and usable by this thread, as an engine job's (DEV-8). */
    private void usable(MemorySegment s, String what, String role) {
        if (!s.scope().isAlive()) {
            throw new RuleViolationException(Rule.DEV_8, what + " of device '" + name + "' with a " + role
                    + " segment whose arena is closed: pass a live segment. Nothing was transferred");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new RuleViolationException(Rule.DEV_8, what + " of device '" + name + "' from thread '"
                    + Thread.currentThread().getName() + "' with a " + role + " segment of a confined arena of"
                    + " another thread: use it on its own thread, or a shared, automatic or global arena. Nothing was"
                    + " transferred");
        }
    }

    /**
     * Starts a device access: resolves {@code [dmaAddress, dmaAddress + length)} through the IOMMU, checks the
     * direction of every translation (DEV-4), claims the bytes (CPU-11, DEV-6). Close the result when the access ends.
     *
     * @param dmaAddress the first device address
     * @param length bytes; positive
     * @param write true for a device write, false for a read
     * @return the access
     * @throws IommuFaultException (DEV-1, DEV-4, DEV-5) if a byte is not translated as needed; nothing is claimed
     * @throws org.dmabuf4j.api.OwnershipViolationException (CPU-11, DEV-6) under THROW; nothing is claimed
     * @throws ClosedException (ATT-7) if the device is closed
     */
    public DeviceAccess access(long dmaAddress, long length, boolean write) {
        if (length <= 0) {
            throw new RuleViolationException(Rule.DEV_5, "DMA of device '" + name + "' with length " + length
                    + ": must be positive");
        }
        requireOpen("do DMA");
        long stamp = iommu.lock.readLock();
        List<Ownership> owners = new ArrayList<>(1);
        List<Ownership.DeviceClaim> claims = new ArrayList<>(1);
        try {
            List<MemorySegment> pieces = new ArrayList<>(2);
            Translation t = iommu.containing(dmaAddress);
            if (t == null) {
                throw fault(Rule.DEV_1, dmaAddress, length, write, notMapped(dmaAddress));
            }
            long pos = dmaAddress;
            long left = length;
            OwnershipTag runTag = null;
            long runStart = 0;
            long runLength = 0;
            List<long[]> runs = new ArrayList<>(1);
            List<Ownership> runOwners = new ArrayList<>(1);
            while (true) {
                if (write ? !t.direction.allowsDeviceWrite() : !t.direction.allowsDeviceRead()) {
                    throw fault(Rule.DEV_4, dmaAddress, length, write, "the translation " + t.describe()
                            + " was mapped " + t.direction + ", which does not allow a device "
                            + (write ? "write (map FROM_DEVICE or BIDIRECTIONAL)" : "read (map TO_DEVICE or"
                            + " BIDIRECTIONAL)"));
                }
                long off = pos - t.iova;
                long n = Math.min(left, t.length - off);
                MemorySegment piece;
                if (t.memory != null) {
                    piece = t.memory.asSlice(off, n);
                } else {
                    piece = t.peer == null ? null : t.peer.busSlice(t.busAddress + off, n);
                    if (piece == null) {
                        throw fault(Rule.DEV_1, dmaAddress, length, write, "the translation " + t.describe()
                                + " leads to peer bus address 0x" + Long.toHexString(t.busAddress + off)
                                + (t.peer == null ? " of a device that is not simulated" : " where device '"
                                + t.peer.name() + "' has no local memory"));
                    }
                }
                pieces.add(piece);
                OwnershipTag tag = t.tag;
                if (tag != null) {
                    long bufferOffset = tag.bufferOffset() + off;
                    if (runTag != null && runTag.ownership() == tag.ownership() && runStart + runLength == bufferOffset) {
                        runLength += n;
                    } else {
                        if (runTag != null) {
                            runs.add(new long[] {runStart, runLength});
                            runOwners.add(runTag.ownership());
                        }
                        runTag = tag;
                        runStart = bufferOffset;
                        runLength = n;
                    }
                }
                pos += n;
                left -= n;
                if (left == 0) {
                    break;
                }
                Translation nextT = iommu.exactly(pos);
                if (nextT == null) {
                    throw fault(Rule.DEV_5, dmaAddress, length, write, "the access runs past the end of the mapped"
                            + " range at 0x" + Long.toHexString(pos) + " (" + (pos - dmaAddress) + " of " + length
                            + " bytes are mapped, by " + t.describe() + "); keep DMA within the mapping's entries");
                }
                t = nextT;
            }
            if (runTag != null) {
                runs.add(new long[] {runStart, runLength});
                runOwners.add(runTag.ownership());
            }
            for (int i = 0; i < runs.size(); i++) {
                Ownership.DeviceClaim c = runOwners.get(i).claimDevice(this, runs.get(i)[0], runs.get(i)[1], write);
                if (c != null) {
                    owners.add(runOwners.get(i));
                    claims.add(c);
                }
            }
            return new DeviceAccess(this, stamp, List.copyOf(pieces), owners, claims, write, length);
        } catch (RuntimeException e) {
            for (int i = 0; i < claims.size(); i++) {
                owners.get(i).release(claims.get(i));
            }
            iommu.lock.unlockRead(stamp);
            throw e;
        }
    }

    void endAccess(long stamp, boolean write, long length) {
        iommu.lock.unlockRead(stamp);
        if (write) {
            dmaWrites.increment();
            bytesWritten.add(length);
        } else {
            dmaReads.increment();
            bytesRead.add(length);
        }
    }

    private String notMapped(long address) {
        String why = iommu.recentUnmapOf(address);
        String others = directory == null ? "" : directory.otherDevicesMapping(address, this);
        if (why != null) {
            return "it belonged to " + why + "; re-map through the attachment and use the new mapping's addresses";
        }
        if (!others.isEmpty()) {
            return "it is an address of device " + others + ", not of this device (addresses are per device, MAP-9);"
                    + " attach the buffer to '" + name + "' and use the addresses of that mapping";
        }
        if (address - iommu.base() < 0 || address - iommu.limit() > 0) {
            return "it lies outside this device's address window [0x" + Long.toHexString(iommu.base()) + ", 0x"
                    + Long.toHexString(iommu.limit()) + "]; it may be a native CPU address, which devices never see"
                    + " (DEV-2): use a mapping's DMA addresses";
        }
        return "nothing is mapped there: it was never mapped, or was unmapped or invalidated; map the buffer through an"
                + " attachment of this device and use that mapping's addresses";
    }

    private IommuFaultException fault(Rule rule, long address, long length, boolean write, String why) {
        faults.increment();
        return new IommuFaultException(rule, "IOMMU fault on device '" + name + "': DMA " + (write ? "write" : "read")
                + " of " + length + " bytes at device address 0x" + Long.toHexString(address) + ": " + why
                + ". Nothing was " + (write ? "written" : "read"));
    }

    /**
     * Whether this device translates {@code address}, without waiting: used while another device holds its own IOMMU
     * lock to explain a fault, so it must never block (two faulting devices would otherwise deadlock).
     *
     * @param address a device address
     * @return true if some translation contains it; false also if the IOMMU is busy being changed
     */
    public boolean translates(long address) {
        long stamp = iommu.lock.tryReadLock();
        if (stamp == 0) {
            return false;
        }
        try {
            return iommu.containing(address) != null;
        } finally {
            iommu.lock.unlockRead(stamp);
        }
    }

    /**
     * A description of the live translations, for dumps.
     *
     * @return one line per translation
     */
    public List<String> describeTranslations() {
        long stamp = iommu.lock.readLock();
        try {
            List<String> out = new ArrayList<>();
            for (Translation t : iommu.snapshot()) {
                out.add(t.describe());
            }
            return out;
        } finally {
            iommu.lock.unlockRead(stamp);
        }
    }

    @Override
    public DeviceCounters counters() {
        return new DeviceCounters(name, liveTranslations(), mapCounts.sum(0), mapCounts.sum(1), dmaReads.sum(),
                dmaWrites.sum(),
                bytesRead.sum(), bytesWritten.sum(), faults.sum(), syncs.sum(), bytesSynced.sum());
    }

    @Override
    public String toString() {
        return "device '" + name + "' (" + (coherent ? "coherent" : "non-coherent") + ", "
                + constraints.addressBits() + "-bit" + (peerToPeer ? ", peer-to-peer" : "") + (open ? "" : ", closed")
                + ")";
    }
}
