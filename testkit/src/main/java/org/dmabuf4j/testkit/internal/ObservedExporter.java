package org.dmabuf4j.testkit.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * Wraps the exporter under test as the framework sees it, checking every callback's arguments, lock state and
 * results. Violations are recorded, not thrown: an exception out of a callback would be the framework's to handle.
 */
public final class ObservedExporter implements Exporter {
    private final Exporter delegate;
    private final Recorder recorder;
    private final String exporterName;
    private final long size;
    private final AtomicInteger releases = new AtomicInteger();
    private final AtomicInteger cpuBegins = new AtomicInteger();
    private final AtomicInteger cpuEnds = new AtomicInteger();
    private final AtomicInteger maps = new AtomicInteger();
    /** Live mappings per attachment, as the exporter returned them. Guarded by this. */
    private final Map<Attachment, List<List<SgEntry>>> live = new IdentityHashMap<>();
    /** Every (device, entry) ever handed out. Guarded by this. */
    private final List<Handed> handed = new ArrayList<>();
    private volatile ExportedBuffer exported;
    private volatile boolean addressChecks = true;
    private final AtomicInteger vmaps = new AtomicInteger();
    private final AtomicInteger vunmaps = new AtomicInteger();

    private record Handed(Device device, SgEntry entry) {
    }

    /**
     * Wraps an exporter.
     *
     * @param delegate the exporter under test
     * @param recorder where violations go
     * @param exporterName its name
     * @param size the buffer size
     */
    public ObservedExporter(Exporter delegate, Recorder recorder, String exporterName, long size) {
        this.delegate = delegate;
        this.recorder = recorder;
        this.exporterName = exporterName;
        this.size = size;
    }

    void bind(ExportedBuffer buffer) {
        this.exported = buffer;
    }

    /**
     * Turns off checks that compare device addresses across time (they assume no other thread maps meanwhile).
     *
     * @param on whether to check
     */
    public void addressChecks(boolean on) {
        this.addressChecks = on;
    }

    /**
     * How often release ran.
     *
     * @return the count
     */
    public int releases() {
        return releases.get();
    }

    /**
     * How often map ran.
     *
     * @return the count
     */
    public int maps() {
        return maps.get();
    }

    /**
     * CPU begins minus ends.
     *
     * @return open CPU accesses as the exporter saw them
     */
    public int openCpuAccesses() {
        return cpuBegins.get() - cpuEnds.get();
    }

    /**
     * The exported buffer.
     *
     * @return the capability, once exported
     */
    public ExportedBuffer exported() {
        return exported;
    }

    private String who(Attachment a) {
        ExportedBuffer e = exported;
        return "exporter '" + exporterName + "' (" + (e == null ? "buffer" : "buffer #" + e.handle().id())
                + ", device '" + a.device().name() + "')";
    }

    private void requireLock(Attachment a, String call, boolean held) {
        ExportedBuffer e = exported;
        if (e == null) {
            return;
        }
        boolean isHeld = e.reservation().isHeldByCurrentThread();
        if (isHeld != held) {
            recorder.violation(held ? Rule.MAP_1 : Rule.BUF_9, call + " of " + who(a) + " ran with the reservation lock "
                    + (isHeld ? "held" : "not held"), "the framework's lock convention (Exporter javadoc table)");
        }
    }

    @Override
    public boolean isDynamic() {
        return delegate.isDynamic();
    }

    @Override
    public void attach(Attachment attachment) {
        requireLock(attachment, "attach", false);
        delegate.attach(attachment);
    }

    @Override
    public void detach(Attachment attachment) {
        requireLock(attachment, "detach", false);
        delegate.detach(attachment);
        synchronized (this) {
            List<List<SgEntry>> left = live.remove(attachment);
            if (left != null && !left.isEmpty()) {
                recorder.violation(Rule.ATT_6, "detach of " + who(attachment) + " ran while " + left.size()
                        + " mapping(s) were still mapped", "that detach runs only after every mapping is unmapped");
            }
        }
    }

    @Override
    public void pin(Attachment attachment) {
        requireLock(attachment, "pin", true);
        delegate.pin(attachment);
    }

