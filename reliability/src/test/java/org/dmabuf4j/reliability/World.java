package org.dmabuf4j.reliability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.ipc.BufferChannel;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.OwnedFd;
import org.dmabuf4j.ipc.SharedTimeline;
import org.dmabuf4j.ipc.UnixAddress;

/**
 * The fresh world of one bad-input case: a system with a buffer (64x64x4 linear layout, 16 KiB) statically attached
 * to a device and mapped, a second unattached device, a closed device, a closed handle and an unmapped mapping; and
 * another system with a buffer, device and mapping of its own, for "other system's objects". Receivers and arguments
 * made for one case are {@link #track tracked} and closed with the world.
 */
final class World implements AutoCloseable {
    static final BufferLayout LAYOUT = BufferLayout.linear(64, 64, 4);

    final SimulatedSystem sys = DmaBufs.builder().leakDetection(true).build();
    final SimulatedSystem other = DmaBufs.newSystem();
    final SimulatedDevice dev = sys.newDevice("dev").nonCoherent().build();
    final SimulatedDevice dev2 = sys.newDevice("dev2").build();
    final SimulatedDevice closedDev = sys.newDevice("unplugged").build();
    final SimulatedDevice otherDev = other.newDevice("foreign").build();
    final DmaBuf buf = sys.systemHeap().allocate(LAYOUT);
    final DmaBuf closedHandle = buf.share();
    final DmaBuf otherBuf = other.systemHeap().allocate(LAYOUT);
    final Attachment att = buf.attach(dev);
    final Mapping mapping = att.mapUnlocked(Direction.BIDIRECTIONAL);
    final Mapping unmapped = att.mapUnlocked(Direction.TO_DEVICE);
    final Attachment otherAtt = otherBuf.attach(otherDev);
    final Mapping otherMapping = otherAtt.mapUnlocked(Direction.BIDIRECTIONAL);
    final Fence signaled = sys.fences().signaled();
    private final Deque<AutoCloseable> tracked = new ArrayDeque<>();
    private SyncObject timeline;
    private BufferChannel[] channels;

    World() {
        closedDev.close();
        closedHandle.close();
        att.unmapUnlocked(unmapped);
    }

    /**
     * A mapping of a 64x64 XRGB8888 LINEAR image attached to {@link #dev} for RENDER: the good value of image jobs
     * (issue #12).
     *
     * @return a BIDIRECTIONAL image mapping, closed with the world
     */
    org.dmabuf4j.api.image.ImageMapping imageMapping() {
        org.dmabuf4j.api.image.Image img = track(sys.images().allocate(org.dmabuf4j.api.image.ImageRequest.of(
                org.dmabuf4j.api.image.DrmFormat.XRGB8888, 64, 64, org.dmabuf4j.api.image.FormatModifier.LINEAR)));
        org.dmabuf4j.api.image.ImageAttachment a = track(img.attach(dev,
                org.dmabuf4j.api.image.ImageUsage.RENDER));
        return a.mapUnlocked(Direction.BIDIRECTIONAL);
    }

    // ---- images and ipc (the sweep of issue #10 extended to the image api and the ipc module) -----------------

