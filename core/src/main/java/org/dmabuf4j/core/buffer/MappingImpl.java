package org.dmabuf4j.core.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.debug.Leaks;
import org.dmabuf4j.core.device.CpuCache;
import org.dmabuf4j.core.sync.ReservationImpl;

/**
 * A mapping as the importer sees it: the exporter's entries, with CPU views re-scoped to an arena of the mapping's
 * own that closes when the mapping dies (MAP-11, MAP-12), so an importer never holds the exporter's backing segment.
 * Only memory that outlives the mapping is re-scoped (SAFE-1, {@link ViewScope}): memory an exporter allocated
 * itself keeps its own scope in the views, which then die with it.
 * The views are made on the first {@link #entries()} call: a mapping used only by DMA address never pays for an
 * arena.
 */
final class MappingImpl implements Mapping {
    final AttachmentImpl attachment;
    final Direction direction;
    /** Exactly what the exporter's map returned: handed back to its unmap. */
    final List<SgEntry> exporterEntries;
    final boolean cached;
    final long generation;
    private final long[] starts;
    private final long size;

    private volatile boolean alive = true;
    private volatile Rule deathRule;
    private volatile String deathReason;
    /** Set once the importer unmapped it (written under the lock; read without it by close()'s fast path). */
    volatile boolean released;
    /** Set by the cleaner: dropped without unmap, its unmap queued for the lock (SAFE-6). */
    volatile boolean leaked;
    /** Whether a {@link UserMapping} was handed out for it: else whoever holds it got it from the framework's
     *  attachment (an importer in a callback), and it keeps that attachment in use (SAFE-6). */
    volatile boolean viewed;
    /** Where it was mapped, with leak detection on (SAFE-6); else null. */
    final Throwable site;
    private List<SgEntry> views;
    private Arena viewArena;
    /** What the views hold of the exporter's memory (SAFE-1); released when the mapping dies. */
    private List<ViewScope> viewScopes = List.of();

    MappingImpl(AttachmentImpl attachment, Direction direction, List<SgEntry> exporterEntries, boolean cached,
            long generation, long size) {
        this.attachment = attachment;
        this.direction = direction;
        this.exporterEntries = exporterEntries;
        this.cached = cached;
        this.generation = generation;
        this.size = size;
        this.site = attachment.site != null ? Leaks.site("a " + direction + " mapping of buffer #"
                + attachment.core.id + " for device '" + attachment.device().name() + "'") : null;
        this.starts = new long[exporterEntries.size()];
        long at = 0;
        for (int i = 0; i < starts.length; i++) {
            starts[i] = at;
            at += exporterEntries.get(i).length();
        }
    }

    @Override
    public Attachment attachment() {
        return attachment;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public List<SgEntry> entries() {
        checkAlive("entries()");
        synchronized (this) {
            checkAlive("entries()");
            if (views == null) {
                Arena arena = Arena.ofShared();
                List<SgEntry> out = new ArrayList<>(exporterEntries.size());
                List<ViewScope> held = new ArrayList<>(1);
                // the CPU reaches a buffer with a simulated cache through its lines, as windows do (CPU-9): reading
                // or writing an entry's view outside a window's bracket sees stale bytes, deterministically
                CpuCache cache = attachment.core.cache;
                try {
                    for (int i = 0; i < exporterEntries.size(); i++) {
                        SgEntry e = exporterEntries.get(i);
                        long at = starts[i];
                        Optional<MemorySegment> cpu = e.cpu().map(s -> {
                            if (cache != null) {
                                return ViewScope.FRAMEWORK.view(cache.lines().asSlice(at, s.byteSize()), arena);
                            }
                            ViewScope vs = ViewScope.of(attachment.core, s, "entries() of a mapping");
                            held.add(vs);
                            return vs.view(s, arena);
                        });
                        out.add(new SgEntry(e.dmaAddress(), e.length(), cpu));
                    }
                } catch (RuntimeException | Error e) {
                    arena.close();
                    held.forEach(ViewScope::release);
                    throw e;
                }
                viewArena = arena;
                viewScopes = held;
                views = List.copyOf(out);
            }
            return views;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isValid() {
        return alive;
    }

    @Override
    public boolean isCached() {
        return cached;
    }

    @Override
    public long dmaAddress(long offset) {
        checkAlive("dmaAddress()");
        if (offset < 0 || offset >= size) {
            throw new RuleViolationException(Rule.MAP_2, "dmaAddress(" + offset + ") of a mapping of "
                    + attachment.core.describe() + " on device '" + attachment.device().name()
                    + "': the offset must be in [0, " + size + ")");
        }
        int i = Arrays.binarySearch(starts, offset);
        if (i < 0) {
            i = -i - 2;
        }
        return exporterEntries.get(i).dmaAddress() + (offset - starts[i]);
    }

    private void checkAlive(String what) {
        if (!alive) {
            throw new InvalidatedMappingException(deathRule, what + " of a dead mapping of "
                    + attachment.core.describe() + " on device '" + attachment.device().name() + "': it was "
                    + deathReason + "; its addresses fault and its CPU views are closed. Map again through the"
                    + " attachment to get the buffer's current location");
        }
    }

    @Override
    public void close() {
        if (cached || released) {
            return;
        }
        ReservationImpl reservation = attachment.core.reservation;
        if (reservation.isHeldByCurrentThread()) {
            unmapHeld();
            return;
        }
        reservation.lock();
        try {
            unmapHeld();
        } finally {
            reservation.unlock();
        }
    }

    /** Under the lock: unmaps unless already released (by unmap, an earlier close or the system closing). */
    private void unmapHeld() {
        if (!released) {
            attachment.unmap(this);
        }
    }

    boolean isAlive() {
        return alive;
    }

    /** The mapping dies: its views close (the translations are the exporter's to remove). */
    void die(Rule rule, String reason) {
        synchronized (this) {
            deathRule = rule;
            deathReason = reason;
            alive = false;
            if (viewArena != null) {
                viewArena.close();
                viewArena = null;
                viewScopes.forEach(ViewScope::release);
                viewScopes = List.of();
            }
        }
    }

    /** Equal to the views of it that a {@link UserAttachment} returned ({@link UserMapping}); else identity. */
    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof UserMapping u && u.impl == this);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "mapping (" + describe() + ") of " + attachment.describe();
    }

    String describe() {
        return direction + (cached ? " cached" : "") + ", " + exporterEntries.size() + " entries from 0x"
                + Long.toHexString(exporterEntries.getFirst().dmaAddress()) + (alive ? "" : ", dead (" + deathReason
                + ")") + (released ? ", released" : "");
    }
}