    @Override
    public void unpin(Attachment attachment) {
        requireLock(attachment, "unpin", true);
        delegate.unpin(attachment);
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        requireLock(attachment, "map", true);
        List<SgEntry> entries = delegate.map(attachment, direction);
        maps.incrementAndGet();
        if (entries == null || entries.isEmpty()) {
            recorder.violation(Rule.MAP_2, "map of " + who(attachment) + " returned " + entries,
                    "that map() returns the entries covering the whole buffer");
            return entries;
        }
        checkEntries(attachment, entries);
        synchronized (this) {
            for (List<List<SgEntry>> lists : live.values()) {
                for (List<SgEntry> other : lists) {
                    if (other == entries) {
                        recorder.violation(Rule.MAP_5, "map of " + who(attachment)
                                + " returned the same entry list as a mapping that is still mapped",
                                "that map() builds new entries on every call (device.mapPages) instead of caching");
                    }
                }
            }
            List<List<SgEntry>> mine = live.computeIfAbsent(attachment, k -> new ArrayList<>());
            for (List<SgEntry> other : mine) {
                if (overlaps(other, entries)) {
                    recorder.violation(Rule.MAP_5, "map of " + who(attachment)
                            + " returned device addresses that a mapping still mapped already uses",
                            "that map() calls device.mapPages for every call and never hands the same entries twice");
                    break;
                }
            }
            mine.add(entries);
            for (SgEntry e : entries) {
                handed.add(new Handed(attachment.device(), e));
            }
        }
        return entries;
    }

