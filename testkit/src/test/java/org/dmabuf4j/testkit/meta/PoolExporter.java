package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * A third-party heap, written the way a driver team would: buffers are made of 64 KiB chunks taken from a pool of
 * 1 MiB slabs of the pool's own memory ({@link Arena#ofAuto()}), reused after release (last freed, first reused) and
 * zeroed when reused. Devices get the chunks as a scatter-gather list; the CPU gets a staging copy of the window's
 * spans, since the chunks are not contiguous. Static: the chunks never move.
 *
 * <p>One {@link Bug} at a time turns it into the broken exporter of a meta-test; {@link Bug#NONE} is the correct
 * twin.
 */
final class PoolExporter implements Exporter {
    static final long CHUNK = 64 * 1024;
    private static final long SLAB = 16 * CHUNK;

    /** What this exporter gets wrong. */
    enum Bug {
        /** Correct. */
        NONE,
        /** Zeroes a reused chunk only when the CPU first opens a window: devices see the previous user's data. */
        ZEROES_ON_FIRST_CPU_ACCESS,
        /** Gives its chunks back to the pool when the last attachment detaches, though a handle is still open. */
        GIVES_BACK_AT_LAST_DETACH,
        /** Lists the chunks in address order in map() ("so the IOMMU can merge them"), not in buffer order. */
        MAPS_IN_ADDRESS_ORDER,
        /** Coalesces contiguous entries up to the maximum segment size, ignoring the segment boundary. */
        COALESCES_ACROSS_BOUNDARIES,
        /** Unmaps only the first entry of a mapping, as if a mapping were one contiguous range. */
        UNMAPS_FIRST_ENTRY_ONLY,
        /** Returns its staging copy rounded up to whole chunks from beginCpuAccess. */
        STAGING_IN_WHOLE_CHUNKS
    }

    /** The pool of one fixture: slabs of chunks, and the chunks given back, reused last-freed first. */
    static final class Pool {
        private final Deque<MemorySegment> free = new ArrayDeque<>();
        private final List<MemorySegment> dirty = new ArrayList<>();
        private long live;

        synchronized List<MemorySegment> take(int n, boolean zeroNow) {
            List<MemorySegment> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (free.isEmpty()) {
                    MemorySegment slab = Arena.ofAuto().allocate(SLAB, DmaConstraints.PAGE_SIZE);
                    for (long off = 0; off < SLAB; off += CHUNK) {
                        free.addLast(slab.asSlice(off, CHUNK));
                    }
                }
                MemorySegment c = free.pop();
                if (zeroNow && dirty.remove(c)) {
                    c.fill((byte) 0);
                }
                out.add(c);
            }
            live += n * CHUNK;
            return out;
        }

        /** Whether a chunk held a previous user's data and was not zeroed since. */
        synchronized boolean isDirty(MemorySegment c) {
            return dirty.contains(c);
        }

        synchronized void zero(MemorySegment c) {
            if (dirty.remove(c)) {
                c.fill((byte) 0);
            }
        }

        synchronized void give(List<MemorySegment> chunks) {
            for (MemorySegment c : chunks) {
                free.push(c);
                if (!dirty.contains(c)) {
                    dirty.add(c);
                }
            }
            live -= chunks.size() * CHUNK;
        }

        synchronized long liveBytes() {
            return live;
        }
    }

    private final Pool pool;
    private final Bug bug;
    private final long size;
    private final List<MemorySegment> chunks;
    private int attachments;
    private boolean givenBack;
    private volatile ExportedBuffer exported;

    private PoolExporter(Pool pool, Bug bug, long size) {
        this.pool = pool;
        this.bug = bug;
        this.size = size;
        this.chunks = pool.take((int) ((size + CHUNK - 1) / CHUNK), bug != Bug.ZEROES_ON_FIRST_CPU_ACCESS);
    }

    static ExportedBuffer export(SimulatedSystem system, Pool pool, Bug bug, long size,
            Optional<BufferLayout> layout) {
        PoolExporter ex = new PoolExporter(pool, bug, size);
        try {
            ex.exported = system.export(new ExportInfo("pool", size, ex, layout));
        } catch (RuntimeException refused) {
            ex.release();
            throw refused;
        }
        return ex.exported;
    }

    /** The buffer's memory as devices see it: each chunk, the last one cut to the buffer's end. */
    private List<MemorySegment> pieces() {
        List<MemorySegment> out = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            out.add(chunks.get(i).asSlice(0, Math.min(CHUNK, size - i * CHUNK)));
        }
        if (bug == Bug.MAPS_IN_ADDRESS_ORDER) {
            out.sort(Comparator.comparingLong(MemorySegment::address));
        }
        return out;
    }

    @Override
    public synchronized void attach(Attachment attachment) {
        attachments++;
    }

    @Override
    public void detach(Attachment attachment) {
        synchronized (this) {
            attachments--;
            if (bug != Bug.GIVES_BACK_AT_LAST_DETACH || attachments > 0 || givenBack) {
                return;
            }
            // "nobody uses it any more": the handle the application still holds is forgotten
            givenBack = true;
        }
        pool.give(chunks);
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        if (exported != null && exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer #" + attachment.buffer().id() + " of the pool is revoked:"
                    + " device '" + attachment.device().name() + "' cannot map it");
        }
        List<SgEntry> entries = attachment.device().mapPages(pieces(), direction);
        if (bug == Bug.COALESCES_ACROSS_BOUNDARIES) {
            List<SgEntry> fewer = coalesce(entries, attachment.device().constraints().maxSegmentSize());
            synchronized (coalesced) {
                coalesced.put(fewer, entries);
            }
            return fewer;
        }
        return entries;
    }

    /** Joins neighbouring entries, in device and CPU addresses, while the result fits the maximum segment size. */
    private static List<SgEntry> coalesce(List<SgEntry> entries, long maxSegment) {
        List<SgEntry> out = new ArrayList<>();
        SgEntry run = null;
        for (SgEntry e : entries) {
            if (run != null && run.dmaAddress() + run.length() == e.dmaAddress()
                    && run.cpuSegment().address() + run.length() == e.cpuSegment().address()
                    && run.length() + e.length() <= maxSegment) {
                long len = run.length() + e.length();
                run = new SgEntry(run.dmaAddress(), len,
                        Optional.of(MemorySegment.ofAddress(run.cpuSegment().address()).reinterpret(len)));
            } else {
                if (run != null) {
                    out.add(run);
                }
                run = e;
            }
        }
        out.add(run);
        return out;
    }

    /** COALESCES_ACROSS_BOUNDARIES: what map returned (by value: the framework may copy the list) → what the device
     * mapped, to unmap exactly that. */
    private final java.util.Map<List<SgEntry>, List<SgEntry>> coalesced = new java.util.HashMap<>();

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        List<SgEntry> mapped;
        synchronized (coalesced) {
            mapped = coalesced.remove(entries);
        }
        if (mapped != null) {
            attachment.device().unmap(mapped);
            return;
        }
        attachment.device().unmap(bug == Bug.UNMAPS_FIRST_ENTRY_ONLY ? List.of(entries.getFirst()) : entries);
    }

    @Override
    public void release() {
        synchronized (this) {
            if (givenBack) {
                return;
            }
            givenBack = true;
        }
        pool.give(chunks);
    }

    /** Copies bytes between the buffer's chunks and a linear segment indexed by buffer offset. */
    private void copy(MemorySegment linear, Span span, boolean toChunks) {
        long off = span.offset();
        long end = span.end();
        while (off < end) {
            int i = (int) (off / CHUNK);
            long in = off % CHUNK;
            long n = Math.min(end - off, CHUNK - in);
            if (toChunks) {
                MemorySegment.copy(linear, off, chunks.get(i), in, n);
            } else {
                MemorySegment.copy(chunks.get(i), in, linear, off, n);
            }
            off += n;
        }
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        if (exported != null && exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer of the pool is revoked: no CPU access");
        }
        if (bug == Bug.ZEROES_ON_FIRST_CPU_ACCESS) {
            chunks.forEach(pool::zero);
        }
        long staged = bug == Bug.STAGING_IN_WHOLE_CHUNKS ? chunks.size() * CHUNK : size;
        MemorySegment staging = Arena.ofAuto().allocate(staged, DmaConstraints.PAGE_SIZE);
        for (Span s : spans) {
            copy(staging, s, false);
        }
        return staging;
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        if (access.writes()) {
            for (Span s : spans) {
                copy(view, s, true);
            }
        }
    }

    /** The fixture: one pool per fixture, so every test starts with an empty pool. */
    static final class Fixture implements ExporterFixture {
        private final Bug bug;
        private final Pool pool = new Pool();

        Fixture(Bug bug) {
            this.bug = bug;
        }

        @Override
        public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
            return PoolExporter.export(system, pool, bug, size, layout);
        }

        @Override
        public Set<ExporterFeature> features() {
            return EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D, ExporterFeature.HEAP,
                    ExporterFeature.REVOCATION);
        }

        @Override
        public OptionalLong liveBytes() {
            return OptionalLong.of(pool.liveBytes());
        }

        @Override
        public String name() {
            return "pool-" + bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
