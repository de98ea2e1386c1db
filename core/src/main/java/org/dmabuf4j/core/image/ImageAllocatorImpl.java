package org.dmabuf4j.core.image;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.api.image.Fallback;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatPlane;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.api.image.NegotiatedImages;
import org.dmabuf4j.api.image.NegotiationFailedException;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.core.ImageCounters;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedImages;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * The image allocator of one system: lays images out ({@link ImageLayouts}), allocates their buffers
 * from the system heap (the contiguous heap for scanout), remembers each allocation's real layout
 * ({@link ImageRegistry}) to check imports, and negotiates ({@link Negotiator}). Thread-safe.
 */
public final class ImageAllocatorImpl implements SimulatedImages {
    final SimulatedSystem system;
    final ImageStats stats = new ImageStats();
    private final Predicate<DmaBuf> owns;
    private final Consumer<String> requireOpen;
    private final ImageRegistry registry;

    /**
     * Creates the allocator of a system.
     *
     * @param system the system
     * @param owns whether a handle is of this system
     * @param requireOpen throws a ClosedException naming the operation if the system is closed
     */
    public ImageAllocatorImpl(SimulatedSystem system, Predicate<DmaBuf> owns, Consumer<String> requireOpen) {
        this.system = system;
        this.owns = owns;
        this.requireOpen = requireOpen;
        this.registry = new ImageRegistry(system::liveBufferIds);
    }

    @Override
    public ImageCounters counters() {
        return stats.snapshot();
    }

    // ---- allocation (FMT-7, NEG-4) --------------------------------------------------------------------------------

    @Override
    public Image allocate(ImageRequest request) {
        return allocateFrom(request, null);
    }

    @Override
    public Image allocate(ImageRequest request, DmaHeap heap) {
        if (heap == null) {
            throw new RuleViolationException(Rule.NEG_4, "allocate(" + request + ", null heap): pass the heap the"
                    + " image's buffers come from, or call allocate(request) for the system's own heaps");
        }
        return allocateFrom(request, heap);
    }

    private Image allocateFrom(ImageRequest request, DmaHeap heap) {
        if (request == null) {
            throw new RuleViolationException(Rule.FMT_7, "allocate(null): pass an ImageRequest with the format, size"
                    + " and acceptable modifiers");
        }
        requireOpen.accept("image allocation");
        for (ImageTarget t : request.targets()) {
            checkDevice(t.device(), Rule.NEG_4, "target of the allocation of " + request.format() + " "
                    + request.width() + "x" + request.height());
        }
        List<Fallback> refused = new ArrayList<>();
        for (FormatModifier m : new LinkedHashSet<>(request.modifiers())) {
            Image image = tryAllocate(request, m, refused, heap);
            if (image != null) {
                return image;
            }
        }
        throw new NegotiationFailedException(Rule.NEG_4, "allocation of " + request.format() + " "
                + request.width() + "x" + request.height() + " for " + request.targets() + " found no usable modifier"
                + " in " + request.modifiers() + (heap == null ? "" : " in heap '" + heap.name() + "'")
                + "; nothing was allocated. Widen the list (LINEAR is the baseline), drop a target, or negotiate a"
                + " copy route. Candidates:", refused);
    }

    /** One candidate: the image, or null with the reason added to {@code refused}. */
    Image tryAllocate(ImageRequest request, FormatModifier m, List<Fallback> refused) {
        return tryAllocate(request, m, refused, null);
    }