    private static boolean overlaps(List<SgEntry> a, List<SgEntry> b) {
        for (SgEntry x : a) {
            for (SgEntry y : b) {
                if (x.dmaAddress() < y.dmaAddress() + y.length() && y.dmaAddress() < x.dmaAddress() + x.length()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean crossesBoundary(SgEntry e, Device device) {
        long b = device.constraints().segmentBoundary();
        return b != 0 && e.dmaAddress() / b != (e.dmaAddress() + e.length() - 1) / b;
    }

    private void checkEntries(Attachment a, List<SgEntry> entries) {
        Device device = a.device();
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            SgEntry e = entries.get(i);
            if (e == null) {
                recorder.violation(Rule.MAP_2, "map of " + who(a) + " returned a null entry at index " + i,
                        "the list map() returns");
                return;
            }
            total += e.length();
            if (!e.isPageAligned()) {
                recorder.violation(Rule.MAP_3, "map of " + who(a) + " returned entry " + i + " at 0x"
                        + Long.toHexString(e.dmaAddress()) + " of " + e.length() + " bytes, not page aligned",
                        "most likely map() shifts or builds entries itself: return the entries device.mapPages made"
                        + " over page-sized chunks");
                continue;
            }
            if (!device.isMapped(e.dmaAddress(), e.length())) {
                // an address of another device's space: its constraints, alignment and pages say nothing about this
                // device, so the precise rule is MAP-9
                recorder.violation(Rule.MAP_9, "map of " + who(a) + " returned entry " + i + " at 0x"
                        + Long.toHexString(e.dmaAddress()) + " that device '" + device.name() + "' does not translate",
                        "most likely map() maps through another device (its own, or the first attachment's) instead"
                        + " of attachment.device(): build the entries with attachment.device().mapPages/mapPeer");
                continue;
            }
            if (!device.constraints().admits(e.dmaAddress(), e.length())) {
                recorder.violation(Rule.MAP_4, "map of " + who(a) + " returned entry " + i + " at 0x"
                        + Long.toHexString(e.dmaAddress()) + " of " + e.length() + " bytes, which breaks the device's "
                        + device.constraints() + (crossesBoundary(e, device) ? ": it crosses a segment boundary" : ""),
                        crossesBoundary(e, device) ? "most likely map() merges or re-splits entries by the maximum"
                        + " segment size only: return the entries device.mapPages split, which honour the boundary"
                        : "that map() returns the entries device.mapPages split for the device's constraints,"
                        + " without merging or re-splitting them");
            }
            if (!e.hasCpuPage() && !(a.peerToPeer() && device.isPeerToPeerCapable())) {
                recorder.violation(Rule.P2P_1, "map of " + who(a) + " returned entry " + i
                        + " without a CPU page to an importer that " + (a.peerToPeer() ? "allows peer-to-peer on a"
                        + " device that is not peer-to-peer capable" : "does not allow peer-to-peer"),
                        "that map() gives device memory only when attachment.peerToPeer() and the device is "
                        + "peer-to-peer capable, and migrates or refuses otherwise");
            }
        }
        if (total != size) {
            long t = total;
            recorder.violation(Rule.MAP_2, "map of " + who(a) + " returned " + entries.size() + " entries covering "
                    + t + " bytes of a " + size + "-byte buffer", "that map() returns entries covering the whole buffer");
        }
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        requireLock(attachment, "unmap", true);
        List<List<SgEntry>> others = new ArrayList<>();
        synchronized (this) {
            List<List<SgEntry>> mine = live.get(attachment);
            boolean found = false;
            if (mine != null) {
                for (var it = mine.iterator(); it.hasNext() && !found;) {
                    List<SgEntry> l = it.next();
                    if (l == entries || l.equals(entries)) {
                        it.remove();
                        found = true;
                    }
                }
            }
            if (!found) {
                recorder.violation(Rule.MAP_10, "unmap of " + who(attachment)
                        + " was given entries that are not a live mapping of that attachment",
                        "the framework's unmap bookkeeping");
            }
            if (mine != null) {
                others.addAll(mine);
            }
        }
        delegate.unmap(attachment, entries, direction);
        if (!addressChecks) {
            return;
        }
        Device device = attachment.device();
        for (SgEntry e : entries) {
            if (device.isMapped(e.dmaAddress(), e.length())) {
                recorder.violation(Rule.DEV_9, "after unmap of " + who(attachment) + ", device '" + device.name()
                        + "' still translates 0x" + Long.toHexString(e.dmaAddress()) + " (" + e.length() + " bytes)",
                        "that unmap() calls attachment.device().unmap(entries) with exactly the entries map() returned");
                break;
            }
        }
        for (List<SgEntry> other : others) {
            for (SgEntry e : other) {
                if (!device.isMapped(e.dmaAddress(), e.length())) {
                    recorder.violation(Rule.DEV_9, "unmap of one mapping of " + who(attachment)
                            + " also removed translations of another mapping that is still mapped",
                            "that unmap() removes exactly the translations of the entries it is given");
                    return;
                }
            }
        }
    }

    @Override
    public void release() {
        int n = releases.incrementAndGet();
        if (n > 1) {
            recorder.violation(Rule.BUF_2, "release of exporter '" + exporterName + "' ran " + n + " times",
                    "the framework's reference counting");
        }
        delegate.release();
        if (!addressChecks) {
            return;
        }
        synchronized (this) {
            for (List<List<SgEntry>> lists : live.values()) {
                if (!lists.isEmpty()) {
                    recorder.violation(Rule.BUF_2, "release of exporter '" + exporterName
                            + "' ran while mappings were still mapped", "the framework's release ordering");
                    break;
                }
            }
        }
    }

    /**
     * Checks that no translation handed out for this buffer is left in any open device (DEV-9); call when quiescent.
     */
    public void checkNoTranslationLeft() {
        List<Handed> all;
        synchronized (this) {
            all = List.copyOf(handed);
        }
        for (Handed h : all) {
            if (h.device().isOpen() && h.device().isMapped(h.entry().dmaAddress(), h.entry().length())) {
                recorder.violation(Rule.DEV_9, "after release of exporter '" + exporterName + "', device '"
                        + h.device().name() + "' still translates 0x" + Long.toHexString(h.entry().dmaAddress()) + " ("
                        + h.entry().length() + " bytes) that map() handed out",
                        "that unmap() removes every translation map() installed, and release() those of any "
                        + "mapping it made itself");
                return;
            }
        }
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        MemorySegment view = delegate.beginCpuAccess(access, spans);
        cpuBegins.incrementAndGet();
        if (view == null || view.byteSize() != size) {
            recorder.violation(Rule.CPU_3, "beginCpuAccess of exporter '" + exporterName + "' returned "
                    + (view == null ? "null" : "a segment of " + view.byteSize() + " bytes") + " for a " + size
                    + "-byte buffer", "that beginCpuAccess returns the buffer's CPU memory, linear, size() bytes");
        }
        return view;
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        cpuEnds.incrementAndGet();
        delegate.endCpuAccess(access, spans, view);
    }

    @Override
    public MemorySegment vmap() {
        MemorySegment m = delegate.vmap();
        vmaps.incrementAndGet();
        return m;
    }

    @Override
    public void vunmap(MemorySegment memory) {
        vunmaps.incrementAndGet();
        delegate.vunmap(memory);
    }

    /**
     * The number of exporter vmap calls that returned (the framework calls it on the first vmap only).
     *
     * @return the count
     */
    public int vmaps() {
        return vmaps.get();
    }

    /**
     * The number of exporter vunmap calls (the framework calls it on the last vmap's close only).
     *
     * @return the count
     */
    public int vunmaps() {
        return vunmaps.get();
    }
}
