package org.dmabuf4j.core.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * The fence slots of a reservation. Writers hold the reservation lock (checked by the caller); readers hold nothing.
 *
 * <p>The entries are an immutable array, replaced (copy-on-write) on every change. The array's identity is the
 * list's generation: an unlocked cursor that meets another array restarts (RESV-10). A reader with no fence to check
 * does one volatile read.
 */
final class FenceSlots {
    private static final FenceEntry[] NONE = new FenceEntry[0];

    private volatile FenceEntry[] entries = NONE;
    /** Slots reserved for this lock hold and not yet used (RESV-1, RESV-12). Lock holder only. */
    private int free;
    /**
     * How many entries at the front of an array are known to have signaled: a fence never un-signals, so readers of
     * that array skip them (a reservation that keeps many signaled fences is tested in O(1), not O(n): issue 15's
     * flat CPU access). Written by readers, racily: any value once true stays true.
     */
    private volatile SignaledPrefix signaledPrefix;

    /** The first {@code count} entries of {@code array} have signaled. */
    private record SignaledPrefix(FenceEntry[] array, int count) {
    }

    /** Where a scan of {@code es} may start: past its known signaled prefix. */
    private int signaledPrefixOf(FenceEntry[] es) {
        SignaledPrefix p = signaledPrefix;
        return p != null && p.array() == es ? p.count() : 0;
    }

    /** Records that the first {@code count} entries of {@code es} have signaled, if that is news worth a write. */
    private void noteSignaledPrefix(FenceEntry[] es, int from, int count) {
        if (count - from >= 4) {
            signaledPrefix = new SignaledPrefix(es, count);
        }
    }

    FenceSlots() {
        // the owner is named by the caller in messages: one field less per buffer (issue 15's footprint)
    }

    /** Ensures at least {@code n} free slots, as the kernel does: reservations do not add up. Lock held. */
    void reserve(int n) {
        free = Math.max(free, n);
    }

    /** Drops the unused reservation at unlock (RESV-12). Lock held. */
    void dropUnused() {
        free = 0;
    }

    /**
     * Adds a leaf fence by the kernel's rule (RESV-2): replaces the first entry of the same context whose usage is
     * not stronger and whose fence is not later, or the first signaled entry; else appends into a reserved slot.
     * Lock held.
     *
     * @param owner the reservation, named in the RESV-1 message
     */
    void add(Fence fence, FenceUsage usage, Object owner) {
        FenceEntry[] old = entries;
        for (int i = 0; i < old.length; i++) {
            FenceEntry e = old[i];
            Fence f = e.fence();
            boolean sameContextNotStronger = f.context() == fence.context()
                    && e.usage().ordinal() >= usage.ordinal()
                    && Long.compareUnsigned(fence.seqno(), f.seqno()) >= 0;
            if (sameContextNotStronger || f.isSignaled()) {
                FenceEntry[] copy = old.clone();
                copy[i] = new FenceEntry(fence, usage);
                entries = copy;
                return;
            }
        }
        if (free == 0) {
            throw new RuleViolationException(Rule.RESV_1, "addFence of " + BaseFence.describe(fence) + " ("
                    + usage.kernelName() + ") to " + owner + " without a reserved slot (" + old.length
                    + " fences, none replaceable): call reserveFences(n) after locking and before adding");
        }
        FenceEntry[] copy = Arrays.copyOf(old, old.length + 1);
        copy[old.length] = new FenceEntry(fence, usage);
        free--;
        entries = copy;
    }

    /** Replaces every entry of {@code context}. Lock held. */
    void replace(long context, Fence replacement, FenceUsage usage) {
        FenceEntry[] old = entries;
        FenceEntry[] copy = null;
        for (int i = 0; i < old.length; i++) {
            if (old[i].fence().context() == context) {
                if (copy == null) {
                    copy = old.clone();
                }
                copy[i] = new FenceEntry(replacement, usage);
            }
        }
        if (copy != null) {
            entries = copy;
        }
    }

    /** The current array; its identity changes with every change of the list. */
    FenceEntry[] snapshot() {
        return entries;
    }

    /** Every entry covered by {@code usage}, signaled included (RESV-9). */
    List<FenceEntry> covered(FenceUsage usage) {
        List<FenceEntry> out = new ArrayList<>();
        for (FenceEntry e : entries) {
            if (usage.covers(e.usage())) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    /** The unsignaled fences covered by {@code usage}. */
    List<Fence> pending(FenceUsage usage) {
        List<Fence> out = new ArrayList<>();
        for (FenceEntry e : entries) {
            if (usage.covers(e.usage()) && !e.fence().isSignaled()) {
                out.add(e.fence());
            }
        }
        return List.copyOf(out);
    }

    /** The first unsignaled fence covered by {@code usage}, or null: the readiness test. */
    Fence firstPending(FenceUsage usage) {
        FenceEntry[] es = entries;
        int start = signaledPrefixOf(es);
        int prefix = -1; // the first entry not signaled, whatever its usage
        Fence found = null;
        for (int i = start; i < es.length; i++) {
            FenceEntry e = es[i];
            if (e.fence().isSignaled()) {
                continue;
            }
            if (prefix < 0) {
                prefix = i;
            }
            if (usage.covers(e.usage())) {
                found = e.fence();
                break;
            }
        }
        noteSignaledPrefix(es, start, prefix < 0 ? es.length : prefix);
        return found;
    }

    int count() {
        return entries.length;
    }

    /** One line per entry: usage, driver, timeline, context, seqno, status. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (FenceEntry e : entries) {
            Fence f = e.fence();
            sb.append(e.usage().kernelName()).append(' ').append(f.driverName()).append(' ')
                    .append(f.timelineName()).append(" context ").append(f.context()).append(" seqno ")
                    .append(Long.toUnsignedString(f.seqno())).append(' ')
                    .append(f.status().name().toLowerCase(Locale.ROOT)).append('\n');
        }
        return sb.toString();
    }
}
