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
    /** Buffer offset of each entry, or null for a single entry (at 0): most mappings have one (issue 15). */
    private final long[] starts;

    /** Why the mapping died, or null while it is alive. */
    private volatile Death death;
    /** Set once the importer unmapped it (written under the lock; read without it by close()'s fast path). */
    volatile boolean released;
    /** Set by the cleaner: dropped without unmap, its unmap queued for the lock (SAFE-6). */
    volatile boolean leaked;
    /** Whether a {@link UserMapping} was handed out for it: else whoever holds it got it from the framework's
     *  attachment (an importer in a callback), and it keeps that attachment in use (SAFE-6). */
    volatile boolean viewed;
    /** Where it was mapped, with leak detection on (SAFE-6); else null. */
    final Throwable site;
    /** The CPU views, once entries() made them; guarded by this. */
    private Views views;

    /** How a mapping died: the rule and the reason its users are told. */
    private record Death(Rule rule, String reason) {
    }

    /**
     * The re-scoped entries and what they hold.
     *
     * @param entries the entries with views
     * @param arena the views' arena
     * @param scopes what the views hold of the exporter's memory (SAFE-1); released when the mapping dies
     */
    private record Views(List<SgEntry> entries, Arena arena, List<ViewScope> scopes) {
    }

    MappingImpl(AttachmentImpl attachment, Direction direction, List<SgEntry> exporterEntries, boolean cached,
            long generation) {
        this.attachment = attachment;
        this.direction = direction;
        this.exporterEntries = exporterEntries;
        this.cached = cached;
        this.generation = generation;
        this.site = attachment.site != null ? Leaks.site("a " + direction + " mapping of buffer #"
                + attachment.core.id + " for device '" + attachment.device().name() + "'") : null;
        if (exporterEntries.size() == 1) {
            this.starts = null;
        } else {
            this.starts = new long[exporterEntries.size()];
            long at = 0;
            for (int i = 0; i < starts.length; i++) {
                starts[i] = at;
                at += exporterEntries.get(i).length();
            }
        }
    }

    private long start(int i) {
        return starts == null ? 0 : starts[i];
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
                        long at = start(i);
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
                views = new Views(List.copyOf(out), arena, held);
            }
            return views.entries();
        }
    }

    @Override
    public long size() {
        return attachment.core.size;
    }

    @Override
    public boolean isValid() {
        return death == null;
    }

    @Override
    public boolean isCached() {
        return cached;
    }

    @Override
    public long dmaAddress(long offset) {
        checkAlive("dmaAddress()");
        long size = attachment.core.size;
        if (offset < 0 || offset >= size) {
            throw new RuleViolationException(Rule.MAP_2, "dmaAddress(" + offset + ") of a mapping of "
                    + attachment.core.describe() + " on device '" + attachment.device().name()
                    + "': the offset must be in [0, " + size + ")");
        }
        if (starts == null) {
            return exporterEntries.getFirst().dmaAddress() + offset;
        }
        int i = Arrays.binarySearch(starts, offset);
        if (i < 0) {
            i = -i - 2;
        }
        return exporterEntries.get(i).dmaAddress() + (offset - starts[i]);
    }

    private void checkAlive(String what) {
        Death d = death;
        if (d != null) {
            throw new InvalidatedMappingException(d.rule(), what + " of a dead mapping of "
                    + attachment.core.describe() + " on device '" + attachment.device().name() + "': it was "
                    + d.reason() + "; its addresses fault and its CPU views are closed. Map again through the"
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
        return death == null;
    }

    /** The mapping dies: its views close (the translations are the exporter's to remove). */
    void die(Rule rule, String reason) {
        synchronized (this) {
            death = new Death(rule, reason);
            Views v = views;
            if (v != null) {
                views = null;
                v.arena().close();
                v.scopes().forEach(ViewScope::release);
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
                + Long.toHexString(exporterEntries.getFirst().dmaAddress()) + (death == null ? "" : ", dead ("
                + death.reason() + ")") + (released ? ", released" : "");
    }
}