    /**
     * One candidate: the image, or null with the reason added to {@code refused}.
     *
     * @param heap where the buffers come from, or null for the system heap (the contiguous heap for scanout)
     */
    private Image tryAllocate(ImageRequest request, FormatModifier m, List<Fallback> refused, DmaHeap explicitHeap) {
        String attempt = request.format() + ":" + m;
        FormatModifier layout;
        if (m.isImplicit()) {
            LinkedHashSet<FormatModifier> implicit = new LinkedHashSet<>();
            for (ImageTarget t : request.targets()) {
                implicit.add(sim(t).implicitModifier());
            }
            if (implicit.size() > 1) {
                refused.add(new Fallback(Rule.NEG_2, attempt, "the targets' drivers lay implicit images out"
                        + " differently (" + implicitLayouts(request) + "): an implicit buffer is not portable"
                        + " between them"));
                return null;
            }
            layout = implicit.isEmpty() ? FormatModifier.LINEAR : implicit.getFirst();
        } else if (!m.isKnown()) {
            refused.add(new Fallback(Rule.NEG_4, attempt, "this allocator cannot lay out vendor " + m.vendorName()
                    + "'s modifier " + m.hex() + " (it knows LINEAR, SIM_TILED and SIM_TILED_CCS)"));
            return null;
        } else {
            layout = m;
        }
        int planes = layout.memoryPlanes(request.format()).orElseThrow();
        if (planes > ImageDescriptor.MAX_PLANES) {
            refused.add(new Fallback(Rule.FMT_2, attempt, request.format() + " has " + request.format().planeCount()
                    + " colour planes; " + m + " adds a metadata plane to each: " + planes + " planes, more than "
                    + ImageDescriptor.MAX_PLANES));
            return null;
        }
        LayoutConstraints constraints = request.constraints();
        boolean scanout = false;
        for (ImageTarget t : request.targets()) {
            SimulatedDevice d = sim(t);
            if (!d.formats(t.usage()).contains(request.format(), m)) {
                refused.add(new Fallback(Rule.NEG_4, attempt, "device '" + d.name() + "' does not import it for "
                        + t.usage() + " (it takes " + d.formats(t.usage()).modifiers(request.format()) + ")"));
                return null;
            }
            constraints = constraints.merge(d.importConstraints());
            scanout |= t.usage() == ImageUsage.SCANOUT;
        }
        ImageLayouts.Planned plan = ImageLayouts.plan(request.format(), request.width(), request.height(), m, layout,
                constraints, request.disjoint());
        if (scanout && explicitHeap != null && explicitHeap != system.contiguousHeap()) {
            refused.add(new Fallback(Rule.NEG_4, attempt, "a SCANOUT target needs contiguous memory, and heap '"
                    + explicitHeap.name() + "' is not the contiguous heap"));
            return null;
        }
        DmaHeap heap = explicitHeap != null ? explicitHeap : scanout ? system.contiguousHeap() : system.systemHeap();
        List<DmaBuf> buffers = new ArrayList<>();
        try {
            for (int i = 0; i < plan.bufferSizes().size(); i++) {
                buffers.add(allocateBuffer(heap, plan, i, layout));
            }
        } catch (ClosedException e) {
            Closing.undo(buffers, DmaBuf::close, e);
            throw e;
        } catch (DmaBufException e) {
            Closing.undo(buffers, DmaBuf::close, e);
            refused.add(new Fallback(e.rule(), attempt, "heap '" + heap.name() + "' could not allocate the "
                    + plan.bufferSizes() + " bytes" + (scanout ? " of contiguous scanout memory" : "") + ": "
                    + e.getMessage()));
            return null;
        }
        for (DmaBuf b : buffers) {
            if (!owns.test(b)) {
                RuleViolationException e = new RuleViolationException(Rule.NEG_4, "heap '" + heap.name()
                        + "' allocated " + b + ", which is not a buffer of " + system + ": pass a heap of the"
                        + " allocator's own system; nothing was allocated");
                Closing.undo(buffers, DmaBuf::close, e);
                throw e;
            }
        }
        registry.add(plan.descriptor(), layout, buffers);
        stats.allocations.increment();
        return new ImageImpl(this, plan.descriptor(), layout, buffers);
    }

    private static String implicitLayouts(ImageRequest request) {
        List<String> out = new ArrayList<>();
        for (ImageTarget t : request.targets()) {
            out.add("'" + t.device().name() + "' " + sim(t).implicitModifier());
        }
        return String.join(", ", out);
    }

    /**
     * One buffer of a plan. A single linear plane of whole pixels without height padding gets the buffer a
     * {@link BufferLayout}, so that plain 2-D windows of the buffer work too.
     */
    private static DmaBuf allocateBuffer(DmaHeap heap, ImageLayouts.Planned plan, int index, FormatModifier layout) {
        ImageDescriptor d = plan.descriptor();
        long size = plan.bufferSizes().get(index);
        if (d.planes().size() == 1 && layout.isLinear()) {
            FormatPlane p = d.format().plane(0);
            long stride = d.planes().getFirst().pitch();
            if (p.hsub() == 1 && p.vsub() == 1 && stride * d.height() == size) {
                return heap.allocate(new BufferLayout(d.width(), d.height(), stride, p.bytesPerSample(),
                        Tiling.LINEAR));
            }
        }
        return heap.allocate(size);
    }

    static SimulatedDevice sim(ImageTarget t) {
        if (t.device() instanceof SimulatedDevice d) {
            return d;
        }
        throw new RuleViolationException(Rule.NEG_4, "target device " + t.device() + " is not a simulated device");
    }

