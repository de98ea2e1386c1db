package org.dmabuf4j.core.buffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.MappingBusyException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.debug.AttachEvent;
import org.dmabuf4j.core.debug.BufInfo;
import org.dmabuf4j.core.debug.Leaks;
import org.dmabuf4j.core.debug.MapEvent;
import org.dmabuf4j.core.device.CpuCache;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;

/**
 * A buffer attached to one device (struct dma_buf_attachment), with the kernel's static/dynamic matrix
 * (dma_buf_dynamic_attach): when importer and exporter differ in being dynamic, the attach pins (dynamic exporter)
 * and maps BIDIRECTIONAL once, and that cached mapping is what {@link #map} returns (ATT-5, MAP-6).
 *
 * <p>Mutable state (mappings, pins, the cached mapping) changes only under the buffer's reservation lock; the
 * mapping list is copy-on-write so dumps and the revoker can read it without the lock.
 */
final class AttachmentImpl implements Attachment {
    final BufferCore core;
    private final Device device;
    private final Importer importer;
    // the buffer's list of attachments (BufferCore), linked through them; changed under the buffer's monitor
    volatile AttachmentImpl nextAttachment;
    AttachmentImpl previousAttachment;
    volatile boolean listed;
    /** The borrowed handle of {@link #buffer()}, made when first asked for (most importers never ask). */
    private volatile HandleImpl view;
    private final boolean peerToPeer;
    private volatile boolean attached = true;
    /**
     * The object {@code attach} returned, for the importer's moveNotify: under leak detection a {@link WeakReference}
     * to it, so that one dropped attached is still found by the cleaner (SAFE-6); without, the object itself (nothing
     * watches it, and a reference object per attachment would cost issue 15's footprint 32 bytes).
     */
    private volatile Object userView;
    private volatile MappingImpl cachedMapping;
    private volatile boolean implicitPin;
    private volatile int explicitPins;
    /**
     * The mappings made by map (not the cached one) that the importer has not unmapped yet: copy-on-write, replaced
     * under the reservation lock, read anywhere (an empty attachment shares one empty array: issue 15's footprint).
     */
    private volatile MappingImpl[] mappings = NO_MAPPINGS;
    /** Where it was attached, with leak detection on (SAFE-6); else null. */
    final Throwable site;
    private static final MappingImpl[] NO_MAPPINGS = {};
    private static final VarHandle VIEW;

