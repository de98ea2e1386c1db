package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * A third-party GPU driver's exporter: buffers start in the GPU's local memory (VRAM, no CPU pages), which
 * peer-to-peer importers on capable devices reach at bus addresses; any other importer makes the driver migrate the
 * buffer to system memory (its own memory, one {@link Arena#ofShared()} per placement), a move with notification. The
 * driver evicts buffers from VRAM and compacts system memory ({@link #move}); every move invalidates the mappings
 * under the reservation lock, then copies on a copy thread (the GPU's own DMA for VRAM, a memcpy for system memory)
 * whose completion is published as a KERNEL fence; the old placement is freed when the copy is done. CPU windows get
 * a staging copy of their spans, read and written back under the reservation lock after any pending copy. Dynamic;
 * pins are counted by the framework and honoured by {@link #move}.
 *
 * <p>One {@link Bug} at a time turns it into the broken exporter of a meta-test; {@link Bug#NONE} is the correct
 * twin.
 */
final class GpuExporter implements Exporter {
    private static final long PAGE = DmaConstraints.PAGE_SIZE;
    private static final long CHUNK = 64 * 1024;

    /** What this exporter gets wrong. */
    enum Bug {
        /** Correct. */
        NONE,
        /** On a move, copies at once and frees (scrubs) the old placement, then invalidates the mappings. */
        FREES_OLD_PLACEMENT_BEFORE_NOTIFYING,
        /** The copy engine copies one page less than the buffer (an off-by-one in its page count). */
        COPIES_ONE_PAGE_SHORT,
        /** Publishes the copy of a move as a WRITE-usage fence instead of a KERNEL one. */
        MOVE_FENCE_OF_WRITE_USAGE,
        /** Never signals the fence of a compaction (a move from system memory to system memory). */
        NEVER_SIGNALS_COMPACTION,
        /** Gives VRAM bus addresses to every importer that allows peer-to-peer, whatever its device can reach. */
        PEER_MEMORY_FOR_EVERY_PEER_IMPORTER,
        /** On unplug, scrubs the buffer's memory before revoking it, while importers may still read it. */
        SCRUBS_BEFORE_REVOKING,
        /** Declares itself dynamic but keeps Exporter.pin's default, which refuses every pin. */
        DYNAMIC_WITHOUT_PIN,
        /** Adds the move's fence without reserving a slot first. */
        ADDS_FENCE_WITHOUT_RESERVING,
        /** endCpuAccess writes the staging copy back to the placement the buffer had when the window began. */
        WINDOW_WRITES_BACK_TO_OLD_PLACEMENT,
        /** Maps system memory through the GPU's own IOMMU instead of the importer's device. */
        MAPS_THROUGH_THE_GPU,
        /** Asks its first attachment whether it is pinned, instead of the buffer. */
        CHECKS_PIN_OF_FIRST_ATTACHMENT,
        /** Publishes its copies as a fence of its own making that never runs the callbacks added to it. */
        HOME_MADE_FENCE_WITHOUT_CALLBACKS
    }

    /**
     * HOME_MADE_FENCE_WITHOUT_CALLBACKS: the copy engine's completion as a fence of the driver's own: waits and status
     * work, but the callbacks added to it are kept and never run ("nobody uses them").
     */
    private static final class CopyFence implements Fence {
        private static final AtomicLong CONTEXTS = new AtomicLong(1L << 40);
        private final long context = CONTEXTS.incrementAndGet();
        private final CountDownLatch done = new CountDownLatch(1);
        private final List<FenceCallback> callbacks = new CopyOnWriteArrayList<>();
        private volatile long timestamp;

        void complete() {
            timestamp = System.nanoTime();
            done.countDown();
        }

        @Override
        public long context() {
            return context;
        }

        @Override
        public long seqno() {
            return 1;
        }

        @Override
        public String driverName() {
            return "gpu";
        }

        @Override
        public String timelineName() {
            return "gpu0-copy-engine";
        }

        @Override
        public FenceStatus status() {
            return isSignaled() ? FenceStatus.SIGNALED : FenceStatus.PENDING;
        }

        @Override
        public boolean isSignaled() {
            return done.getCount() == 0;
        }

        @Override
        public Optional<Throwable> error() {
            return Optional.empty();
        }

        @Override
        public long timestampNanos() {
            if (!isSignaled()) {
                throw new IllegalStateException("the copy is not done");
            }
            return timestamp;
        }

        @Override
        public boolean addCallback(FenceCallback callback) {
            if (isSignaled()) {
                return false;
            }
            callbacks.add(callback);
            return true;
        }

        @Override
        public boolean removeCallback(FenceCallback callback) {
            return callbacks.remove(callback);
        }

        @Override
        public boolean await(Duration timeout) {
            try {
                return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DmaInterruptedException(Rule.FENCE_12, "interrupted while waiting for a copy of the GPU",
                        e);
            }
        }

        @Override
        public void await() {
            await(Duration.ofDays(1));
        }

        @Override
        public void awaitUninterruptibly() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean isLaterThan(Fence other) {
            return false;
        }

        @Override
        public boolean isLaterOrSame(Fence other) {
            return other == this;
        }

        @Override
        public void setDeadline(long deadlineNanos) {
            // the copy engine has no priorities
        }

        @Override
        public OptionalLong deadline() {
            return OptionalLong.empty();
        }

        @Override
        public CompletableFuture<Fence> toCompletableFuture() {
            CompletableFuture<Fence> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                awaitUninterruptibly();
                f.complete(this);
            });
            return f;
        }
    }

    /** Where the buffer lives. */
    private sealed interface Placement permits Vram, Sys {
    }

    /** In VRAM at a bus address. */
    private record Vram(long bus) implements Placement {
    }

    /** In system memory. */
    private record Sys(Arena arena, MemorySegment memory) implements Placement {
    }

    /** The GPU of one system: a device with local memory, a first-fit allocator of it, and its own DMA. */
    static final class Gpu {
        static final long VRAM = 16L << 20;
        final SimulatedDevice device;
        private final TreeMap<Long, Long> free = new TreeMap<>();

        Gpu(SimulatedDevice device) {
            this.device = device;
            free.put(0L, VRAM);
        }

        /** A free VRAM range of {@code size} bytes, or -1. */
        synchronized long allocate(long size) {
            for (Map.Entry<Long, Long> e : free.entrySet()) {
                if (e.getValue() >= size) {
                    long at = e.getKey();
                    free.remove(at);
                    if (e.getValue() > size) {
                        free.put(at + size, e.getValue() - size);
                    }
                    return at;
                }
            }
            return -1;
        }

        synchronized void free(long bus, long size) {
            long at = bus;
            long len = size;
            Map.Entry<Long, Long> before = free.floorEntry(at);
            if (before != null && before.getKey() + before.getValue() == at) {
                at = before.getKey();
                len += before.getValue();
                free.remove(before.getKey());
            }
            Long after = free.get(at + len);
            if (after != null) {
                free.remove(at + len);
                len += after;
            }
            free.put(at, len);
        }

        /** Copies VRAM into CPU memory ({@code toVram == false}) or back, with the GPU's DMA to its own memory. */
        void dma(long bus, MemorySegment cpu, boolean toVram) {
            List<SgEntry> entries = device.mapPeer(device, bus, cpu.byteSize(), Direction.BIDIRECTIONAL);
            try {
                long done = 0;
                for (SgEntry e : entries) {
                    MemorySegment part = cpu.asSlice(done, e.length());
                    if (toVram) {
                        device.dmaWrite(e.dmaAddress(), part);
                    } else {
                        device.dmaRead(e.dmaAddress(), part);
                    }
                    done += e.length();
                }
            } finally {
                device.unmap(entries);
            }
        }

        void clear(long bus, long size) {
            try (Arena a = Arena.ofConfined()) {
                dma(bus, a.allocate(size, PAGE), true);
            }
        }
    }

    private final Gpu gpu;
    private final Bug bug;
    private final long size;
    private final AtomicLong live;
    private final FenceContext copies;
    private volatile ExportedBuffer exported;
    /** Guarded by this. */
    private Placement placement;
    /** The copy still running, or null; guarded by this. */
    private Thread pendingCopy;
    /** Placements given up while a window may still write back into them; freed at release. Guarded by this. */
    private final List<Placement> retired = new ArrayList<>();
    private final Map<MemorySegment, Placement> windows = new ConcurrentHashMap<>();
    private boolean released;

    private GpuExporter(SimulatedSystem system, Gpu gpu, Bug bug, long size, AtomicLong live) {
        this.gpu = gpu;
        this.bug = bug;
        this.size = size;
        this.live = live;
        this.copies = system.fences().newContext("gpu", gpu.device.name() + "-copy");
        long bus = gpu.allocate(size);
        if (bus >= 0) {
            gpu.clear(bus, size);
            placement = new Vram(bus);
        } else {
            placement = newSys();
        }
        live.addAndGet(size);
    }

    static GpuExporter export(SimulatedSystem system, Gpu gpu, Bug bug, long size, Optional<BufferLayout> layout,
            AtomicLong live) {
        GpuExporter ex = new GpuExporter(system, gpu, bug, size, live);
        try {
            ex.exported = system.export(new ExportInfo("gpu", size, ex, layout));
        } catch (RuntimeException refused) {
            ex.release();
            throw refused;
        }
        return ex;
    }

    private Sys newSys() {
        Arena a = Arena.ofShared();
        return new Sys(a, a.allocate(size, PAGE));
    }

    @Override
    public boolean isDynamic() {
        return true;
    }

    @Override
    public void pin(Attachment attachment) {
        if (bug == Bug.DYNAMIC_WITHOUT_PIN) {
            Exporter.super.pin(attachment);
        }
        // the framework counts pins; move() asks the buffer whether it is pinned
    }

    private static boolean reachesVram(Attachment a) {
        return a.peerToPeer() && a.device().isPeerToPeerCapable();
    }

    private boolean wantsVram(Attachment a) {
        return bug == Bug.PEER_MEMORY_FOR_EVERY_PEER_IMPORTER ? a.peerToPeer() : reachesVram(a);
    }

    @Override
    public void attach(Attachment attachment) {
        if (wantsVram(attachment)) {
            return;
        }
        Reservation r = exported.reservation();
        r.lock();
        try {
            synchronized (this) {
                if (!(placement instanceof Vram)) {
                    return;
                }
            }
            if (exported.isPinned()) {
                throw new AttachRefusedException(Rule.P2P_2, "buffer #" + exported.handle().id() + " is pinned in"
                        + " the VRAM of '" + gpu.device.name() + "'; device '" + attachment.device().name()
                        + "' cannot reach it there");
            }
            moveTo(newSys());
        } finally {
            r.unlock();
        }
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        if (exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer #" + attachment.buffer().id() + " of '"
                    + gpu.device.name() + "' is revoked: device '" + attachment.device().name() + "' cannot map it");
        }
        Placement p;
        synchronized (this) {
            p = placement;
        }
        if (p instanceof Vram v) {
            if (wantsVram(attachment)) {
                return attachment.device().mapPeer(gpu.device, v.bus(), size, direction);
            }
            // a migration for an importer that cannot reach VRAM: a move like any other (P2P-2)
            moveTo(newSys());
            synchronized (this) {
                p = placement;
            }
        }
        MemorySegment memory = ((Sys) p).memory();
        List<MemorySegment> chunks = new ArrayList<>();
        for (long off = 0; off < size; off += CHUNK) {
            chunks.add(memory.asSlice(off, Math.min(CHUNK, size - off)));
        }
        Device through = bug == Bug.MAPS_THROUGH_THE_GPU ? gpu.device : attachment.device();
        return through.mapPages(chunks, direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        if (bug == Bug.MAPS_THROUGH_THE_GPU && !entries.isEmpty() && entries.getFirst().hasCpuPage()) {
            gpu.device.unmap(entries);
            return;
        }
        attachment.device().unmap(entries);
    }

    /**
     * Moves the buffer as the driver does under memory pressure: out of VRAM, or within system memory (compaction),
     * or back into VRAM when every attachment can reach it there. Takes the reservation lock; a pinned buffer stays.
     */
    void move() {
        Reservation r = exported.reservation();
        r.lock();
        try {
            boolean pinned = bug == Bug.CHECKS_PIN_OF_FIRST_ATTACHMENT
                    ? !exported.attachments().isEmpty() && exported.attachments().getFirst().isPinned()
                    : exported.isPinned();
            if (pinned) {
                return;
            }
            Placement p;
            synchronized (this) {
                p = placement;
            }
            Placement to = null;
            if (p instanceof Sys && exported.attachments().stream().allMatch(GpuExporter::reachesVram)) {
                long bus = gpu.allocate(size);
                to = bus < 0 ? null : new Vram(bus);
            }
            moveTo(to == null ? newSys() : to);
        } finally {
            r.unlock();
        }
    }

    /** Invalidates, then copies to {@code to} on a copy thread, publishing the copy as a KERNEL fence; lock held. */
    private void moveTo(Placement to) {
        Reservation r = exported.reservation();
        r.assertHeld(Rule.MOVE_1);
        Placement from;
        Thread previous;
        synchronized (this) {
            from = placement;
            previous = pendingCopy;
        }
        if (bug == Bug.FREES_OLD_PLACEMENT_BEFORE_NOTIFYING) {
            // "copy now, recycle the old memory, then tell the importers"
            join(previous);
            copy(from, to);
            synchronized (this) {
                placement = to;
                pendingCopy = null;
            }
            free(from, true);
            exported.invalidateMappings();
            SignalingFence done = copies.next();
            r.reserveFences(1);
            r.addFence(done, FenceUsage.KERNEL);
            done.signal();
            return;
        }
        exported.invalidateMappings();
        SignalingFence fence = copies.next();
        CopyFence own = bug == Bug.HOME_MADE_FENCE_WITHOUT_CALLBACKS ? new CopyFence() : null;
        if (bug != Bug.ADDS_FENCE_WITHOUT_RESERVING) {
            r.reserveFences(1);
        }
        r.addFence(own != null ? own : fence, bug == Bug.MOVE_FENCE_OF_WRITE_USAGE ? FenceUsage.WRITE
                : FenceUsage.KERNEL);
        boolean compaction = from instanceof Sys && to instanceof Sys;
        Thread copy = Thread.ofPlatform().daemon().name("gpu-copy-" + exported.handle().id()).unstarted(() -> {
            join(previous);
            copy(from, to);
            retire(from);
            if (own != null) {
                own.complete();
            } else if (!(compaction && bug == Bug.NEVER_SIGNALS_COMPACTION)) {
                fence.signal();
            }
        });
        synchronized (this) {
            placement = to;
            pendingCopy = copy;
        }
        copy.start();
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void copy(Placement from, Placement to) {
        long n = bug == Bug.COPIES_ONE_PAGE_SHORT ? size - PAGE : size;
        if (n <= 0) {
            return;
        }
        switch (from) {
            case Vram v when to instanceof Sys s -> gpu.dma(v.bus(), s.memory().asSlice(0, n), false);
            case Sys s when to instanceof Vram v -> gpu.dma(v.bus(), s.memory().asSlice(0, n), true);
            case Sys s when to instanceof Sys t -> MemorySegment.copy(s.memory(), 0, t.memory(), 0, n);
            default -> throw new IllegalStateException("no copy from " + from + " to " + to);
        }
    }

    /** The old placement after its copy: VRAM goes back to the allocator, system memory waits for release. */
    private void retire(Placement p) {
        synchronized (this) {
            if (released) {
                free(p, false);
                return;
            }
            if (p instanceof Sys) {
                // a window begun before the move may still write back into it (it must not, but must not crash)
                retired.add(p);
                return;
            }
        }
        free(p, false);
    }

    private void free(Placement p, boolean scrub) {
        switch (p) {
            case Vram v -> {
                if (scrub) {
                    gpu.clear(v.bus(), size);
                }
                gpu.free(v.bus(), size);
            }
            case Sys s -> {
                if (scrub) {
                    s.memory().fill((byte) 0);
                }
                s.arena().close();
            }
        }
    }

    private void awaitCopy() {
        Thread t;
        synchronized (this) {
            t = pendingCopy;
        }
        join(t);
    }

    /** Copies the spans between the current placement and a linear segment indexed by buffer offset. */
    private void transfer(Placement p, MemorySegment linear, List<Span> spans, boolean toBuffer) {
        for (Span s : spans) {
            switch (p) {
                case Sys sys -> {
                    if (toBuffer) {
                        MemorySegment.copy(linear, s.offset(), sys.memory(), s.offset(), s.length());
                    } else {
                        MemorySegment.copy(sys.memory(), s.offset(), linear, s.offset(), s.length());
                    }
                }
                case Vram v -> {
                    // the GPU moves whole pages
                    long from = s.offset() / PAGE * PAGE;
                    long to = (s.end() + PAGE - 1) / PAGE * PAGE;
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment pages = a.allocate(to - from, PAGE);
                        gpu.dma(v.bus() + from, pages, false);
                        if (toBuffer) {
                            MemorySegment.copy(linear, s.offset(), pages, s.offset() - from, s.length());
                            gpu.dma(v.bus() + from, pages, true);
                        } else {
                            MemorySegment.copy(pages, s.offset() - from, linear, s.offset(), s.length());
                        }
                    }
                }
            }
        }
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        if (exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer #" + exported.handle().id() + " of '" + gpu.device.name()
                    + "' is revoked: no CPU access");
        }
        MemorySegment staging = Arena.ofAuto().allocate(size, PAGE);
        Reservation r = exported.reservation();
        r.lock();
        try {
            awaitCopy();
            Placement p;
            synchronized (this) {
                p = placement;
            }
            transfer(p, staging, spans, false);
            windows.put(staging, p);
        } finally {
            r.unlock();
        }
        return staging;
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        Placement atBegin = windows.remove(view);
        if (!access.writes()) {
            return;
        }
        Reservation r = exported.reservation();
        r.lock();
        try {
            awaitCopy();
            Placement p;
            synchronized (this) {
                p = bug == Bug.WINDOW_WRITES_BACK_TO_OLD_PLACEMENT && atBegin != null ? atBegin : placement;
            }
            transfer(p, view, spans, true);
        } finally {
            r.unlock();
        }
    }

    @Override
    public void release() {
        awaitCopy();
        List<Placement> all;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            all = new ArrayList<>(retired);
            all.add(placement);
            retired.clear();
        }
        for (Placement p : all) {
            free(p, false);
        }
        live.addAndGet(-size);
    }

    /** Unplug: revokes the buffer (the correct order: revoke, then nothing touches the memory until release). */
    void unplug(Duration timeout) {
        if (bug == Bug.SCRUBS_BEFORE_REVOKING) {
            // "the device is going away: wipe its memory first"
            Reservation r = exported.reservation();
            r.lock();
            try {
                awaitCopy();
                Placement p;
                synchronized (this) {
                    p = placement;
                }
                switch (p) {
                    case Vram v -> gpu.clear(v.bus(), size);
                    case Sys s -> s.memory().fill((byte) 0);
                }
            } finally {
                r.unlock();
            }
        }
        exported.revoke(timeout);
    }

    /** The fixture: one GPU per system, found by name. */
    static final class Fixture implements ExporterFixture {
        private final Bug bug;
        private final Map<SimulatedDevice, Gpu> gpus = new ConcurrentHashMap<>();
        private final Map<ExportedBuffer, GpuExporter> exporters = new ConcurrentHashMap<>();
        private final AtomicLong live = new AtomicLong();

        Fixture(Bug bug) {
            this.bug = bug;
        }

        private Gpu gpu(SimulatedSystem system) {
            synchronized (gpus) {
                for (SimulatedDevice d : system.devices()) {
                    if (d.name().equals("gpu0") && d.isOpen()) {
                        return gpus.computeIfAbsent(d, Gpu::new);
                    }
                }
                SimulatedDevice d = system.newDevice("gpu0").peerToPeer(true).localMemory(Gpu.VRAM).build();
                // the simulated GPU's memory comes into being with its heap's first allocation; from then on this
                // driver manages the whole range itself and never uses that heap again
                d.localMemory().allocate(PAGE).close();
                return gpus.computeIfAbsent(d, Gpu::new);
            }
        }

        @Override
        public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
            GpuExporter ex = GpuExporter.export(system, gpu(system), bug, size, layout, live);
            exporters.put(ex.exported, ex);
            return ex.exported;
        }

        @Override
        public Set<ExporterFeature> features() {
            return EnumSet.of(ExporterFeature.DYNAMIC_MOVE, ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                    ExporterFeature.PEER_TO_PEER, ExporterFeature.REVOCATION, ExporterFeature.HEAP);
        }

        @Override
        public void move(ExportedBuffer buffer) {
            exporters.get(buffer).move();
        }

        @Override
        public void revoke(ExportedBuffer buffer, Duration timeout) {
            exporters.get(buffer).unplug(timeout);
        }

        @Override
        public OptionalLong liveBytes() {
            return OptionalLong.of(live.get());
        }

        @Override
        public long maxSize() {
            return 4L << 20;
        }

        @Override
        public String name() {
            return "gpu-" + bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