    // ---- explicit-layout import (FMT-5, FMT-6, FMT-8, NEG-2) ---------------------------------------------------

    @Override
    public Image importImage(ImageDescriptor descriptor, List<DmaBuf> buffers) {
        if (descriptor == null || buffers == null) {
            throw new RuleViolationException(Rule.FMT_6, "importImage with a null "
                    + (descriptor == null ? "descriptor" : "buffer list"));
        }
        requireOpen.accept("image import");
        List<DmaBuf> list = new ArrayList<>(buffers.size());
        List<Long> sizes = new ArrayList<>(buffers.size());
        for (int i = 0; i < buffers.size(); i++) {
            DmaBuf b = buffers.get(i);
            if (b == null || !owns.test(b)) {
                throw new RuleViolationException(Rule.FMT_6, "buffer " + i + " of the import of " + descriptor + " is "
                        + (b == null ? "null" : b + ", not a buffer of this system") + ": pass open handles of this"
                        + " system, by the planes' indexes");
            }
            if (!b.isOpen()) {
                throw new ClosedException(Rule.BUF_3, "buffer " + i + " of the import of " + descriptor + " is a closed"
                        + " handle of " + b);
            }
            list.add(b);
            sizes.add(b.size());
        }
        descriptor.checkBuffers(sizes);
        checkTiledHeapBuffers(descriptor, list);
        FormatModifier layout = checkAgainstAllocation(descriptor, list);
        List<DmaBuf> shares = new ArrayList<>(list.size());
        try {
            for (DmaBuf b : list) {
                shares.add(b.share());
            }
        } catch (RuntimeException | Error e) {
            Closing.undo(shares, DmaBuf::close, e);
            throw e;
        }
        stats.imports.increment();
        return new ImageImpl(this, descriptor, layout, shares);
    }

    /**
     * FMT-8: a buffer of the tiled heap (a tiled {@link BufferLayout}) is a SIM_TILED image of one plane: its tiles
     * are SIM_TILED's when they are 128 bytes x 32 rows, and its exporter already shows the CPU linear pixels. Any
     * other descriptor of it would be read through the wrong geometry.
     */
    private void checkTiledHeapBuffers(ImageDescriptor d, List<DmaBuf> buffers) {
        for (int i = 0; i < buffers.size(); i++) {
            Optional<BufferLayout> l = buffers.get(i).layout();
            if (l.isEmpty() || !l.get().isTiled()) {
                continue;
            }
            BufferLayout bl = l.get();
            boolean simTile = bl.tiling().equals(FormatModifier.SIM_TILED.tiling().orElseThrow());
            ImageDescriptor.Plane p0 = d.planes().getFirst();
            if (!simTile || !d.modifier().equals(FormatModifier.SIM_TILED) || d.planes().size() != 1
                    || p0.offset() != 0 || p0.pitch() != bl.stride() || d.height() > bl.height()) {
                refuseImport(Rule.FMT_8, "import of " + d + ": buffer " + i + " (" + buffers.get(i) + ") is a tiled"
                        + " heap buffer laid out " + bl + "; " + (simTile ? "import it as one SIM_TILED plane at offset"
                        + " 0 with pitch " + bl.stride() + " and at most " + bl.height() + " rows"
                        : "its tiles are not SIM_TILED's 128 x 32, so it is not an image of a known modifier"));
            }
        }
    }