    static {
        try {
            VIEW = MethodHandles.lookup().findVarHandle(AttachmentImpl.class, "view", HandleImpl.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AttachmentImpl(BufferCore core, Device device, Importer importer, boolean peerToPeer) {
        this.core = core;
        this.device = device;
        this.importer = importer;
        this.peerToPeer = peerToPeer;
        this.site = core.system.leakDetection() ? Leaks.site("an attachment of buffer #" + core.id + " to device '"
                + device.name() + "'") : null;
    }

    /** The importer's allowPeerToPeer(), asked once at attach (SAFE-3); what it throws fails the attach. */
    private static boolean askPeerToPeer(BufferCore core, Device device, Importer importer) {
        try {
            return importer.allowPeerToPeer();
        } catch (RuntimeException e) {
            throw new RuleViolationException(Rule.SAFE_3, "the importer " + importer.getClass().getName()
                    + " threw from allowPeerToPeer() while attaching " + core.describe() + " to device '"
                    + device.name() + "'; nothing was attached", e);
        }
    }

    static AttachmentImpl attach(BufferCore core, Device device, Importer importer) {
        if (device == null) {
            throw new RuleViolationException(Rule.ATT_7, "attach of " + core.describe()
                    + " to a null device: pass an open device");
        }
        if (!device.isOpen()) {
            throw new ClosedException(Rule.ATT_7, "attach of " + core.describe() + " to device '" + device.name()
                    + "', which is closed (unplugged): attach to an open device");
        }
        if (device instanceof SimulatedDeviceImpl sim && sim.directory() != core.system) {
            throw new RuleViolationException(Rule.ATT_7, "attach of " + core.describe() + " to device '"
                    + device.name() + "' of another system: a buffer is attached only to devices of its own system;"
                    + " export or allocate the buffer in the device's system. Nothing was attached");
        }
        core.checkLockNotHeld(Rule.BUF_9, "attach()");
        core.checkNotRevoked("attach");
        // asked once, before the exporter sees the attachment (SAFE-3): a throwing importer leaves nothing behind
        boolean p2p = importer != null && askPeerToPeer(core, device, importer);
        core.acquire();
        AttachmentImpl a = new AttachmentImpl(core, device, importer, p2p);
        try {
            core.exporter.attach(a);
        } catch (RuntimeException | Error e) {
            // an Error too: the reference taken above must not leak (SAFE-2)
            a.attached = false;
            core.drop();
            throw e;
        }
        boolean listed = false;
        core.reservation.lock();
        try {
            core.checkNotRevoked("attach");
            core.addAttachment(a);
            listed = true;
            if (!device.isCoherent()) {
                core.ensureCache();
            }
            if (a.isDynamic() != core.exporterDynamic) {
                if (core.exporterDynamic) {
                    core.exporter.pin(a);
                    a.implicitPin = true;
                }
                a.cachedMapping = a.mapNew(Direction.BIDIRECTIONAL, true);
            }
        } catch (RuntimeException | Error e) {
            if (a.implicitPin) {
                a.implicitPin = false;
                try {
                    core.exporter.unpin(a);
                } catch (RuntimeException | Error suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (listed) {
                core.removeAttachment(a);
            }
            a.attached = false;
            core.reservation.unlock();
            try {
                core.exporter.detach(a);
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                core.drop();
            }
            throw e;
        }
        core.reservation.unlock();
        core.system.attached();
        AttachEvent ev = new AttachEvent();
        if (ev.isEnabled()) {
            ev.bufferId = core.id;
            ev.device = device.name();
            ev.dynamic = a.isDynamic();
            ev.attach = true;
            ev.commit();
        }
        return a;
    }

    @Override
    public DmaBuf buffer() {
        HandleImpl v = view;
        if (v == null) {
            HandleImpl made = new HandleImpl(core, this);
            v = VIEW.compareAndSet(this, null, made) ? made : view; // every caller gets the same view
        }
        return v;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Optional<Importer> importer() {
        return Optional.ofNullable(importer);
    }

    @Override
    public boolean isDynamic() {
        return importer != null;
    }

    @Override
    public boolean peerToPeer() {
        return peerToPeer;
    }

    @Override
    public boolean isAttached() {
        return attached;
    }

    @Override
    public boolean isPinned() {
        return implicitPin || explicitPins > 0;
    }

    String describe() {
        return (isDynamic() ? "dynamic" : "static") + " attachment of " + core.describe() + " to device '"
                + device.name() + "'";
    }

    private void checkAttached(String what) {
        if (!attached) {
            throw new ClosedException(Rule.ATT_4, what + " on a detached " + describe()
                    + ": attach again to use the buffer on this device");
        }
    }

    private void checkHeld(Rule rule, String what, String instead) {
        if (!core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(rule, what + " of " + core.describe() + " for device '" + device.name()
                    + "' without its reservation lock: " + instead);
        }
    }

    // ---- map / unmap ---------------------------------------------------------------------------------------------

    @Override
    public Mapping map(Direction direction) {
        return mapImpl(direction);
    }

    /** {@link #map}, typed for {@link UserAttachment}. */
    MappingImpl mapImpl(Direction direction) {
        if (direction == null) {
            throw new RuleViolationException(Rule.MAP_7, "map with a null direction on " + describe());
        }
        checkAttached("map()");
        checkHeld(Rule.MAP_1, "map", "hold buffer.reservation().lock() around map and unmap, or call mapUnlocked");
        core.checkNotRevoked("map");
        MappingImpl c = cachedMapping;
        if (c != null) {
            if (!c.direction.covers(direction)) {
                throw new MappingBusyException(Rule.MAP_7, "map " + direction + " on " + describe() + ": its cached"
                        + " mapping is " + c.direction + ", which does not cover " + direction + "; map "
                        + c.direction + " or BIDIRECTIONAL");
            }
            if (!c.isAlive()) {
                // invalidated by a move of a static exporter's buffer: the cache is remade at the new location
                c = mapNew(c.direction, true);
                cachedMapping = c;
                return c;
            }
            if (!isDynamic()) {
                waitKernelFences(c);
            }
            return c;
        }
        if (!device.isOpen()) {
            throw new ClosedException(Rule.ATT_7, "map of " + core.describe() + " for device '" + device.name()
                    + "', which is closed (unplugged); detach");
        }
        if (core.exporter instanceof CachesMappings) {
            c = mapNew(direction, true);
            cachedMapping = c;
            return c;
        }
        MappingImpl m = mapNew(direction, false);
        MappingImpl[] old = mappings;
        MappingImpl[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = m;
        mappings = grown;
        return m;
    }

    /** Under the lock: a new mapping from the exporter, checked, tagged and synced. */
    private MappingImpl mapNew(Direction direction, boolean cached) {
        List<SgEntry> entries = core.exporter.map(this, direction);
        RuntimeException bad = validate(entries);
        if (bad != null) {
            if (entries != null && !entries.isEmpty()) {
                try {
                    core.exporter.unmap(this, entries, direction);
                } catch (RuntimeException suppressed) {
                    bad.addSuppressed(suppressed);
                }
            }
            throw bad;
        }
        entries = List.copyOf(entries);
        MappingImpl m = new MappingImpl(this, direction, entries, cached, core.nextGeneration());
        if (device instanceof SimulatedDeviceImpl sim) {
            sim.tag(entries, core.ownership);
        }
        CpuCache c = core.cache;
        if (c != null && !device.isCoherent() && direction.allowsDeviceRead()) {
            long n = core.cleanDirty(c);
            if (n > 0) {
                countSync(n);
            }
        }
        if (!isDynamic()) {
            try {
                waitKernelFences(m);
            } catch (RuntimeException e) {
                kill(m, Rule.MAP_8, "unmapped because the wait for KERNEL fences was interrupted");
                throw e;
            }
        }
        core.system.mapped();
        event("map", m);
        return m;
    }

    /** The subject of a bad-mapping message: built only when a check fails, since map is a hot path. */
    private String mappedBy() {
        return "exporter " + core.exporterName + " mapped " + core.describe() + " for device '" + device.name() + "'";
    }

    private RuntimeException validate(List<SgEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            return new RuleViolationException(Rule.MAP_2, mappedBy() + " with no entries; a mapping covers the buffer");
        }
        long total = 0;
        for (SgEntry e : entries) {
            if (e == null) {
                return new RuleViolationException(Rule.MAP_2, mappedBy() + " with a null entry");
            }
            if (!e.isPageAligned()) {
                return new RuleViolationException(Rule.MAP_3, mappedBy() + " with entry 0x"
                        + Long.toHexString(e.dmaAddress()) + "+" + e.length() + ", not page aligned");
            }
            if (!device.constraints().admits(e.dmaAddress(), e.length())) {
                return new RuleViolationException(Rule.MAP_4, mappedBy() + " with entry 0x"
                        + Long.toHexString(e.dmaAddress()) + "+" + e.length() + ", which breaks the device's"
                        + " constraints " + device.constraints() + "; build entries with Device.mapPages");
            }
            if (!e.hasCpuPage() && !peerToPeer()) {
                return new RuleViolationException(Rule.P2P_1, mappedBy() + " with device memory (entry 0x"
                        + Long.toHexString(e.dmaAddress()) + " has no CPU page) for an importer that does not allow"
                        + " peer-to-peer; migrate the buffer to system memory or refuse the attachment (P2P-2)");
            }
            total += e.length();
        }
        if (total != core.size) {
            return new RuleViolationException(Rule.MAP_2, mappedBy() + " with entries covering " + total
                    + " bytes instead of the buffer's " + core.size);
        }
        return null;
    }

    private void waitKernelFences(MappingImpl m) {
        if (core.reservation.isSignaled(FenceUsage.KERNEL)) {
            return;
        }
        try {
            while (!core.reservation.awaitFences(FenceUsage.KERNEL, Duration.ofDays(1))) {
                Thread.onSpinWait();
            }
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.MAP_8, "map of " + core.describe() + " for device '"
                    + device.name() + "' was interrupted while waiting for the buffer's KERNEL fences; nothing is"
                    + " mapped", e);
        }
    }

    @Override
    public void unmap(Mapping mapping) {
        if (mapping == null) {
            throw new RuleViolationException(Rule.MAP_10, "unmap(null) on " + describe());
        }
        checkAttached("unmap()");
        checkHeld(Rule.MAP_1, "unmap", "hold buffer.reservation().lock() around map and unmap, or call unmapUnlocked");
        MappingImpl m = UserMapping.unwrap(mapping);
        if (m == null || m.attachment != this) {
            throw new RuleViolationException(Rule.MAP_10, "unmap on " + describe() + " of a mapping made by "
                    + (m != null ? m.attachment.describe() : "another implementation")
                    + ": unmap a mapping through the attachment that made it");
        }
        if (m.cached) {
            return;
        }
        if (m.released) {
            throw new RuleViolationException(Rule.MAP_10, "unmap on " + describe() + " of a mapping already"
                    + " unmapped: a mapping is unmapped exactly once");
        }
        try {
            if (m.isAlive()) {
                kill(m, Rule.MAP_11, "unmapped");
            }
        } finally {
            // the importer's unmap is done whatever the exporter's unmap threw (SAFE-2): the mapping is dead and
            // released, so that the attachment can still detach and the buffer be released; a translation the
            // exporter failed to remove is its leak (DEV-9), reported by whoever checks the devices
            m.released = true;
            removeMapping(m);
            core.system.unmapped();
            if (core.revoked) {
                core.signalUnmapped();
            }
        }
    }

    /**
     * Under the lock: the mapping's views close, then the exporter removes the translations. The mapping is dead
     * whatever the exporter's unmap throws (SAFE-2): its views are closed before the exporter can free anything,
     * and what unmap throws reaches the caller after the cache maintenance.
     */
    void kill(MappingImpl m, Rule rule, String reason) {
        if (rule != Rule.MAP_11 && device instanceof SimulatedDeviceImpl sim) {
            sim.noteFate(m.exporterEntries, reason);
        }
        m.die(rule, reason);
        try {
            core.exporter.unmap(this, m.exporterEntries, m.direction);
        } finally {
            CpuCache c = core.cache;
            if (c != null && !device.isCoherent() && m.direction.allowsDeviceWrite()) {
                long n = core.invalidateAll(c);
                if (n > 0) {
                    countSync(n);
                }
            }
            event(rule == Rule.MAP_11 ? "unmap" : "invalidate", m);
        }
    }

    private void countSync(long bytes) {
        core.countSync(bytes);
        if (device instanceof SimulatedDeviceImpl sim) {
            sim.countSync(bytes);
        }
    }

    private void event(String op, MappingImpl m) {
        MapEvent e = new MapEvent();
        if (e.isEnabled()) {
            e.bufferId = core.id;
            e.device = device.name();
            e.direction = m.direction.name();
            e.operation = op;
            e.cached = m.cached;
            e.entries = m.exporterEntries.size();
            e.size = core.size;
            e.commit();
        }
    }

    @Override
    public Mapping mapUnlocked(Direction direction) {
        return mapUnlockedImpl(direction);
    }

    /** {@link #mapUnlocked}, typed for {@link UserAttachment}. */
    MappingImpl mapUnlockedImpl(Direction direction) {
        checkAttached("mapUnlocked()");
        core.checkLockNotHeld(Rule.MAP_1, "mapUnlocked()");
        core.reservation.lock();
        try {
            return mapImpl(direction);
        } finally {
            core.reservation.unlock();
        }
    }

    @Override
    public void unmapUnlocked(Mapping mapping) {
        checkAttached("unmapUnlocked()");
        core.checkLockNotHeld(Rule.MAP_1, "unmapUnlocked()");
        core.reservation.lock();
        try {
            unmap(mapping);
        } finally {
            core.reservation.unlock();
        }
    }

    /** Under the lock: kills every live mapping made before {@code generation} (all if MAX_VALUE), cached ones too. */
    void killOlderThan(long generation, Rule rule, String reason) {
        Throwable failure = null;
        MappingImpl c = cachedMapping;
        if (c != null && c.isAlive() && c.generation < generation) {
            failure = killCollecting(c, rule, reason, null);
        }
        for (MappingImpl m : mappings) {
            if (m.isAlive() && m.generation < generation) {
                failure = killCollecting(m, rule, reason, failure);
            }
        }
        rethrow(failure);
    }

    /** Kills a mapping; what the exporter's unmap throws is collected, so that the next mappings die too. */
    private Throwable killCollecting(MappingImpl m, Rule rule, String reason, Throwable failure) {
        try {
            kill(m, rule, reason);
            return failure;
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** Mappings the importer has not unmapped yet (alive or killed), the cached one excepted. */
    int unreleasedMappings() {
        return mappings.length;
    }

    // ---- pins ----------------------------------------------------------------------------------------------------

    @Override
    public void pin() {
        checkAttached("pin()");
        if (!isDynamic()) {
            throw new RuleViolationException(Rule.PIN_1, "pin on " + describe() + ": only dynamic importers pin;"
                    + " a static attachment of a dynamic exporter is pinned already");
        }
        checkHeld(Rule.PIN_1, "pin", "hold buffer.reservation().lock() around pin and unpin");
        core.exporter.pin(this);
        explicitPins++;
    }

    @Override
    public void unpin() {
        checkAttached("unpin()");
        checkHeld(Rule.PIN_1, "unpin", "hold buffer.reservation().lock() around pin and unpin");
        if (explicitPins == 0) {
            throw new RuleViolationException(Rule.PIN_6, "unpin on " + describe() + ", which is not pinned by pin():"
                    + " unpin once per pin");
        }
        core.exporter.unpin(this);
        explicitPins--;
    }

    // ---- detach -------------------------------------------------------------------------------------------------

    @Override
    public void close() {
        if (!attached) {
            return;
        }
        core.checkLockNotHeld(Rule.BUF_9, "detach (Attachment.close())");
        Throwable failure = null;
        core.reservation.lock();
        try {
            if (!attached) {
                return;
            }
            for (MappingImpl m : mappings) {
                if (m.leaked) {
                    unmapLeakedLocked(m); // reported already, its give-back still queued for the lock (SAFE-6)
                }
            }
            if (mappings.length != 0) {
                List<String> live = new ArrayList<>();
                for (MappingImpl m : mappings) {
                    live.add(m.describe());
                }
                throw new RuleViolationException(Rule.ATT_2, "detach of " + describe() + " with " + live.size()
                        + " mapping(s) not unmapped: " + live + "; unmap every mapping first. Nothing changed");
            }
            if (explicitPins > 0) {
                throw new RuleViolationException(Rule.PIN_6, "detach of " + describe() + " while pinned by pin() "
                        + explicitPins + " time(s); unpin first. Nothing changed");
            }
            // every step runs whatever the exporter throws (SAFE-2): the attachment is gone afterwards
            MappingImpl c = cachedMapping;
            cachedMapping = null;
            if (c != null && c.isAlive()) {
                failure = killCollecting(c, Rule.MAP_11, "unmapped by detach", null);
            }
            if (implicitPin) {
                implicitPin = false;
                try {
                    core.exporter.unpin(this);
                } catch (RuntimeException | Error e) {
                    failure = add(failure, e);
                }
            }
            core.removeAttachment(this);
            attached = false;
        } finally {
            core.reservation.unlock();
        }
        if (core.revoked) {
            core.signalUnmapped();
        }
        try {
            core.exporter.detach(this);
        } catch (RuntimeException | Error e) {
            failure = add(failure, e);
        } finally {
            AttachEvent ev = new AttachEvent();
            if (ev.isEnabled()) {
                ev.bufferId = core.id;
                ev.device = device.name();
                ev.dynamic = isDynamic();
                ev.attach = false;
                ev.commit();
            }
            core.drop();
        }
        rethrow(failure);
    }

    /** Under the lock: the mappings without {@code m}. */
    private void removeMapping(MappingImpl m) {
        MappingImpl[] old = mappings;
        for (int i = 0; i < old.length; i++) {
            if (old[i] == m) {
                MappingImpl[] shrunk = new MappingImpl[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, i);
                System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                mappings = shrunk.length == 0 ? NO_MAPPINGS : shrunk;
                return;
            }
        }
    }

    private static Throwable add(Throwable failure, Throwable e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }

    /** For a closing system: drops everything without the importer's help. Caller holds the lock. */
    void forceDetachLocked() {
        Throwable failure = null;
        MappingImpl c = cachedMapping;
        if (c != null && c.isAlive()) {
            failure = killCollecting(c, Rule.MAP_11, "unmapped because the system closed", null);
        }
        cachedMapping = null;
        for (MappingImpl m : mappings) {
            if (m.isAlive()) {
                failure = killCollecting(m, Rule.MAP_11, "unmapped because the system closed", failure);
            }
            m.released = true;
        }
        mappings = NO_MAPPINGS;
        int pins = explicitPins + (implicitPin ? 1 : 0);
        explicitPins = 0;
        implicitPin = false;
        for (int i = 0; i < pins; i++) {
            try {
                core.exporter.unpin(this);
            } catch (RuntimeException | Error e) {
                failure = add(failure, e);
            }
        }
        core.removeAttachment(this);
        attached = false;
        rethrow(failure);
    }

    // ---- leaks (SAFE-6) ---------------------------------------------------------------------------------------------

    /**
     * The cleaner found a mapping of this attachment dropped without unmap: it is unmapped with the lock, now if the
     * lock is free, else as soon as it is, then reported. Idempotent: an unmap, a detach or a closing system that came
     * first leaves nothing to do.
     */
    void unmapLeaked(MappingImpl m) {
        m.leaked = true;
        String what = "a " + m.direction + " mapping of " + core.describe() + " for device '" + device.name() + "'";
        core.giveBack(() -> {
            if (!m.released && attached) {
                unmapLeakedLocked(m);
                return "it was unmapped";
            }
            return "it was unmapped meanwhile (by its attachment's detach or its system's close)";
        }, done -> core.system.leaked(Leaks.report(what, done, m.site)));
    }

    /** Under the lock: the importer's unmap of a leaked mapping, done for it. */
    private void unmapLeakedLocked(MappingImpl m) {
        try {
            if (m.isAlive()) {
                kill(m, Rule.MAP_11, "unmapped because it was dropped without unmap (SAFE-6)");
            }
        } catch (RuntimeException | Error e) {
            core.system.log().log(System.Logger.Level.WARNING, "exporter " + core.exporterName + " failed to unmap"
                    + " a leaked mapping of " + describe(), e);
        } finally {
            m.released = true;
            removeMapping(m);
            core.system.unmapped();
            if (core.revoked) {
                core.signalUnmapped();
            }
        }
    }

    /**
     * The cleaner found this attachment dropped attached: it is detached as a closing system detaches it (its mappings
     * unmapped, its pins dropped), then the exporter's detach runs and the reference drops, then it is reported.
     */
    void detachLeaked() {
        String what = describe();
        core.giveBack(() -> {
            if (!attached) {
                return null;
            }
            int held = 0;
            for (MappingImpl m : mappings) {
                held += m.viewed ? 0 : 1;
            }
            if (held > 0) {
                return "-" + held; // an importer still holds mappings it made through this object: in use
            }
            int mapped = mappings.length;
            try {
                forceDetachLocked();
            } catch (RuntimeException | Error e) {
                core.system.log().log(System.Logger.Level.WARNING, "exporter " + core.exporterName + " failed to"
                        + " unmap or unpin the leaked " + what, e);
            }
            return "it was detached" + (mapped == 0 ? "" : " and its " + mapped + " mapping(s) unmapped");
        }, done -> {
            if (done == null) {
                return; // detached meanwhile by the system's close: nothing was leaked any more
            }
            if (done.startsWith("-")) {
                core.system.leaked(Leaks.report(what, "it stays attached: its importer still holds "
                        + done.substring(1) + " mapping(s) it made through the attachment its callbacks receive;"
                        + " close that attachment when done (the system's close detaches it otherwise)", site));
                return;
            }
            String given = done;
            try {
                core.exporter.detach(this);
            } catch (RuntimeException | Error e) {
                given += " (the exporter's detach threw " + e + ")";
            }
            try {
                core.drop();
            } catch (RuntimeException | Error e) {
                given += " (the buffer's release threw " + e + ")";
            }
            core.system.leaked(Leaks.report(what, given + " and its buffer reference dropped", site));
        });
    }

    /**
     * One line per mapping still open, for a closing system's warning (SAFE-6).
     *
     * @param out where the lines go
     */
    void describeOpen(List<String> out) {
        out.add(describe() + ", attached at " + Leaks.where(site));
        for (MappingImpl m : mappings) {
            out.add("a " + m.direction + " mapping for device '" + device.name() + "', mapped at "
                    + Leaks.where(m.site));
        }
    }

    BufInfo.Attachment info() {
        List<String> ms = new ArrayList<>();
        MappingImpl c = cachedMapping;
        if (c != null) {
            ms.add(c.describe());
        }
        for (MappingImpl m : mappings) {
            ms.add(m.describe());
        }
        return new BufInfo.Attachment(device.name(), isDynamic() ? "dynamic" : "static", isPinned(), ms);
    }

    /**
     * Records the object {@code attach} returned for this attachment.
     *
     * @param view the user's view
     */
    void userView(Attachment view) {
        userView = site != null ? new WeakReference<>(view) : view;
    }

    /**
     * What an importer's callback receives: the very object {@code attach} returned to it while it is still
     * reachable, so that an importer comparing by identity finds its own attachment; else this object (equal to it).
     *
     * @return the attachment as the importer knows it
     */
    Attachment forImporter() {
        Object v = userView;
        Object view = v instanceof WeakReference<?> ref ? ref.get() : v;
        return view instanceof Attachment a ? a : this;
    }

    /** Equal to the views of it that {@code attach} returned ({@link UserAttachment}); else identity. */
    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof UserAttachment u && u.impl == this);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return describe() + (attached ? "" : " (detached)");
    }
}
