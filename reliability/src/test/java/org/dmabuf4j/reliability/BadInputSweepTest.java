package org.dmabuf4j.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceChain;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceCursor;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Fences;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.api.VMapping;
import org.dmabuf4j.core.Counters;
import org.dmabuf4j.core.DeviceEngine;
import org.dmabuf4j.core.DeviceMemory;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.RemappingImporter;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.core.TiledHeap;
import java.util.Optional;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.Fallback;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatModifierPair;
import org.dmabuf4j.api.image.FormatPlane;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageAllocator;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.api.image.NegotiatedImages;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.api.image.Tranche;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.BufferPool;
import org.dmabuf4j.ipc.ChannelListener;
import org.dmabuf4j.ipc.FdReport;
import org.dmabuf4j.ipc.FormatFeedback;
import org.dmabuf4j.ipc.ImagePool;
import org.dmabuf4j.ipc.KernelDevices;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.OwnedFd;
import org.dmabuf4j.ipc.ReadinessFd;
import org.dmabuf4j.ipc.ReceivedFrame;
import org.dmabuf4j.ipc.SentFrame;
import org.dmabuf4j.ipc.SharedTimeline;
import org.dmabuf4j.ipc.UnixAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input sweep (issue #10): by reflection over every public method of the api interfaces as core implements
 * them (receivers taken from a fresh {@link World}), of core's own entry points, and of the api's records and static
 * factories, each parameter in turn gets each bad value of its type while the others are good; and every method of a
 * receiver in a bad state (closed, detached, revoked, unmapped, other thread, lock held or not held, closed system)
 * is called with good arguments. Each case runs in a fresh world on its own thread (bounded) and is classified:
 *
 * <ul>
 *   <li>OK-REJECTED: a {@link DmaBufException} (which always names its rule) and an unchanged state fingerprint;</li>
 *   <li>OK-BOUNDARY: a legal extreme (MAX, an allowed zero) returned normally;</li>
 *   <li>OK-CONTRACT: an invalid-looking input the contract allows, listed in {@link #ACCEPTED} with the reason;</li>
 *   <li>WEAK: rejected, but with another exception (no rule ID);</li>
 *   <li>ACCEPTED-SILENTLY: an invalid input returned normally;</li>
 *   <li>CORRUPT: the call failed but the fingerprint (dump, counters, bytes, translations, locks, claims) changed;</li>
 *   <li>LEAK: after closing everything the system still holds something; HANG: the call did not return in 10 s.</li>
 * </ul>
 *
 * Cases a fix elsewhere covers are listed in {@link #KNOWN} and reported, not failed; every other finding (WEAK
 * included) fails its method's test.
 */
final class BadInputSweepTest {
    private static final Summary SUMMARY = new Summary("Bad-input sweep", "receiver.method(argument)", "class",
            "caller saw");
    private static final Map<Verdict, Integer> COUNTS = new EnumMap<>(Verdict.class);

    /** The classes of a case. */
    enum Verdict {
        OK_REJECTED, OK_BOUNDARY, OK_CONTRACT, OK_DOCUMENTED, WEAK, ACCEPTED_SILENTLY, CORRUPT, LEAK, HANG, SETUP
    }

    /**
     * Calls whose documented refusal is not a {@link DmaBufException}, with the reason (key as in {@link #ACCEPTED}):
     * lookups by name in diagnostic values, where no rule of the contract applies.
     */
    static final Map<String, String> DOCUMENTED = documented();

    private static Map<String, String> documented() {
        String lookup = "a lookup by name in a diagnostic snapshot or in the rule catalogue: documented"
                + " IllegalArgumentException naming the key and what exists; no rule of the contract applies";
        Map<String, String> d = new LinkedHashMap<>();
        for (String v : List.of("null", "blank", "too long", "with NUL")) {
            d.put("Counters(instance).heap(String)[name=" + v + "]", lookup);
            d.put("Counters(instance).device(String)[name=" + v + "]", lookup);
            d.put("Rule.byId(String)[id=" + v + "]", lookup);
        }
        return Map.copyOf(d);
    }

    /**
     * Inputs that look invalid but that the contract accepts, with the reason (key: receiver.method(param=value)).
     */
    static final Map<String, String> ACCEPTED = accepted();

    private static Map<String, String> accepted() {
        Map<String, String> a = new LinkedHashMap<>();
        String display = "a display name: no rule limits its length or characters (BUF-4 limits buffer names only)";
        for (String m : List.of("SimulatedSystem.newDevice(String)[name=", "Fences.newContext(String,String)"
                + "[driverName=", "Fences.newContext(String,String)[timelineName=", "Fences.newTimeline(String)[name=",
                "Fences.syncFile(Fence,String)[name=", "SyncFile.merge(SyncFile,String)[name=",
                "ExportInfo.new(String,long,Exporter,Optional)[exporterName=",
                "ExportInfo.of(String,long,Exporter)[exporterName=", "DeviceEngine.newQueue(String)[name=")) {
            a.put(m + "too long]", display);
            a.put(m + "with NUL]", display);
        }
        for (String m : List.of("Fences.syncFile(Fence,String)[name=", "SyncFile.merge(SyncFile,String)[name=")) {
            a.put(m + "null]", "the name is optional: null names the sync file after its fence (SYNC_IOC_MERGE)");
            a.put(m + "blank]", display);
        }
        for (String v : List.of("too long", "with NUL")) {
            a.put("SimulatedSystem.newSyncObject(SyncObjectKind,String)[name=" + v + "]", display);
        }
        String neutral = "sync objects, like fences and sync files, belong to no system: a point of any system's"
                + " object may be waited on, signaled by an engine or transferred to (SYNCOBJ-11 checks that the"
                + " object is a dmabuf4j one, SYNCOBJ-12 that it is open)";
        for (String m : List.of("SyncObject(timeline).transfer(long,SyncPoint)[dst=",
                "SyncObject(timeline).transfer(long,SyncPoint,Duration)[dst=",
                "SyncObject(binary).transfer(long,SyncPoint)[dst=",
                "SyncObject(binary).transfer(long,SyncPoint,Duration)[dst=",
                "DeviceEngine.submit(Job,List,List)[waits=", "DeviceEngine.submit(Job,List,List)[signals=",
                "SimulatedSystem.awaitSyncPoints(List,Set,Duration)[points=",
                "SyncPoint.new(SyncObject,long)[object=", "SyncPoint.of(SyncObject)[object=")) {
            a.put(m + "other system's point]", neutral);
            a.put(m + "other system's sync object]", neutral);
        }
        String value = "a SyncPoint is a value: the call that uses it checks its object (SYNCOBJ-12 for a closed one),"
                + " as the sweep of transfer, submit and awaitSyncPoints shows";
        a.put("SyncPoint.new(SyncObject,long)[object=closed sync object]", value);
        a.put("SyncPoint.of(SyncObject)[object=closed sync object]", value);
        a.put("DmaBuf.setName(String)[name=blank]", "BUF-4 allows any name of at most 31 bytes without NUL");
        String cross = "wait-die tickets are JVM-wide (AcquireContext.ticket), so one context may lock reservations"
                + " of several systems without deadlock";
        a.put("SimulatedSystem.lockAll(Collection)[reservations=other system's reservation]", cross);
        a.put("Reservation.lock(AcquireContext)[ctx=other system's context]", cross);
        a.put("Reservation.lockInterruptibly(AcquireContext)[ctx=other system's context]", cross);
        a.put("Reservation.lockSlow(AcquireContext)[ctx=other system's context]", cross);
        String noop = "a context without a fence in the reservation: nothing to replace (dma_resv_replace_fences)";
        a.put("Reservation(lock held).replaceFences(long,Fence,FenceUsage)[context=-1]", noop);
        a.put("Reservation(lock held).replaceFences(long,Fence,FenceUsage)[context=MIN]", noop);
        a.put("Fences.chain(Fence,Fence,long)[previous=null]", "null starts a chain (Fences.chain)");
        String chain = "a seqno not later than the previous node's puts the node on a new context"
                + " (dma_fence_chain_init)";
        a.put("Fences.chain(Fence,Fence,long)[seqno=-1]", chain);
        a.put("Fences.chain(Fence,Fence,long)[seqno=MIN]", chain);
        a.put("Fences.merge(Collection)[fences=empty]", "merging nothing gives a signaled stub (FENCE-11)");
        a.put("Timeline.advance(long)[n=0]", "advance(0) is a no-op; only a negative increment is refused (SYNC-8)");
        a.put("Timeline.point(long)[value=MIN]", "a point not later than the timeline's value is returned signaled"
                + " (SYNC-7)");
        String predicate = "a predicate: false is its answer for an address or range it does not translate/admit";
        for (String v : List.of("-1", "MIN", "off-the-end")) {
            a.put("SimulatedDevice.isMapped(long,long)[dmaAddress=" + v + "]", predicate);
        }
        for (String v : List.of("address=-1", "address=MIN", "length=-1", "length=MIN", "length=0")) {
            a.put("DmaConstraints(instance).admits(long,long)[" + v + "]", predicate
                    + "; DMA addresses are unsigned, so MIN is the address 2^63");
        }
        String unsigned = "DMA addresses are unsigned 64-bit values (core's own start at 0x8000...): a negative long"
                + " is a high address; the device checks it when the entry is used (DEV-1)";
        for (String v : List.of("-1", "MIN", "off-the-end")) {
            a.put("SgEntry.new(long,long,Optional)[dmaAddress=" + v + "]", unsigned);
            a.put("SgEntry.withoutPage(long,long)[dmaAddress=" + v + "]", unsigned);
        }
        a.put("DmaConstraints(instance).withSegmentBoundary(long)[bytes=0]", "0 means no segment boundary (DEV-3)");
        String span = "spans and ranges do not know the buffer: the region is checked against the buffer when it is"
                + " used (CPU-7, Region.spans)";
        a.put("Region.range(long,long)[offset=off-the-end 16384]", span);
        a.put("Span.new(long,long)[offset=off-the-end 16384]", span);
        a.put("Range.new(long,long)[offset=off-the-end 16384]", span);
        String job = "a Job is an immutable value; DeviceEngine.submit checks its mappings and segments (DEV-8,"
                + " MAP-11, DEV-4), as the sweep of submit shows";
        for (String m : List.of("Job.copy(Mapping,long,Mapping,long,long)[src=other system's mapping]",
                "Job.copy(Mapping,long,Mapping,long,long)[src=unmapped mapping]",
                "Job.copy(Mapping,long,Mapping,long,long)[dst=other system's mapping]",
                "Job.copy(Mapping,long,Mapping,long,long)[dst=unmapped mapping]",
                "Job.fill(Mapping,long,long,byte)[dst=other system's mapping]",
                "Job.fill(Mapping,long,long,byte)[dst=unmapped mapping]",
                "Job.read(Mapping,long,MemorySegment)[src=other system's mapping]",
                "Job.read(Mapping,long,MemorySegment)[src=unmapped mapping]",
                "Job.read(Mapping,long,MemorySegment)[into=closed segment]",
                "Job.read(Mapping,long,MemorySegment)[into=other thread's confined segment]",
                "Job.write(MemorySegment,Mapping,long)[from=closed segment]",
                "Job.write(MemorySegment,Mapping,long)[from=other thread's confined segment]",
                "Job.write(MemorySegment,Mapping,long)[dst=other system's mapping]",
                "Job.write(MemorySegment,Mapping,long)[dst=unmapped mapping]")) {
            a.put(m, job);
        }
        a.put("TiledHeap.allocate(BufferLayout)[layout=tiled layout]", "the tiled heap stores tiled layouts");
        for (String m : List.of("buffer()", "device()", "importer()", "isDynamic()", "isPinned()", "peerToPeer()")) {
            a.put("Attachment(detached)." + m, "ATT-4: a detached attachment's identity queries keep answering");
        }
        a.put("RemappingImporter(instance).moveNotify(Attachment)[a=null]", "an Importer callback: only the framework"
                + " calls it, with the attachment being invalidated (MOVE-5); a user call is not part of the contract");
        a.put("AcquireContext(done).done()", "done() is idempotent: the acquire phase is over either way");
        String closedSystem = "a closed system still answers queries and hands out its heaps, fences and builders;"
                + " what would create something refuses (allocate, build, export: BUF-3), and locks and contexts need"
                + " nothing from the system";
        for (String m : List.of("contiguousHeap()", "fences()", "systemHeap()", "tiledHeap()", "newDevice(String)",
                "lockAll(Collection)", "newAcquireContext()", "heap(String)")) {
            a.put("SimulatedSystem(closed)." + m, closedSystem);
        }
        imageAndIpcAccepted(a, display, closedSystem);
        return Map.copyOf(a);
    }

    /** The accepted inputs of the image api and the ipc module, with their reasons. */
    private static void imageAndIpcAccepted(Map<String, String> a, String display, String closedSystem) {
        String code = "formats and modifiers are values: any 32/64-bit code is representable (isKnown says whether the"
                + " library knows it), since a peer's or a driver's table may name codes this library does not know;"
                + " the call that lays an image out refuses an unknown one (FMT-1, NEG-4)";
        for (String k : List.of("DrmFormat.new(int)[fourcc=-1]", "DrmFormat.new(int)[fourcc=MIN]",
                "FormatModifier.new(long)[value=MIN]",
                "FormatModifierPair.new(DrmFormat,FormatModifier)[format=unknown fourcc]",
                "FormatModifierPair.new(DrmFormat,FormatModifier)[format=fourcc 0]",
                "FormatModifierPair.new(DrmFormat,FormatModifier)[modifier=unknown vendor]",
                "FormatSet.linear(Collection)[formats=[unknown fourcc]]",
                "FormatSet.of(DrmFormat,FormatModifier[])[format=unknown fourcc]",
                "FormatSet.of(DrmFormat,FormatModifier[])[format=fourcc 0]",
                "FormatSet.of(DrmFormat,FormatModifier[])[modifiers={unknown vendor}]",
                "FormatSet.Builder.add(DrmFormat,FormatModifier[])[format=unknown fourcc]",
                "FormatSet.Builder.add(DrmFormat,FormatModifier[])[format=fourcc 0]",
                "FormatSet.Builder.add(DrmFormat,FormatModifier[])[modifiers={unknown vendor}]",
                "ImageDescriptor.new(DrmFormat,FormatModifier,int,int,List)[modifier=unknown vendor]",
                "ImageDescriptor.Builder.plane(int,int,long,long,FormatModifier)[modifier=unknown vendor]",
                "ImageRequest.new(DrmFormat,int,int,List,List,LayoutConstraints,boolean)[modifiers=[unknown vendor]]",
                "ImageRequest.of(DrmFormat,int,int,FormatModifier[])[modifiers={unknown vendor}]")) {
            a.put(k, code);
        }
        String answer = "a query of a set: an unknown format or modifier is simply not in it (false, no modifiers)";
        for (String k : List.of("FormatSet(instance).contains(DrmFormat,FormatModifier)[format=unknown fourcc]",
                "FormatSet(instance).contains(DrmFormat,FormatModifier)[format=fourcc 0]",
                "FormatSet(instance).contains(DrmFormat,FormatModifier)[modifier=unknown vendor]",
                "FormatSet(instance).modifiers(DrmFormat)[format=unknown fourcc]",
                "FormatSet(instance).modifiers(DrmFormat)[format=fourcc 0]",
                "FormatFeedback(instance).modifiers(DrmFormat,FormatSet)[format=unknown fourcc]",
                "FormatFeedback(instance).modifiers(DrmFormat,FormatSet)[format=fourcc 0]")) {
            a.put(k, answer);
        }
        a.put("FormatModifier(unknown vendor).memoryPlanes(DrmFormat)", "empty is the documented answer for a"
                + " modifier whose layout the library does not know");
        String noPair = "a format with no modifiers adds no pair: the empty set is a legal set (FormatSet.EMPTY)";
        a.put("FormatSet.of(DrmFormat,FormatModifier[])[modifiers=empty]", noPair);
        a.put("FormatSet.Builder.add(DrmFormat,FormatModifier[])[modifiers=empty]", noPair);
        String plane = "a plane does not know its buffer: ImageDescriptor.checkBuffers and importImage check that it"
                + " fits (FMT-5)";
        a.put("Plane.new(int,long,long)[offset=off-the-end 16384]", plane);
        a.put("ImageDescriptor.Builder.plane(int,int,long,long,FormatModifier)[offset=off-the-end 16384]", plane);
        a.put("LayoutConstraints(instance).violations(ImageDescriptor,List)[image=larger than the buffers]",
                "violations reports the constraints' own violations (alignment, padding); whether the planes fit"
                + " the buffers is ImageDescriptor.checkBuffers (FMT-5)");
        String devices = "requests, targets and tranches are values: allocate and negotiate check, before allocating,"
                + " that every device is open and of the allocator's system (NEG-4, NEG-5), as their sweep shows";
        for (String k : List.of("ImageTarget.new(Device,ImageUsage)[device=other system's device]",
                "ImageTarget.new(Device,ImageUsage)[device=closed device]",
                "Tranche.new(Device,ImageUsage,FormatSet)[device=other system's device]",
                "Tranche.new(Device,ImageUsage,FormatSet)[device=closed device]",
                "ImageRequest.new(DrmFormat,int,int,List,List,LayoutConstraints,boolean)[targets=[other system's"
                        + " device]]",
                "ImageRequest.new(DrmFormat,int,int,List,List,LayoutConstraints,boolean)[targets=[closed device]]",
                "ImageRequest(instance).withTargets(ImageTarget[])[newTargets={other system's device}]",
                "NegotiationRequest.new(DrmFormat,int,int,Tranche,List,List,LayoutConstraints)[producer=other"
                        + " system's device]",
                "NegotiationRequest.new(DrmFormat,int,int,Tranche,List,List,LayoutConstraints)[producer=closed"
                        + " device]",
                "NegotiationRequest.new(DrmFormat,int,int,Tranche,List,List,LayoutConstraints)[consumer=[other"
                        + " system's device]]",
                "NegotiationRequest.new(DrmFormat,int,int,Tranche,List,List,LayoutConstraints)[blitters=[other"
                        + " system's device]]",
                "NegotiationRequest.new(DrmFormat,int,int,Tranche,List,List,LayoutConstraints)[blitters=[closed"
                        + " device]]",
                "NegotiationRequest.of(DrmFormat,int,int,Tranche,Tranche[])[producer=other system's device]",
                "NegotiationRequest.of(DrmFormat,int,int,Tranche,Tranche[])[producer=closed device]",
                "NegotiationRequest.of(DrmFormat,int,int,Tranche,Tranche[])[consumer={other system's device}]",
                "NegotiationRequest(instance).withBlitters(Device[])[devices={other system's device}]",
                "NegotiationRequest(instance).withBlitters(Device[])[devices={closed device}]")) {
            a.put(k, devices);
        }
        a.put("NegotiationRequest.new(DrmFormat,int,int,Tranche,List,List,LayoutConstraints)[consumer=empty]",
                "a consumer that advertises no tranche (empty feedback) is a request negotiate answers with"
                + " NegotiationFailedException, no candidate listed (NEG-5)");
        for (String f : List.of("attempt", "reason")) {
            for (String v : List.of("blank", "too long", "with NUL")) {
                a.put("Fallback.new(Rule,String,String)[" + f + "=" + v + "]", display);
            }
        }
        a.put("ImageAttachment(of a closed image).mapUnlocked(Direction)", "Image.close closes the image's handles;"
                + " each buffer lives on with its attachments (dma_buf_attach holds a reference of its own), so an"
                + " open attachment keeps mapping until it is closed");
        String window = "plane(i) hands out a window object; the window checks its confinement on every use (CPU-5),"
                + " as the sweep of CpuAccess(other thread) shows";
        a.put("ImageAccess(other thread).plane(int)", window);
        a.put("ImageAccess(other thread).planes()", window);
        a.put("ImageMapping(closed).mappings()", "identities of the buffers' mappings, as ATT-4's identity queries:"
                + " each unmapped mapping refuses use (MAP-11)");

        // ipc
        String address = "an abstract name is any bytes up to 106 (NUL included); a path of spaces is a legal"
                + " relative name; 100 bytes is within sun_path (107)";
        for (String k : List.of("UnixAddress.abstractName(String)[name=blank]",
                "UnixAddress.abstractName(String)[name=too long]", "UnixAddress.abstractName(String)[name=with NUL]",
                "UnixAddress.new(String,boolean)[name=blank]", "UnixAddress.new(String,boolean)[name=too long]")) {
            a.put(k, address);
        }
        a.put("UnixAddress.path(Path)[path=in a missing directory]", "an address is a value: listen reports the"
                + " missing directory (IPC-2), as the sweep of listen shows");
        for (String k : List.of("MemfdHeap.of(DmaBufSystem)[system=closed system]",
                "SharedTimeline.create(DmaBufSystem,String)[system=closed system]",
                "SharedTimeline.open(DmaBufSystem,OwnedFd,String)[system=closed system]")) {
            a.put(k, closedSystem);
        }
        for (String v : List.of("blank", "too long", "with NUL")) {
            a.put("OwnedFd.adopt(int,String)[what=" + v + "]", display);
            a.put("OwnedFd.dup(String)[newWhat=" + v + "]", display);
            a.put("SharedTimeline.fail(long,String)[reason=" + v + "]", display + "; at most 48 bytes cross");
        }
        for (String k : List.of("BufferChannel.pair(MemfdHeap,String)[name=too long]",
                "ChannelListener.listen(MemfdHeap,UnixAddress,String)[name=too long]",
                "ChannelListener.listen(MemfdHeap,UnixAddress,String)[name=with NUL]",
                "Tranche.new(String,ImageUsage,FormatSet)[device=blank]",
                "BufferChannel.createImagePool(int,ImageRequest,String)[poolName=blank]",
                "BufferChannel.createPool(int,long,Optional,String)[poolName=blank]")) {
            a.put(k, display);
        }
        a.put("MemfdHeap.importFd(OwnedFd,long,Optional,String)[fd=wrong kind of descriptor]", "the kernel does not"
                + " tell a buffer's memfd from another sealed memfd (a timeline's page): IPC-4 checks the seals and the"
                + " size, which it passes, so the memory is imported as any peer's would be");
        a.put("MemfdHeap.allocate(long,Optional,String)[name=blank]", "BUF-4 allows any name of at most 31 bytes"
                + " without NUL");
        a.put("MemfdHeap.importFd(OwnedFd,long,Optional,String)[name=blank]", "BUF-4 allows any name of at most 31"
                + " bytes without NUL");
        String anyHeap = "a channel takes any memfd heap: the heap's system is the one it allocates and imports into";
        a.put("BufferChannel.pair(MemfdHeap,String)[heap=other system's heap]", anyHeap);
        a.put("ChannelListener.listen(MemfdHeap,UnixAddress,String)[heap=other system's heap]", anyHeap);
        a.put("FormatFeedback.of(Tranche[])[local={other system's device}]", "feedback names each device by name for"
                + " the peer: a tranche of any system's device describes what that device imports");
        a.put("ReadinessFd.of(DmaBuf,Access)[buffer=other system's buffer]", "readiness is a wait: any system's"
                + " buffer may be waited on, as its fences may (sync objects and fences belong to no system)");
        String predicate = "a predicate: false for a buffer of any other heap, a closed handle or null";
        for (String v : List.of("null", "other system's buffer", "closed handle", "system-heap buffer")) {
            a.put("MemfdHeap.contains(DmaBuf)[buffer=" + v + "]", predicate);
        }
        String ready = "a null acquire fence means the buffer is ready now (documented: nothing pending)";
        a.put("BufferChannel.send(DmaBuf,Fence)[acquire=null]", ready);
        a.put("BufferChannel.send(Image,Fence)[acquire=null]", ready);
        String unsigned = "shared-timeline points are unsigned 64-bit values (IPC-5), as sync-object points are: -1"
                + " and MIN are high points, not errors";
        for (String v : List.of("-1", "MIN")) {
            a.put("SharedTimeline.fail(long,String)[seqno=" + v + "]", unsigned);
            a.put("SharedTimeline.point(long)[seqno=" + v + "]", unsigned);
            a.put("SharedTimeline.signal(long)[seqno=" + v + "]", unsigned);
        }
        String receipt = "a received frame is a receipt: after release() its handles and image are closed (every use"
                + " refuses, BUF-3) and its acquire fence still answers";
        for (String m : List.of("awaitAcquire(Duration)", "buffer()", "buffers()", "image()")) {
            a.put("ReceivedFrame(released)." + m, receipt);
        }
        a.put("ReadinessFd(closed).isReady()", "a state query: whether the condition held, which stays true after"
                + " close, as isReleased does");
    }

    /**
     * Findings a fix elsewhere covers (key as in {@link #ACCEPTED}, or receiver.method for all its cases): reported in
     * the table, not failed. Empty since the safety fixes of issue #10 (items 7 and 8: 25 cases of this sweep) merged.
     */
    static final Map<String, String> KNOWN = Map.of();

    // ---- receivers ------------------------------------------------------------------------------------------------

    /**
     * Where the calls go.
     *
     * @param name the receiver's name in the report
     * @param api the type whose public methods are swept
     * @param make makes the receiver in the world; null for static members
     * @param state null for an argument sweep, else the bad state's name: every method of {@code only} (all if
     *     empty) is called with good arguments
     * @param only the methods of a bad-state receiver
     * @param lockHeld whether the calling thread holds the world buffer's lock during the call
     * @param otherThread whether the call comes from another thread
     * @param declaredOnly whether only the methods the type itself declares are swept
     */
    record Receiver(String name, Class<?> api, Function<World, Object> make, String state, Set<String> only,
            boolean lockHeld, boolean otherThread, boolean declaredOnly) {
    }

    private static Receiver sweep(String name, Class<?> api, Function<World, Object> make) {
        return new Receiver(name, api, make, null, Set.of(), false, false, false);
    }

    private static Receiver sweepLocked(String name, Class<?> api, Function<World, Object> make) {
        return new Receiver(name, api, make, null, Set.of(), true, false, false);
    }

    private static Receiver state(String name, Class<?> api, Function<World, Object> make, String... only) {
        return new Receiver(name, api, make, name, Set.of(only), false, false, false);
    }

    private static Receiver stateLocked(String name, Class<?> api, Function<World, Object> make, String... only) {
        return new Receiver(name, api, make, name, Set.of(only), true, false, false);
    }

    private static Receiver stateOtherThread(String name, Class<?> api, Function<World, Object> make,
            String... only) {
        return new Receiver(name, api, make, name, Set.of(only), false, true, false);
    }

    private static Receiver statics(Class<?> api) {
        return new Receiver(api.getSimpleName(), api, null, null, Set.of(), false, false, true);
    }

    private static Receiver value(String name, Class<?> api, Object v) {
        return new Receiver(name, api, w -> v, null, Set.of(), false, false, true);
    }

    static List<Receiver> receivers() {
        List<Receiver> r = new ArrayList<>();
        r.add(sweep("SimulatedSystem", SimulatedSystem.class, w -> w.sys));
        r.add(sweep("DmaHeap(system)", DmaHeap.class, w -> w.sys.systemHeap()));
        r.add(sweep("DmaHeap(contiguous)", DmaHeap.class, w -> w.sys.contiguousHeap()));
        r.add(sweep("TiledHeap", TiledHeap.class, w -> w.sys.tiledHeap()));
        r.add(sweep("DeviceMemory", DeviceMemory.class,
                w -> w.sys.newDevice("gpu").localMemory(1 << 20).build().localMemory()));
        r.add(sweep("DmaBuf", DmaBuf.class, w -> w.buf));
        r.add(sweep("Attachment(static)", Attachment.class, w -> w.att));
        r.add(sweepLocked("Attachment(static, lock held)", Attachment.class, w -> w.att));
        r.add(sweepLocked("Attachment(dynamic, lock held)", Attachment.class,
                w -> w.track(w.buf.attach(w.dev2, a -> { }))));
        r.add(sweep("Mapping", Mapping.class, w -> w.mapping));
        r.add(sweep("CpuAccess(2-D)", CpuAccess.class,
                w -> w.track(w.buf.beginCpuAccess(Access.READ_WRITE, Region.rect(0, 0, 4, 4)))));
        r.add(sweep("Reservation", Reservation.class, w -> w.buf.reservation()));
        r.add(sweepLocked("Reservation(lock held)", Reservation.class, w -> w.buf.reservation()));
        r.add(sweep("Fence(signaled)", Fence.class, w -> {
            SignalingFence f = w.sys.fences().newContext("d", "t").next();
            f.signal();
            return f;
        }));
        r.add(new Receiver("SignalingFence(pending)", SignalingFence.class,
                w -> w.sys.fences().newContext("d", "t").next(), null, Set.of(), false, false, true));
        r.add(sweep("Fences", Fences.class, w -> w.sys.fences()));
        r.add(sweep("FenceContext", FenceContext.class, w -> w.sys.fences().newContext("d", "t")));
        r.add(sweep("Timeline", Timeline.class, w -> w.track(w.sys.fences().newTimeline("tl"))));
        r.add(new Receiver("FenceChain", FenceChain.class, w -> w.sys.fences().chain(null,
                w.sys.fences().newContext("d", "t").next(), 5), null, Set.of(), false, false, true));
        r.add(sweep("SyncFile", SyncFile.class, w -> w.sys.fences().syncFile(w.signaled, "s")));
        r.add(sweep("AcquireContext", AcquireContext.class, w -> w.context(w.sys)));
        r.add(sweep("SyncObject(timeline)", SyncObject.class, World::timelineObject));
        r.add(sweep("SyncObject(binary)", SyncObject.class, World::binaryObject));
        r.add(sweepLocked("ExportedBuffer(lock held)", ExportedBuffer.class, BadInputSweepTest::exported));
        r.add(sweep("ExportedBuffer", ExportedBuffer.class, BadInputSweepTest::exported));
        r.add(sweep("SimulatedDevice", SimulatedDevice.class, w -> w.dev));
        r.add(sweep("DeviceEngine", DeviceEngine.class, w -> w.dev.engine()));
        r.add(sweep("SimulatedSystem.Builder", SimulatedSystem.Builder.class, w -> DmaBufs.builder()));
        r.add(sweep("SimulatedDevice.Builder", SimulatedDevice.Builder.class, w -> w.sys.newDevice("new")));

        // receivers in bad states, good arguments
        r.add(state("DmaBuf(closed handle)", DmaBuf.class, w -> w.closedHandle, "name", "setName", "reservation",
                "share", "attach", "beginCpuAccess", "vmap", "exportSyncFile", "importSyncFile", "isReady",
                "whenReady", "awaitReady"));
        r.add(state("DmaBuf(revoked)", DmaBuf.class, w -> {
            DmaBuf b = w.track(w.sys.systemHeap().allocate(4096));
            w.sys.revoke(b, Duration.ofSeconds(5));
            return b;
        }, "attach", "beginCpuAccess", "vmap"));
        r.add(stateLocked("DmaBuf(lock held)", DmaBuf.class, w -> w.buf, "share", "attach", "beginCpuAccess",
                "exportSyncFile", "importSyncFile"));
        r.add(state("DmaBuf(lock not held)", DmaBuf.class, w -> w.buf, "vmap"));
        r.add(state("Attachment(detached)", Attachment.class, w -> {
            Attachment a = w.buf.attach(w.dev2);
            a.close();
            return a;
        }, "buffer", "device", "importer", "isDynamic", "map", "unmap", "mapUnlocked", "unmapUnlocked", "pin", "unpin",
                "isPinned", "peerToPeer"));
        r.add(state("Attachment(lock not held)", Attachment.class, w -> w.track(w.buf.attach(w.dev2, a -> { })),
                "map", "unmap", "pin", "unpin"));
        r.add(stateLocked("Attachment(lock held)", Attachment.class, w -> w.att, "mapUnlocked", "unmapUnlocked",
                "close"));
        r.add(state("Mapping(unmapped)", Mapping.class, w -> w.unmapped, "entries", "dmaAddress"));
        r.add(state("CpuAccess(closed)", CpuAccess.class, w -> {
            CpuAccess c = w.buf.beginCpuAccess(Access.READ_WRITE);
            c.close();
            return c;
        }, "segment", "row", "segments"));
        r.add(stateOtherThread("CpuAccess(other thread)", CpuAccess.class,
                w -> w.track(w.buf.beginCpuAccess(Access.READ_WRITE)), "segment", "row", "segments", "close"));
        r.add(state("Reservation(lock not held)", Reservation.class, w -> w.buf.reservation(), "unlock",
                "reserveFences", "addFence", "replaceFences", "entries", "assertHeld"));
        r.add(stateOtherThread("Reservation(held by another thread)", Reservation.class, w -> {
            w.buf.reservation().lock();
            w.track(() -> w.buf.reservation().unlock());
            return w.buf.reservation();
        }, "unlock", "reserveFences", "addFence", "replaceFences", "entries"));
        r.add(state("SignalingFence(signaled)", SignalingFence.class, w -> {
            SignalingFence f = w.sys.fences().newContext("d", "t").next();
            f.signal();
            return f;
        }, "setError"));
        r.add(state("Timeline(closed)", Timeline.class, w -> {
            Timeline t = w.sys.fences().newTimeline("tl");
            t.close();
            return t;
        }, "point", "advance"));
        r.add(state("AcquireContext(done)", AcquireContext.class, w -> {
            AcquireContext c = w.context(w.sys);
            c.done();
            return c;
        }, "done"));
        r.add(state("ExportedBuffer(lock not held)", ExportedBuffer.class, BadInputSweepTest::exported,
                "attachments", "isPinned", "invalidateMappings"));
        r.add(state("ExportedBuffer(own lock held)", ExportedBuffer.class, w -> {
            ExportedBuffer e = exported(w);
            e.reservation().lock();
            w.track(() -> e.reservation().unlock());
            return e;
        }, "revoke"));
        r.add(state("SimulatedSystem(closed)", SimulatedSystem.class, w -> {
            SimulatedSystem s = DmaBufs.newSystem();
            s.close();
            return s;
        }, "export", "heap", "systemHeap", "contiguousHeap", "tiledHeap", "newAcquireContext", "lockAll",
                "newDevice", "fences"));
        r.add(state("DmaHeap(of a closed system)", DmaHeap.class, w -> {
            SimulatedSystem s = DmaBufs.newSystem();
            DmaHeap h = s.systemHeap();
            s.close();
            return h;
        }, "allocate"));
        r.add(state("VMapping(closed)", VMapping.class, w -> {
            Reservation res = w.buf.reservation();
            res.lock();
            try {
                VMapping v = w.buf.vmap();
                v.close();
                return v;
            } finally {
                res.unlock();
            }
        }, "segment"));
        r.add(state("FenceCursor(before next)", FenceCursor.class,
                w -> w.track(w.buf.reservation().cursor(FenceUsage.BOOKKEEP)), "fence", "usage"));
        r.add(state("DmaBuf(of a closed system)", DmaBuf.class, w -> {
            SimulatedSystem s = DmaBufs.newSystem();
            DmaBuf b = w.track(s.systemHeap().allocate(4096));
            s.close(); // reports the open buffer and releases it, as it should: a warning in the log
            return b;
        }, "name", "setName", "reservation", "share", "attach", "beginCpuAccess", "vmap", "exportSyncFile",
                "importSyncFile", "isReady", "whenReady", "awaitReady"));
        r.add(stateOtherThread("AcquireContext(other thread's)", AcquireContext.class, w -> {
            AcquireContext c = w.context(w.sys);
            w.buf.reservation().lock(c);
            return c;
        }, "done", "unlockAll", "close"));
        r.add(stateOtherThread("ReservationSet(other thread's)", ReservationSet.class, w -> {
            ReservationSet set = w.sys.lockAll(List.of(w.buf.reservation()));
            w.track(set);
            return set;
        }, "close"));
        r.add(stateOtherThread("VMapping(lock held by another thread)", VMapping.class, w -> {
            Reservation res = w.buf.reservation();
            res.lock();
            VMapping v = w.buf.vmap();
            w.track(() -> {
                if (!res.isHeldByCurrentThread()) {
                    res.lock();
                }
                v.close();
                res.unlock();
            });
            return v;
        }, "close"));
        r.add(state("SyncObject(closed)", SyncObject.class, World::closedSyncObject, "replace", "reset", "signal",
                "addPoint", "waitFor", "transfer", "exportSyncFile", "importSyncFile", "setDeadline", "whenSignaled",
                "onSignaled"));
        r.add(state("SimulatedDevice(closed)", SimulatedDevice.class, w -> w.closedDev, "dmaRead", "dmaWrite",
                "mapPages", "mapPeer"));
        r.add(state("DeviceEngine(of a closed device)", DeviceEngine.class, w -> w.closedDev.engine(), "submit",
                "newQueue"));
        r.add(state("SimulatedDevice.Builder(closed system)", SimulatedDevice.Builder.class, w -> {
            SimulatedSystem s = DmaBufs.newSystem();
            SimulatedDevice.Builder b = s.newDevice("late");
            s.close();
            return b;
        }, "build"));

        // records and static factories of the api, core's static entry points
        for (Class<?> c : List.of(Region.class, Span.class, BufferLayout.class, ExportInfo.class,
                DmaConstraints.class, Direction.class, Access.class, FenceUsage.class, Tiling.Tiled.class,
                SgEntry.class, Region.Range.class, Region.Rect.class, Job.class, RemappingImporter.class, Rule.class,
                SyncPoint.class)) {
            r.add(statics(c));
        }
        r.add(value("Span(instance)", Span.class, new Span(0, 4096)));
        r.add(new Receiver("Counters(instance)", Counters.class, w -> w.sys.counters(), null, Set.of(), false, false,
                true));
        r.add(new Receiver("RemappingImporter(instance)", RemappingImporter.class,
                w -> w.track(RemappingImporter.attach(w.buf, w.dev2, Direction.BIDIRECTIONAL)), null, Set.of(), false,
                false, true));
        r.add(value("Region.WHOLE", Region.Whole.class, Region.WHOLE));
        r.add(value("Region.Range(instance)", Region.Range.class, Region.range(0, 4096)));
        r.add(value("Region.Rect(instance)", Region.Rect.class, Region.rect(0, 0, 4, 4)));
        r.add(value("BufferLayout(instance)", BufferLayout.class, World.LAYOUT));
        r.add(value("DmaConstraints(instance)", DmaConstraints.class, DmaConstraints.NONE));
        r.add(value("Direction(instance)", Direction.class, Direction.BIDIRECTIONAL));
        r.add(value("FenceUsage(instance)", FenceUsage.class, FenceUsage.READ));
        r.add(value("ExportInfo(instance)", ExportInfo.class,
                ExportInfo.of("x", 4096, new FaultyExporter(Injector.none(), false, 4096))));
        r.add(new Receiver("Job(instance)", Job.Fill.class, w -> Job.fill(w.mapping, 0, 4096, (byte) 1), null,
                Set.of(), false, false, true));
        imageReceivers(r);
        ipcReceivers(r);
        return r;
    }

    private static Receiver declared(String name, Class<?> api, Function<World, Object> make) {
        return new Receiver(name, api, make, null, Set.of(), false, false, true);
    }

    /** The image api (issue #12): its values and statics, the allocator, images, attachments, mappings, accesses. */
    private static void imageReceivers(List<Receiver> r) {
        for (Class<?> c : List.of(DrmFormat.class, FormatModifier.class, FormatModifierPair.class, FormatPlane.class,
                FormatSet.class, ImageDescriptor.class, ImageDescriptor.Plane.class, ImageRequest.class,
                ImageTarget.class, LayoutConstraints.class, NegotiationRequest.class, Tranche.class, Fallback.class)) {
            r.add(statics(c));
        }
        r.add(value("DrmFormat(instance)", DrmFormat.class, DrmFormat.NV12));
        r.add(state("DrmFormat(unknown fourcc)", DrmFormat.class, w -> ImageIpcValues.UNKNOWN_FORMAT, "planes",
                "planeCount", "plane", "isYuv"));
        r.add(value("FormatModifier(instance)", FormatModifier.class, FormatModifier.SIM_TILED_CCS));
        r.add(state("FormatModifier(unknown vendor)", FormatModifier.class, w -> ImageIpcValues.UNKNOWN_MODIFIER,
                "memoryPlanes"));
        r.add(value("FormatPlane(instance)", FormatPlane.class, DrmFormat.NV12.plane(1)));
        r.add(value("FormatSet(instance)", FormatSet.class, FormatSet.of(DrmFormat.XRGB8888, FormatModifier.LINEAR,
                FormatModifier.SIM_TILED)));
        r.add(declared("FormatSet.Builder", FormatSet.Builder.class, w -> FormatSet.builder()));
        r.add(declared("ImageDescriptor(NV12 SIM_TILED_CCS)", ImageDescriptor.class, w -> w.track(
                w.sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED_CCS)))
                .descriptor()));
        r.add(declared("ImageDescriptor.Builder", ImageDescriptor.Builder.class,
                w -> ImageDescriptor.builder(DrmFormat.XRGB8888, 64, 64)));
        r.add(value("ImageRequest(instance)", ImageRequest.class, ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                FormatModifier.LINEAR)));
        r.add(value("LayoutConstraints(instance)", LayoutConstraints.class, LayoutConstraints.NONE));
        r.add(declared("NegotiationRequest(instance)", NegotiationRequest.class, w -> NegotiationRequest.of(
                DrmFormat.XRGB8888, 64, 64, w.dev.tranche(ImageUsage.RENDER), w.dev2.tranche(ImageUsage.SAMPLE))));
        r.add(value("ImageUsage(instance)", ImageUsage.class, ImageUsage.SAMPLE));

        r.add(sweep("ImageAllocator", ImageAllocator.class, w -> w.sys.images()));
        r.add(sweep("Image(LINEAR)", Image.class, w -> w.image(FormatModifier.LINEAR)));
        r.add(sweep("Image(SIM_TILED_CCS)", Image.class, w -> w.image(FormatModifier.SIM_TILED_CCS)));
        r.add(sweep("ImageAttachment", ImageAttachment.class,
                w -> w.track(w.image(FormatModifier.LINEAR).attach(w.dev, ImageUsage.RENDER))));
        r.add(sweep("ImageAccess(LINEAR)", ImageAccess.class,
                w -> w.track(w.image(FormatModifier.LINEAR).beginCpuAccess(Access.READ_WRITE))));
        r.add(sweep("ImageAccess(SIM_TILED_CCS)", ImageAccess.class,
                w -> w.track(w.image(FormatModifier.SIM_TILED_CCS).beginCpuAccess(Access.READ_WRITE))));

        r.add(state("Image(closed)", Image.class, World::closedImage, "beginCpuAccess", "attach"));
        r.add(state("Image(own buffer handle closed)", Image.class, w -> {
            Image i = w.image(FormatModifier.LINEAR);
            i.buffers().get(0).close();
            return i;
        }, "beginCpuAccess", "attach"));
        r.add(state("Image(of a closed system)", Image.class, w -> {
            SimulatedSystem s = DmaBufs.newSystem();
            Image i = w.track(s.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                    FormatModifier.LINEAR)));
            s.close(); // reports the open buffer and releases it, as it should: a warning in the log
            return i;
        }, "beginCpuAccess", "attach"));
        r.add(state("ImageAllocator(of a closed system)", ImageAllocator.class, w -> {
            SimulatedSystem s = DmaBufs.newSystem();
            ImageAllocator a = s.images();
            s.close();
            return a;
        }, "allocate", "importImage", "negotiate"));
        r.add(state("ImageAttachment(detached)", ImageAttachment.class, w -> {
            ImageAttachment a = w.image(FormatModifier.LINEAR).attach(w.dev, ImageUsage.RENDER);
            a.close();
            return a;
        }, "mapUnlocked"));
        r.add(state("ImageAttachment(of a closed image)", ImageAttachment.class, w -> {
            Image i = w.image(FormatModifier.LINEAR);
            ImageAttachment a = w.track(i.attach(w.dev, ImageUsage.RENDER));
            i.close();
            return a;
        }, "mapUnlocked"));
        r.add(state("ImageAccess(closed)", ImageAccess.class, w -> {
            ImageAccess a = w.image(FormatModifier.LINEAR).beginCpuAccess(Access.READ_WRITE);
            a.close();
            return a;
        }, "plane", "planes"));
        r.add(stateOtherThread("ImageAccess(other thread)", ImageAccess.class,
                w -> w.track(w.image(FormatModifier.LINEAR).beginCpuAccess(Access.READ_WRITE)), "plane", "planes",
                "close"));
        r.add(state("Image(its buffer's lock held)", Image.class, w -> {
            Image i = w.image(FormatModifier.LINEAR);
            holdLock(w, i.buffers().get(0).reservation());
            return i;
        }, "beginCpuAccess", "attach", "close"));
        r.add(state("ImageMapping(its buffer's lock held)", ImageMapping.class, w -> {
            ImageMapping m = w.imageMapping();
            holdLock(w, m.attachment().image().buffers().get(0).reservation());
            return m;
        }, "close"));
        r.add(state("ImageAttachment(its buffer's lock held)", ImageAttachment.class, w -> {
            Image i = w.image(FormatModifier.LINEAR);
            ImageAttachment a = w.track(i.attach(w.dev, ImageUsage.RENDER));
            holdLock(w, i.buffers().get(0).reservation());
            return a;
        }, "mapUnlocked", "close"));
        r.add(state("NegotiatedImages(closed)", NegotiatedImages.class, w -> {
            NegotiatedImages n = w.sys.images().negotiate(NegotiationRequest.of(DrmFormat.XRGB8888, 64, 64,
                    w.dev.tranche(ImageUsage.RENDER), w.dev2.tranche(ImageUsage.SAMPLE)));
            n.close();
            return n;
        }, "transfer"));
        r.add(state("ImageMapping(closed)", ImageMapping.class, w -> {
            ImageMapping m = w.imageMapping();
            m.close();
            return m;
        }, "mappings"));
    }

    /** The ipc module: its values and statics, memfd heap, descriptors, channels, pools, frames, timelines. */
    private static void ipcReceivers(List<Receiver> r) {
        for (Class<?> c : List.of(UnixAddress.class, MemfdHeap.class, OwnedFd.class, FormatFeedback.class,
                FormatFeedback.Tranche.class, BufferChannel.class, ChannelListener.class, ReadinessFd.class,
                SharedTimeline.class, SentFrame.class, KernelDevices.class)) {
            r.add(statics(c));
        }
        r.add(declared("MemfdHeap", MemfdHeap.class, World::memfd));
        r.add(declared("OwnedFd", OwnedFd.class, World::ownedFd));
        r.add(declared("FormatFeedback(instance)", FormatFeedback.class,
                w -> FormatFeedback.of(w.dev2.tranche(ImageUsage.SAMPLE))));
        r.add(declared("BufferChannel", BufferChannel.class, BadInputSweepTest::channelWithMail));
        r.add(declared("BufferPool", BufferPool.class, BadInputSweepTest::pool));
        r.add(declared("ImagePool", ImagePool.class, BadInputSweepTest::imagePool));
        r.add(declared("ReceivedFrame", ReceivedFrame.class, BadInputSweepTest::received));
        r.add(declared("SharedTimeline", SharedTimeline.class, World::sharedTimeline));
        r.add(declared("ChannelListener", ChannelListener.class, BadInputSweepTest::listenerWithCaller));

        String[] channelCalls = {"send", "createImagePool", "sendFeedback", "awaitFeedback", "createPool", "receive",
            "onFrame"};
        r.add(state("BufferChannel(closed)", BufferChannel.class, w -> {
            BufferChannel c = w.channels()[0];
            c.close();
            return c;
        }, channelCalls));
        r.add(state("BufferChannel(peer gone)", BufferChannel.class, w -> {
            BufferChannel[] c = w.channels();
            c[1].close();
            try {
                c[0].whenPeerGone().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the peer's close was not seen", e);
            }
            return c[0];
        }, channelCalls));
        r.add(state("BufferPool(closed)", BufferPool.class, w -> {
            long live = w.sys.counters().liveBuffers();
            BufferPool p = pool(w);
            p.close();
            // both sides release in the background (the peer's import, then this side's buffer on its IPC-10 note)
            World.settle("the pool was released on both sides", () -> w.channels()[1].importedBuffers() == 0
                    && w.sys.counters().liveBuffers() == live);
            return p;
        }, "buffer", "acquire", "submit"));
        r.add(state("ImagePool(closed)", ImagePool.class, w -> {
            long live = w.sys.counters().liveBuffers();
            ImagePool p = imagePool(w);
            p.close();
            // both sides release in the background (the peer's import, then this side's buffer on its IPC-10 note)
            World.settle("the pool was released on both sides", () -> w.channels()[1].importedBuffers() == 0
                    && w.sys.counters().liveBuffers() == live);
            return p;
        }, "image", "acquire", "submit"));
        r.add(state("ReceivedFrame(released)", ReceivedFrame.class, w -> {
            ReceivedFrame f = received(w);
            f.release();
            return f;
        }, "buffer", "buffers", "image", "awaitAcquire"));
        r.add(state("SharedTimeline(closed)", SharedTimeline.class, w -> {
            SharedTimeline t = w.sharedTimeline();
            t.close();
            return t;
        }, "signal", "fail", "point", "exportFd"));
        r.add(state("ReadinessFd(closed)", ReadinessFd.class, w -> {
            ReadinessFd f = ReadinessFd.of(w.signaled);
            f.close();
            return f;
        }, "fd", "isReady", "isReadable"));
        r.add(state("ChannelListener(closed)", ChannelListener.class, w -> {
            ChannelListener l = ChannelListener.listen(w.memfd(), w.address(), "sweep-closed");
            l.close();
            return l;
        }, "accept"));
        r.add(state("OwnedFd(closed)", OwnedFd.class, World::closedFd, "fd", "dup"));
    }

    /** Locks a reservation on the case's thread (the call's) until the world closes. */
    private static void holdLock(World w, Reservation res) {
        res.lock();
        w.track(() -> {
            if (res.isHeldByCurrentThread()) {
                res.unlock();
            }
        });
    }

    /** A channel with a frame and format feedback waiting, so that a wait with any timeout returns at once. */
    private static BufferChannel channelWithMail(World w) {
        BufferChannel[] c = w.channels();
        DmaBuf b = w.track(w.memfd().allocate(4096));
        c[1].send(b, null);
        c[1].sendFeedback(FormatFeedback.of(w.dev2.tranche(ImageUsage.SAMPLE)));
        World.settle("the frame was imported", () -> c[0].importedBuffers() == 1);
        World.settle("the feedback arrived", () -> c[0].awaitFeedback(Duration.ZERO).isPresent());
        return c[0];
    }

    /**
     * Waits until the peer's reader thread handled everything sent so far: it handles messages in order, so once the
     * feedback sent now arrived, the pool sent before it is imported completely (images made, handles settled).
     */
    private static void caughtUp(World w) {
        BufferChannel[] c = w.channels();
        c[0].sendFeedback(FormatFeedback.of(w.dev2.tranche(ImageUsage.SAMPLE)));
        World.settle("the peer handled the pool", () -> c[1].awaitFeedback(Duration.ZERO).isPresent());
    }

    /** A pool of two buffers on the world's channel, both imported by the peer already. */
    private static BufferPool pool(World w) {
        BufferPool p = w.track(w.channels()[0].createPool(2, 4096, Optional.empty(), "sweep-pool"));
        caughtUp(w);
        return p;
    }

    /** A pool of two LINEAR images on the world's channel, both imported by the peer already. */
    private static ImagePool imagePool(World w) {
        ImagePool p = w.track(w.channels()[0].createImagePool(2, ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                FormatModifier.LINEAR), "sweep-images"));
        caughtUp(w);
        return p;
    }

    /** A frame received from the world's channel pair, closed with the world. */
    private static ReceivedFrame received(World w) {
        BufferChannel[] c = w.channels();
        DmaBuf b = w.track(w.memfd().allocate(4096));
        c[1].send(b, null);
        return w.track(c[0].receive(Duration.ofSeconds(10)).orElseThrow());
    }

    /** A listener with a caller connecting on another thread, so that accept with any timeout returns at once. */
    private static ChannelListener listenerWithCaller(World w) {
        UnixAddress at = w.address();
        ChannelListener l = ChannelListener.listen(w.memfd(), at, "sweep-listener");
        AtomicReference<BufferChannel> caller = new AtomicReference<>();
        Thread t = Thread.ofPlatform().daemon().name("sweep-caller").start(() -> {
            try {
                caller.set(BufferChannel.connect(w.memfd(), at, "sweep-caller"));
            } catch (RuntimeException e) {
                // the listener closed before accepting: nothing was made
            }
        });
        w.track(() -> {
            Values.join(t);
            if (caller.get() != null) {
                caller.get().close();
            }
        });
        w.track(l);
        return l;
    }

    private static ExportedBuffer exported(World w) {
        ExportedBuffer e = w.sys.export(ExportInfo.of("sweep", 4096, new FaultyExporter(Injector.none(), false,
                4096)));
        w.track(e.handle());
        return e;
    }

    // ---- cases ----------------------------------------------------------------------------------------------------

    /**
     * One call.
     *
     * @param key receiver.method(param=value), the report's and the lists' key
     * @param receiver the receiver
     * @param member the method or constructor
     * @param badIndex the parameter that gets the bad value, or -1 for a bad-state receiver
     * @param bad the bad value, or null
     */
    record Case(String key, Receiver receiver, Executable member, int badIndex, Values.Bad bad) {
    }

    private static boolean isObjectMethod(Method m) {
        return Set.of("equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "values",
                "valueOf", "compareTo", "describeConstable", "getDeclaringClass", "ordinal", "name").contains(
                m.getName()) && (m.getDeclaringClass().isEnum() || m.getName().matches("equals|hashCode|toString"
                + "|getClass|notify|notifyAll|wait") || Enum.class == m.getDeclaringClass());
    }

    private static List<Executable> members(Receiver r) {
        List<Executable> out = new ArrayList<>();
        Method[] ms = r.declaredOnly() ? r.api().getDeclaredMethods() : r.api().getMethods();
        for (Method m : ms) {
            boolean stat = Modifier.isStatic(m.getModifiers());
            if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge() || isObjectMethod(m)
                    || (r.make() == null) != stat) {
                continue;
            }
            if (r.api().isEnum() && (m.getName().equals("values") || m.getName().equals("valueOf"))) {
                continue;
            }
            out.add(m);
        }
        if (r.make() == null) {
            for (Constructor<?> c : r.api().getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    out.add(c);
                }
            }
        }
        out.sort(Comparator.comparing(BadInputSweepTest::signature));
        return out;
    }

    static String signature(Executable e) {
        StringBuilder sb = new StringBuilder(e instanceof Constructor<?> ? "new" : e.getName()).append('(');
        for (int i = 0; i < e.getParameterCount(); i++) {
            sb.append(i == 0 ? "" : ",").append(e.getParameterTypes()[i].getSimpleName());
        }
        return sb.append(')').toString();
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        try (World probe = new World()) {
            for (Receiver r : receivers()) {
                for (Executable e : members(r)) {
                    String base = r.name() + "." + signature(e);
                    if (r.state() != null) {
                        if (r.only().contains(e.getName()) || (r.only().isEmpty() && e.getParameterCount() > 0)) {
                            out.add(new Case(base, r, e, -1, null));
                        }
                        continue;
                    }
                    Parameter[] ps = e.getParameters();
                    for (int i = 0; i < ps.length; i++) {
                        for (Values.Bad b : Values.bad(ps[i], probe)) {
                            out.add(new Case(base + "[" + ps[i].getName() + "=" + b.label() + "]", r, e, i, b));
                        }
                    }
                }
            }
            probe.closeAndCheck();
        }
        return out;
    }

    // ---- running --------------------------------------------------------------------------------------------------

    record Outcome(Verdict verdict, String saw, String detail) {
    }

    static Outcome run(Case c) throws InterruptedException {
        // a receiver of a closed system reports its open buffer when the system closes, on purpose
        try (Logs logs = Logs.capture(c.key(), c.key().contains("closed system")
                ? Logs.containing("system closed with") : r -> false)) {
            return runCase(c);
        }
    }

    private static Outcome runCase(Case c) throws InterruptedException {
        AtomicReference<Outcome> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().daemon().name("sweep-case").start(() -> result.set(runHere(c)));
        t.join(Duration.ofSeconds(10));
        if (t.isAlive()) {
            t.interrupt();
            return new Outcome(Verdict.HANG, "-", "did not return within 10 s");
        }
        return result.get();
    }

    private static Outcome runHere(Case c) {
        // descriptors (memfds, sockets, eventfds, pidfds, owned ones) and memfd mappings: a case closes what it made
        String fdsBefore = FdReport.current().summary();
        World w = new World();
        try {
            Object recv;
            Object[] args;
            try {
                recv = c.receiver().make() == null ? null : c.receiver().make().apply(w);
                args = arguments(c, w);
            } catch (Throwable t) {
                return new Outcome(Verdict.SETUP, t.toString(), "the case could not be set up");
            }
            if (args == null) {
                return new Outcome(Verdict.SETUP, "-", "no good value for a parameter of " + c.member());
            }
            Reservation lock = w.buf.reservation();
            if (c.receiver().lockHeld()) {
                lock.lock();
            }
            Consistency.Fingerprint before = Consistency.Fingerprint.of(w.sys);
            AtomicReference<Object> returned = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Runnable call = () -> {
                try {
                    returned.set(invoke(c.member(), recv, args));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            };
            if (c.receiver().otherThread()) {
                Thread other = Thread.ofPlatform().start(call);
                Values.join(other);
            } else {
                call.run();
            }
            Thread.interrupted();
            Consistency.Fingerprint after = Consistency.Fingerprint.of(w.sys);
            if (c.receiver().lockHeld() && lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
            closeResult(returned.get(), w);
            List<String> left = new ArrayList<>(w.closeAndCheck());
            String fdsAfter = FdReport.current().summary();
            if (!fdsAfter.equals(fdsBefore)) {
                left.add("descriptors left: {" + fdsBefore + "} -> {" + fdsAfter + "}");
            }
            Throwable t = thrown.get();
            String saw = t == null ? "returned " + shortly(returned.get()) : FaultInjectionTest.describe(t);
            if (!left.isEmpty()) {
                return new Outcome(Verdict.LEAK, saw, String.join("; ", left).replace('\n', ' '));
            }
            if (t != null && !before.equals(after)) {
                return new Outcome(Verdict.CORRUPT, saw, "state changed: " + before + " -> " + after);
            }
            if (t instanceof DmaBufException) {
                return new Outcome(Verdict.OK_REJECTED, saw, "");
            }
            if (t instanceof IllegalArgumentException && DOCUMENTED.containsKey(c.key())) {
                return new Outcome(Verdict.OK_DOCUMENTED, saw, DOCUMENTED.get(c.key()));
            }
            if (t != null) {
                return new Outcome(Verdict.WEAK, saw, String.valueOf(t.getMessage()));
            }
            if (c.bad() != null && c.bad().kind() == Values.Kind.BOUNDARY) {
                return new Outcome(Verdict.OK_BOUNDARY, saw, "");
            }
            if (ACCEPTED.containsKey(c.key())) {
                return new Outcome(Verdict.OK_CONTRACT, saw, ACCEPTED.get(c.key()));
            }
            return new Outcome(Verdict.ACCEPTED_SILENTLY, saw, "");
        } finally {
            w.close();
        }
    }

    private static String shortly(Object o) {
        String s = String.valueOf(o);
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static Object[] arguments(Case c, World w) {
        Parameter[] ps = c.member().getParameters();
        Object[] args = new Object[ps.length];
        for (int i = 0; i < ps.length; i++) {
            if (i == c.badIndex()) {
                // the bad value is made in this case's world, not the probe world the case list came from
                List<Values.Bad> mine = Values.bad(ps[i], w);
                args[i] = mine.stream().filter(b -> b.label().equals(c.bad().label())).findFirst().orElseThrow()
                        .value();
                continue;
            }
            Object g = Values.good(ps[i], w);
            if (g == Values.NO_VALUE) {
                return null;
            }
            args[i] = g;
        }
        return args;
    }

    private static Object invoke(Executable e, Object recv, Object[] args) throws Throwable {
        try {
            if (e instanceof Constructor<?> c) {
                return c.newInstance(args);
            }
            return ((Method) e).invoke(recv, args);
        } catch (InvocationTargetException ite) {
            throw ite.getCause();
        }
    }

    private static void closeResult(Object r, World w) {
        if (r instanceof Optional<?> o) {
            o.ifPresent(v -> closeResult(v, w));
            return;
        }
        if (r instanceof Object[] a) {
            for (Object o : a) {
                closeResult(o, w);
            }
            return;
        }
        try {
            if (r instanceof ExportedBuffer e) {
                e.handle().close();
            } else if (r instanceof VMapping v) {
                Reservation res = w.buf.reservation();
                res.lock();
                try {
                    v.close();
                } finally {
                    res.unlock();
                }
            } else if (r instanceof Mapping m && m.attachment().isAttached()) {
                m.attachment().unmapUnlocked(m);
            } else if (r instanceof RemappingImporter ri) {
                ri.close();
            } else if (r instanceof AutoCloseable a && !(r instanceof SimulatedSystem)) {
                a.close();
            }
        } catch (Throwable t) {
            // leftovers report what could not be closed
        }
    }

    // ---- the suite ------------------------------------------------------------------------------------------------

    @TestFactory
    @DisplayName("Every public method rejects bad input with a rule-named exception and changes nothing")
    Stream<DynamicTest> sweep() {
        Map<String, List<Case>> byMethod = new LinkedHashMap<>();
        for (Case c : cases()) {
            String k = c.key().contains("[") ? c.key().substring(0, c.key().indexOf('[')) : c.key();
            byMethod.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
        }
        return byMethod.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            List<String> bad = new ArrayList<>();
            for (Case c : e.getValue()) {
                Outcome o = run(c);
                String known = KNOWN.getOrDefault(c.key(), KNOWN.get(e.getKey()));
                synchronized (COUNTS) {
                    COUNTS.merge(o.verdict(), 1, Integer::sum);
                }
                boolean finding = switch (o.verdict()) {
                    case OK_REJECTED, OK_BOUNDARY, OK_CONTRACT, OK_DOCUMENTED -> false;
                    default -> true;
                };
                if (finding) {
                    SUMMARY.add(c.key(), o.verdict() + (known != null ? " (known: " + known + ")" : ""),
                            o.saw() + (o.detail().isEmpty() ? "" : ": " + o.detail()));
                    if (known == null) {
                        bad.add(c.key() + " -> " + o.verdict() + " (" + o.saw() + ") " + o.detail());
                    }
                }
            }
            if (!bad.isEmpty()) {
                fail(String.join("\n", bad));
            }
        }));
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.print(1);
        int total = COUNTS.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder sb = new StringBuilder("Bad-input sweep: " + total + " cases; " + COUNTS + "\n");
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        ACCEPTED.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> byReason.computeIfAbsent(e.getValue(), x -> new ArrayList<>()).add(e.getKey()));
        sb.append("Documented non-rule refusals (").append(DOCUMENTED.size()).append("): ")
                .append(new java.util.TreeSet<>(DOCUMENTED.values())).append('\n');
        sb.append("Intentionally accepted inputs (").append(ACCEPTED.size()).append("), by reason:\n");
        byReason.forEach((reason, keys) -> sb.append("  - ").append(reason).append(": ").append(keys).append('\n'));
        System.out.println(sb);
    }

}