    /** FMT-8, NEG-2: an import of allocated buffers repeats the allocation; returns the real layout. */
    private FormatModifier checkAgainstAllocation(ImageDescriptor d, List<DmaBuf> buffers) {
        ImageRegistry.Entry first = null;
        ImageRegistry.Entry[] entries = new ImageRegistry.Entry[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            entries[i] = registry.get(buffers.get(i));
            if (entries[i] != null && first == null) {
                first = entries[i];
            }
        }
        if (first == null) {
            // a third party's buffers: the descriptor is all there is; implicit is taken as the baseline
            return d.modifier().isImplicit() ? FormatModifier.LINEAR : d.modifier();
        }
        ImageDescriptor a = first.descriptor();
        String allocated = "the buffers were allocated as " + a + (first.layout().equals(a.modifier()) ? ""
                : " (implicit, laid out " + first.layout() + ")");
        if (!d.format().equals(a.format()) || d.width() != a.width() || d.height() != a.height()
                || d.planes().size() != a.planes().size()) {
            refuseImport(Rule.FMT_8, "import of " + d + ": " + allocated + "; the format, size and plane count must"
                    + " be the allocation's");
        }
        for (int p = 0; p < d.planes().size(); p++) {
            ImageDescriptor.Plane ip = d.planes().get(p);
            ImageDescriptor.Plane ap = a.planes().get(p);
            ImageRegistry.Entry e = entries[ip.buffer()];
            if (e == null || e.allocation() != first.allocation() || e.index() != ap.buffer()) {
                refuseImport(Rule.FMT_8, "import of " + d + ": plane " + p + " names buffer " + ip.buffer() + ", but "
                        + allocated + " with plane " + p + " in its buffer " + ap.buffer() + "; pass the allocation's"
                        + " buffers in its order");
            }
            if (ip.offset() != ap.offset() || ip.pitch() != ap.pitch()) {
                refuseImport(Rule.FMT_8, "import of " + d + ": plane " + p + " at offset " + ip.offset() + " pitch "
                        + ip.pitch() + ", but " + allocated + ", plane " + p + " at offset " + ap.offset() + " pitch "
                        + ap.pitch() + " (padding such as a height aligned for a decoder is expressed only by the"
                        + " offsets and pitches the allocator reports: read them back from its descriptor)");
            }
        }
        FormatModifier claimed = d.modifier();
        if (claimed.equals(a.modifier())) {
            return first.layout();
        }
        if (a.modifier().isImplicit() && claimed.equals(first.layout())) {
            return first.layout(); // the upgrade: an implicit allocation imported with its real layout
        }
        if (claimed.isImplicit()) {
            refuseImport(Rule.NEG_2, "import of " + d + " as INVALID (implicit): " + allocated + " with an explicit"
                    + " modifier; every user of a buffer is implicit or every one explicit. Import it as "
                    + a.modifier());
        }
        refuseImport(Rule.FMT_8, "import of " + d + " as " + claimed + ": " + allocated + ", so its bytes are "
                + first.layout() + (claimed.isLinear() && a.modifier().isImplicit() ? " (LINEAR is an explicit"
                + " layout, not \"no modifier\": that is INVALID)" : "") + "; import it with "
                + (a.modifier().isImplicit() ? "INVALID or " + first.layout() : a.modifier().toString()));
        return null; // not reached
    }

    private void refuseImport(Rule rule, String message) {
        stats.refusedImports.increment();
        throw new RuleViolationException(rule, message + ". Nothing was imported");
    }

    // ---- negotiation (NEG-5, NEG-6) ---------------------------------------------------------------------------

    @Override
    public NegotiatedImages negotiate(NegotiationRequest request) {
        if (request == null) {
            throw new RuleViolationException(Rule.NEG_5, "negotiate(null): pass a NegotiationRequest with the"
                    + " producer's tranche and the consumer's tranches");
        }
        requireOpen.accept("negotiation");
        String what = "negotiation of " + request.format() + " " + request.width() + "x" + request.height();
        checkDevice(request.producer().device(), Rule.NEG_5, "producer of the " + what);
        for (org.dmabuf4j.api.image.Tranche t : request.consumer()) {
            checkDevice(t.device(), Rule.NEG_5, "consumer tranche of the " + what);
        }
        for (org.dmabuf4j.api.Device d : request.blitters()) {
            checkDevice(d, Rule.NEG_5, "blitter of the " + what);
        }
        return new Negotiator(this, request).run();
    }

    /**
     * Rejects, before anything is allocated, a device the system cannot allocate for: a closed (unplugged) one, or
     * one of another system (its formats and constraints would be taken for this system's; its buffers could never
     * be attached to it, ATT-7).
     *
     * @param device a device of a request; not null (the request records check that)
     * @param rule NEG-4 for an allocation's targets, NEG-5 for a negotiation's parties
     * @param role what the device is in the request, for the message
     * @throws org.dmabuf4j.api.ClosedException (rule) if the device is closed
     * @throws RuleViolationException (rule) if the device is not one of this system's
     */
    private void checkDevice(org.dmabuf4j.api.Device device, Rule rule, String role) {
        if (!device.isOpen()) {
            throw new org.dmabuf4j.api.ClosedException(rule, "device '" + device.name() + "', " + role + " in "
                    + system + ", is closed (unplugged): name open devices only. Nothing was allocated");
        }
        if (!(device instanceof org.dmabuf4j.core.device.SimulatedDeviceImpl sim) || sim.directory() != system) {
            throw new RuleViolationException(rule, "device '" + device.name() + "', " + role + " in " + system
                    + ", is not a device of this system: images are allocated only for the system's own devices;"
                    + " allocate in the device's system. Nothing was allocated");
        }
    }

    @Override
    public String toString() {
        return "image allocator of " + system;
    }
}