    /**
     * A 64x64 XRGB8888 image of this system, closed with the world.
     *
     * @param modifier LINEAR, or SIM_TILED / SIM_TILED_CCS for a tiled or compressed one
     * @return the image
     */
    Image image(FormatModifier modifier) {
        return track(sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 64, 64, modifier)));
    }

    /**
     * A LINEAR image of the other system, closed with the world.
     *
     * @return the image
     */
    Image otherImage() {
        return track(other.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 64, 64, FormatModifier.LINEAR)));
    }

    /**
     * A closed LINEAR image of this system.
     *
     * @return the image
     */
    Image closedImage() {
        Image i = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 64, 64, FormatModifier.LINEAR));
        i.close();
        return i;
    }

    /**
     * An image imported over a buffer whose handle was then closed: the image's own handles stay (the import
     * shares them), so this is an image whose importer's buffers are gone.
     *
     * @return the image, closed with the world
     */
    Image imageOfClosedBuffer() {
        DmaBuf b = sys.systemHeap().allocate(64 * 64 * 4);
        try {
            return track(sys.images().importImage(linearDescriptor(), List.of(b)));
        } finally {
            b.close();
        }
    }

    /**
     * The descriptor of a 64x64 XRGB8888 LINEAR image in one buffer (pitch 256).
     *
     * @return the descriptor
     */
    static ImageDescriptor linearDescriptor() {
        return ImageDescriptor.builder(DrmFormat.XRGB8888, 64, 64).plane(0, 0, 0, 256, FormatModifier.LINEAR).build();
    }

    /**
     * The memfd heap of this system.
     *
     * @return the heap (one per system, nothing to close: its buffers are closed with the world)
     */
    MemfdHeap memfd() {
        return MemfdHeap.of(sys);
    }

    /**
     * A connected pair of channels in this process (socketpair), closed with the world.
     *
     * @return the two ends
     */
    BufferChannel[] channels() {
        if (channels == null) {
            channels = BufferChannel.pair(memfd(), "sweep");
            track(channels[1]);
            track(channels[0]);
        }
        return channels;
    }

    /**
     * A shared timeline of this system, closed with the world.
     *
     * @return the timeline
     */
    SharedTimeline sharedTimeline() {
        return track(SharedTimeline.create(sys, "sweep-shared"));
    }

    /**
     * An owned descriptor (a dup of a memfd buffer's), closed with the world.
     *
     * @return the descriptor
     */
    OwnedFd ownedFd() {
        DmaBuf b = track(memfd().allocate(4096));
        return track(memfd().exportFd(b));
    }

    /**
     * A closed owned descriptor.
     *
     * @return the descriptor
     */
    OwnedFd closedFd() {
        OwnedFd fd = ownedFd();
        fd.close();
        return fd;
    }

    /**
     * An abstract socket address unique to this world.
     *
     * @return the address
     */
    UnixAddress address() {
        return UnixAddress.abstractName("dmabuf4j-sweep-" + ProcessHandle.current().pid() + "-"
                + ADDRESSES.incrementAndGet());
    }

    /**
     * Waits until the channels' reader threads caught up (imports, releases): a case's "before" fingerprint must not
     * race the peer's import of what the receiver's set-up sent. A bounded poll of the condition, not a sleep.
     *
     * @param what the condition, for the failure
     * @param condition the condition
     */
    static void settle(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the world did not settle: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong ADDRESSES = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Registers something to close before the world's own objects.
     *
     * @param <T> its type
     * @param c the resource
     * @return c
     */
    <T extends AutoCloseable> T track(T c) {
        tracked.push(c);
        return c;
    }

    /**
     * A buffer of its own, without attachments, closed with the world.
     *
     * @return its handle
     */
    DmaBuf lone() {
        return track(sys.systemHeap().allocate(4096));
    }

    /**
     * The world's timeline sync object, with a signaled point 1 (made on first use, closed with the world).
     *
     * @return the object
     */
    SyncObject timelineObject() {
        if (timeline == null) {
            timeline = track(sys.newSyncObject(SyncObjectKind.TIMELINE, "sweep-timeline"));
            // point 1 is submitted and signaled: waits and transfers of it return at once, whatever the timeout
            timeline.addPoint(1, signaled);
        }
        return timeline;
    }

    /**
     * A binary sync object holding a signaled fence, closed with the world.
     *
     * @return the object
     */
    SyncObject binaryObject() {
        SyncObject o = track(sys.newSyncObject(SyncObjectKind.BINARY, "sweep-binary"));
        o.replace(signaled);
        return o;
    }

    /**
     * A timeline sync object of the other system.
     *
     * @return the object
     */
    SyncObject otherTimelineObject() {
        return track(other.newSyncObject(SyncObjectKind.TIMELINE, "foreign-timeline"));
    }

    /**
     * A closed timeline sync object of this system.
     *
     * @return the object
     */
    SyncObject closedSyncObject() {
        SyncObject o = sys.newSyncObject(SyncObjectKind.TIMELINE, "closed-timeline");
        o.close();
        return o;
    }

    /**
     * A new acquire context of a system, unlocked and closed with the world.
     *
     * @param s the system
     * @return the context
     */
    AcquireContext context(SimulatedSystem s) {
        AcquireContext c = s.newAcquireContext();
        track(() -> {
            c.unlockAll();
            c.close();
        });
        return c;
    }

    /**
     * Closes what the case made and the world's objects, and returns what the system still holds then.
     *
     * @return the leftovers (see {@link Consistency#leftovers})
     */
    List<String> closeAndCheck() {
        while (!tracked.isEmpty()) {
            quietly(tracked.pop());
        }
        quietly(() -> {
            if (mapping.isValid() || att.isAttached()) {
                att.unmapUnlocked(mapping);
            }
        });
        quietly(att);
        quietly(buf);
        quietly(() -> otherAtt.unmapUnlocked(otherMapping));
        quietly(otherAtt);
        quietly(otherBuf);
        List<String> left = new ArrayList<>(Consistency.leftovers(sys));
        for (String l : Consistency.leftovers(other)) {
            left.add("other system: " + l);
        }
        return left;
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Throwable t) {
            // a clean-up step whose object the case already closed or broke; leftovers report the damage
        }
    }

    @Override
    public void close() {
        sys.close();
        other.close();
    }
}
