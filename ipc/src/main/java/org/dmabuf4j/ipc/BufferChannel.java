package org.dmabuf4j.ipc;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAllocator;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.linux.Errno;
import org.dmabuf4j.ipc.linux.MessageBuffer;
import org.dmabuf4j.ipc.linux.Sockets;

/**
 * One end of a connection that passes buffers between two processes (issue 13): an AF_UNIX SOCK_SEQPACKET socket
 * carrying the versioned messages of {@link Wire} with their descriptors (SCM_RIGHTS), and four shared timelines for
 * explicit sync, in the manner of Wayland's linux-drm-syncobj and PipeWire.
 *
 * <pre>
 *   process A (sender)                                               process B (receiver)
 *   HELLO(acquire A, release A) ────── fds of A's two timelines ────► opens them        (and the other way round)
 *   send(buf, fence):  BUFFER(desc, frame k, acquire a, release k) + memfd ──► importFd, frame k
 *   pool mode:         POOL(n descs) + n memfds, once ──► import n;  then FRAME(pool, index, k, a, k) per frame
 *   fence signals ─► A's acquire timeline reaches a ─────futex────► B: acquire fence signals, reservation wakes
 *   released(k) fence ◄────futex──── B's release timeline reaches k ◄── frame.release() (k and all earlier)
 *   remote handle closed ◄──────────────────────── RELEASED(token) ◄─ B's last handle of the import closed
 * </pre>
 *
 * <p>Each end sends and receives. Frames are numbered 1, 2, ... per direction; a frame's release point is its
 * number on the receiver's release timeline, which the receiver advances in order ({@link Rule#IPC_12 IPC-12}). The
 * sender puts the release fence in its buffer's reservation (READ) and the receiver puts the acquire fence in its
 * import's (WRITE): implicit sync holds across the processes ({@link Rule#IPC_11 IPC-11}). The sending side holds a
 * handle for every buffer the peer holds and closes it when the peer reports its last handle closed
 * ({@link Rule#IPC_10 IPC-10}).
 *
 * <p>A reader thread per channel reads every message, validates it ({@link Rule#IPC_7 IPC-7}, {@link Rule#IPC_8 IPC-8})
 * and queues frames for {@link #receive}. Bad messages are rejected: their descriptors closed, the sender told
 * (REJECT), the frame's release point failed, and the error handed to {@code receive} as a {@link WireFormatException};
 * a framing error closes the channel. When the peer is gone (hang-up, death seen through its pidfd, or BYE), the
 * channel fails the points it owed, closes the handles held for it, revokes the buffers imported from it and refuses
 * sends ({@link Rule#IPC_13 IPC-13}).
 *
 * <p>Thread-safe. Close it when done.
 *
 * @see "unix(7), linux-drm-syncobj-v1, PipeWire SPA buffers"
 */
public final class BufferChannel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j.ipc");
    private static final Duration HANDSHAKE = Duration.ofSeconds(10);
    private static final long REVOKE_BOUND_NANOS = 2_000_000_000L;
    private static final Object GONE_MARK = new Object();
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * Room for descriptors in each receive: the kernel's maximum, so that a conforming sender can never make the
     * kernel truncate them. Tests lower it to provoke MSG_CTRUNC (IPC-8), which a real sender cannot.
     */
    static volatile int receiveFdRoom = Sockets.SCM_MAX_FD;

    private final MemfdHeap heap;
    private final DmaBufSystem system;
    private final String name;
    private final OwnedFd socket;
    private final Sockets.Credentials peer;
    private final SharedTimeline myAcquire;
    private final SharedTimeline myRelease;
    private final InOrder acquireOrder;
    private final InOrder releaseOrder;
    private volatile SharedTimeline peerAcquire;
    private volatile SharedTimeline peerRelease;
    private volatile String peerName = "?";

    private final ReentrantLock sendLock = new ReentrantLock();
    /** Guarded by sendLock. */
    private long framesSent;
    /** The send buffer's memory, closed by {@link #close()} under sendLock. */
    private final Arena sendArena = Arena.ofShared();
    /** Every message is encoded and sent from here; guarded by sendLock. */
    private final MessageBuffer out;
    /** Descriptor numbers of the message being sent; guarded by sendLock. */
    private final int[] outFds = new int[Sockets.SCM_MAX_FD];
    private final String sendOp;
    private final String receiveOp;
    /** Set under sendLock when the send buffer is freed. */
    private boolean sendClosed;
    /** How long the reader polls the socket before it blocks in recvmsg ({@link AdaptiveSpin}); reader only. */
    private final AdaptiveSpin readSpin = new AdaptiveSpin(AdaptiveSpin.READ_MAX_NANOS);
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong poolIds = new AtomicLong();
    private final Map<Long, RemoteRef> remoteRefs = new ConcurrentHashMap<>();
    private final Map<Integer, ImportedPool> importedPools = new ConcurrentHashMap<>();
    /** The latest format feedback of the peer, or null. */
    private volatile FormatFeedback peerFeedback;
    /** Completes with the peer's first feedback, or fails when the peer is gone first. */
    private final CompletableFuture<FormatFeedback> firstFeedback = new CompletableFuture<>();
    private final Map<Long, ExportedBuffer> imports = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<String> rejectedByPeer = new CopyOnWriteArrayList<>();
    /** The next release point expected from the peer's frames; reader thread only. */
    private long expectedFrame = 1;

    private volatile RuntimeException peerGone;
    private volatile java.util.function.Consumer<? super ReceivedFrame> handler;
    private final CompletableFuture<PeerGoneException> goneHandled = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile Thread reader;
    private PeerWatch.Watch peerWatch;
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** A handle held on behalf of the peer (IPC-10). */
    private record RemoteRef(DmaBuf handle, CompletableFuture<Void> closed) {
    }

    /**
     * A pool the peer sent: per slot, the handles of its buffers (one for a buffer pool, an image's distinct buffers
     * for an image pool), and for an image pool each slot's validated descriptor.
     *
     * @param slots per slot, its buffers by the index the descriptor's planes use
     * @param descriptors per slot, the image's descriptor; null for a buffer pool
     */
    private record ImportedPool(List<List<DmaBuf>> slots, List<ImageDescriptor> descriptors) {
        void close() {
            slots.forEach(bs -> bs.forEach(DmaBuf::close));
        }
    }

    private BufferChannel(MemfdHeap heap, OwnedFd socket, String name) {
        this.heap = heap;
        this.system = heap.system();
        this.name = name;
        this.socket = socket;
        this.out = new MessageBuffer(sendArena, Wire.MAX_MESSAGE, Sockets.SCM_MAX_FD);
        this.sendOp = "sendmsg on channel '" + name + "'";
        this.receiveOp = "recvmsg on channel '" + name + "'";
        int n = socket.use("SO_PEERCRED");
        try {
            this.peer = Sockets.peerCredentials(n, "of channel '" + name + "'");
        } catch (RuntimeException | Error e) {
            sendArena.close();
            throw e;
        } finally {
            socket.done();
        }
        String tag = Long.toString(IDS.incrementAndGet());
        SharedTimeline acq;
        try {
            acq = SharedTimeline.create(system, "acq-" + tag);
        } catch (RuntimeException | Error e) {
            sendArena.close();
            throw e;
        }
        this.myAcquire = acq;
        SharedTimeline rel;
        try {
            rel = SharedTimeline.create(system, "rel-" + tag);
        } catch (RuntimeException | Error e) {
            myAcquire.close();
            sendArena.close();
            throw e;
        }
        this.myRelease = rel;
        this.acquireOrder = new InOrder(myAcquire);
        this.releaseOrder = new InOrder(myRelease);
    }

    // ---- creation --------------------------------------------------------------------------------------------------

    /**
     * Two connected channels in this process (socketpair): for threads of one process and for tests.
     *
     * @param heap the heap both ends allocate and import into; not null
     * @param name a name for messages and thread names; not blank
     * @return the two ends
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the sockets or timelines cannot be made; nothing is left
     */
    public static BufferChannel[] pair(MemfdHeap heap, String name) {
        checkArgs(heap, name);
        int[] fds = Sockets.seqpacketPair("creating channel pair '" + name + "'");
        OwnedFd a = OwnedFd.adopt(fds[0], FdKind.SOCKET, "channel '" + name + "-a' socket");
        OwnedFd b = OwnedFd.adopt(fds[1], FdKind.SOCKET, "channel '" + name + "-b' socket");
        BufferChannel ca = null;
        BufferChannel cb = null;
        try {
            ca = new BufferChannel(heap, a, name + "-a");
            cb = new BufferChannel(heap, b, name + "-b");
            ca.sendHello();
            cb.sendHello();
            ca.handshake();
            cb.handshake();
            return new BufferChannel[] {ca, cb};
        } catch (RuntimeException | Error e) {
            closeQuietly(ca, a);
            closeQuietly(cb, b);
            throw e;
        }
    }

    /**
     * Connects to a {@link ChannelListener} at {@code address}, in this or another process.
     *
     * @param heap the heap to allocate and import into; not null
     * @param address where the listener is; not null
     * @param name a name for messages; not blank
     * @return the connected channel, handshake done
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the connection fails (ECONNREFUSED: nobody listens)
     * @throws WireFormatException ({@link Rule#IPC_7 IPC-7}) if the peer's HELLO is bad
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer hangs up during the handshake
     */
    public static BufferChannel connect(MemfdHeap heap, UnixAddress address, String name) {
        checkArgs(heap, name);
        if (address == null) {
            throw new RuleViolationException(Rule.IPC_7, "connect of channel '" + name + "' to a null address");
        }
        OwnedFd s = OwnedFd.adopt(Sockets.seqpacket("connecting channel '" + name + "'"), FdKind.SOCKET,
                "channel '" + name + "' socket");
        BufferChannel c = null;
        try {
            int n = s.use("connect");
            try {
                Sockets.connect(n, address.name(), address.isAbstract(), "of channel '" + name + "' to " + address);
            } finally {
                s.done();
            }
            c = new BufferChannel(heap, s, name);
            c.sendHello();
            c.handshake();
            return c;
        } catch (RuntimeException | Error e) {
            closeQuietly(c, s);
            throw e;
        }
    }

    /**
     * Wraps an accepted connection (for {@link ChannelListener}).
     *
     * @param heap the heap
     * @param socket the accepted socket
     * @param name the name
     * @return the channel, handshake done
     */
    static BufferChannel accepted(MemfdHeap heap, OwnedFd socket, String name) {
        BufferChannel c = null;
        try {
            c = new BufferChannel(heap, socket, name);
            c.sendHello();
            c.handshake();
            return c;
        } catch (RuntimeException | Error e) {
            closeQuietly(c, socket);
            throw e;
        }
    }

    private static void checkArgs(MemfdHeap heap, String name) {
        if (heap == null || name == null || name.isBlank()) {
            throw new RuleViolationException(Rule.IPC_7, "a channel needs a memfd heap and a non-blank name; got "
                    + (heap == null ? "no heap" : "name '" + name + "'"));
        }
    }

    private static void closeQuietly(BufferChannel c, OwnedFd s) {
        if (c != null) {
            c.close();
        } else {
            s.close();
        }
    }

    private void sendHello() {
        try (OwnedFd acq = myAcquire.exportFd(); OwnedFd rel = myRelease.exportFd()) {
            send(new Wire.Hello(Wire.VERSION, Wire.VERSION, ProcessHandle.current().pid(), shortName()),
                    new OwnedFd[] {acq, rel});
        }
    }

    private String shortName() {
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return b.length <= 31 ? name : "channel";
    }

    /** Reads the peer's HELLO in the calling thread, then starts the reader thread. */
    private void handshake() {
        Incoming in;
        try (Arena a = Arena.ofConfined()) {
            in = readOne(new MessageBuffer(a, Wire.MAX_MESSAGE + 1, receiveFdRoom), HANDSHAKE.toNanos(), false);
        }
        if (in == null) {
            throw new PeerGoneException(Rule.IPC_13, "channel '" + name + "': the peer (pid " + peer.pid()
                    + ") did not say HELLO within " + HANDSHAKE.toSeconds() + " s");
        }
        try {
            if (in.eof) {
                throw new PeerGoneException(Rule.IPC_13, "channel '" + name + "': the peer (pid " + peer.pid()
                        + ") hung up during the handshake");
            }
            if (in.bad != null || !(in.message instanceof Wire.Hello hello)) {
                throw new WireFormatException(Rule.IPC_7, "channel '" + name + "': the peer's first message is "
                        + (in.bad != null ? "bad: " + in.bad.getMessage() : in.message.kind() + ", not HELLO")
                        + "; the channel is closed", true, null);
            }
            if (hello.minVersion() > Wire.VERSION || hello.maxVersion() < Wire.VERSION) {
                throw new WireFormatException(Rule.IPC_7, "channel '" + name + "': the peer speaks wire versions "
                        + hello.minVersion() + ".." + hello.maxVersion() + ", this side " + Wire.VERSION, true, null);
            }
            peerName = hello.name();
            peerAcquire = SharedTimeline.open(system, in.take(0), "peer-acq");
            peerRelease = SharedTimeline.open(system, in.take(1), "peer-rel");
        } finally {
            in.closeFds();
        }
        if (peer.pid() != ProcessHandle.current().pid()) {
            long pid = peer.pid();
            peerWatch = PeerWatch.watch(pid, () -> peerGone("its process " + pid + " exited"));
        }
        Thread t = new Thread(this::readLoop, "dmabuf4j-ipc-reader-" + name);
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    // ---- sending ---------------------------------------------------------------------------------------------------

    /**
     * Sends a buffer with its own descriptor (fd-per-frame mode): the receiver imports it and gets a
     * {@link ReceivedFrame}. {@code acquire} is exported as a point of this side's acquire timeline, signaled when it
     * signals (or at once). Called without the buffer's reservation lock.
     *
     * @param buffer an open handle of a memfd buffer of this channel's heap ({@link Rule#IPC_16 IPC-16}); not null
     * @param acquire what the receiver waits for before touching the buffer, or null for nothing
     * @return the frame's number, release fence and remote-close future
     * @throws RuleViolationException ({@link Rule#IPC_16 IPC-16}) if the buffer cannot cross
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer is gone
     * @throws ClosedException ({@link Rule#IPC_13 IPC-13}) if the channel is closed
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if sendmsg fails; nothing was sent and nothing is held
     */
    public SentFrame send(DmaBuf buffer, Fence acquire) {
        checkUsable("send");
        MemfdHeap.Backing backing = heap.backing(buffer, "send on channel '" + name + "'");
        long token = tokens.incrementAndGet();
        Wire.Desc desc = new Wire.Desc(token, 0, buffer.size(), buffer.name(), buffer.layout());
        CompletableFuture<Void> remoteClosed = new CompletableFuture<>();
        DmaBuf ref = buffer.share();
        remoteRefs.put(token, new RemoteRef(ref, remoteClosed));
        long frame;
        try (OwnedFd fd = backing.exporter().fd().dup("memfd of buffer #" + buffer.id() + " in flight")) {
            sendLock.lock();
            try {
                frame = framesSent + 1;
                Wire.Sync sync = new Wire.Sync(frame, List.of(acquirePoint(acquire)), frame);
                send(new Wire.Buffer(desc, sync), new OwnedFd[] {fd});
                framesSent = frame;
            } finally {
                sendLock.unlock();
            }
        } catch (RuntimeException | Error e) {
            RemoteRef r = remoteRefs.remove(token);
            if (r != null) {
                r.handle().close();
            }
            throw e;
        }
        return new SentFrame(frame, releaseFence(List.of(buffer), frame), remoteClosed);
    }

    /**
     * Sends an image with its buffers' descriptors (fd-per-frame mode, {@link Rule#IPC_17 IPC-17}): one IMAGE message
     * carrying the image's descriptor, one memfd per distinct buffer, the acquire point and the release point. The
     * receiver validates the descriptor with the FMT rules, imports the buffers and gets the frame's
     * {@link ReceivedFrame#image()}. Called without the buffers' reservation locks.
     *
     * @param image an open image whose buffers are memfd buffers of this channel's heap ({@link Rule#IPC_16 IPC-16}),
     *     for example from {@code system.images().allocate(request, MemfdHeap.of(system))}; not null
     * @param acquire what the receiver waits for before touching the image, or null for nothing
     * @return the frame's number, release fence (also in every buffer's reservation, READ) and a future that
     *     completes when the receiver's last handle of every buffer closed ({@link Rule#IPC_10 IPC-10})
     * @throws RuleViolationException ({@link Rule#IPC_16 IPC-16}) if a buffer cannot cross,
     *     ({@link Rule#NEG_2 NEG-2}) for an implicit (INVALID) image whose memory is not LINEAR, which the receiver
     *     would read as LINEAR: send it with its real modifier
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if the image is closed,
     *     ({@link Rule#IPC_13 IPC-13}) if the channel is
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer is gone
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if sendmsg fails; nothing was sent and nothing is held
     */
    public SentFrame send(Image image, Fence acquire) {
        checkUsable("send");
        List<DmaBuf> buffers = checkImage(image, "send");
        List<OwnedFd> fds = new ArrayList<>();
        List<Long> tokenList = new ArrayList<>();
        List<CompletableFuture<Void>> closedFutures = new ArrayList<>();
        long frame;
        try {
            for (DmaBuf b : buffers) {
                fds.add(heap.backing(b, "send of an image on channel '" + name + "'").exporter().fd()
                        .dup("memfd of buffer #" + b.id() + " in flight"));
            }
            Wire.ImageDesc desc = imageDesc(image, 0, tokenList, closedFutures);
            sendLock.lock();
            try {
                frame = framesSent + 1;
                Wire.Sync sync = new Wire.Sync(frame, List.of(acquirePoint(acquire)), frame);
                send(new Wire.ImageFrame(desc, sync), fds.toArray(NO_FDS));
                framesSent = frame;
            } finally {
                sendLock.unlock();
            }
        } catch (RuntimeException | Error e) {
            dropRefs(tokenList);
            throw e;
        } finally {
            fds.forEach(OwnedFd::close);
        }
        return new SentFrame(frame, releaseFence(buffers, frame),
                CompletableFuture.allOf(closedFutures.toArray(new CompletableFuture<?>[0])));
    }

    /**
     * The buffers of an image that is about to cross, checked (IPC-16, NEG-2).
     */
    private List<DmaBuf> checkImage(Image image, String op) {
        if (image == null) {
            throw new RuleViolationException(Rule.IPC_16, op + "(null image) on channel '" + name + "': pass an open"
                    + " image whose buffers are memfd buffers");
        }
        if (!image.isOpen()) {
            throw new ClosedException(Rule.BUF_3, op + " of closed image " + image + " on channel '" + name + "'");
        }
        ImageDescriptor d = image.descriptor();
        if (d.modifier().isImplicit() && !image.layoutModifier().isLinear()) {
            throw new RuleViolationException(Rule.NEG_2, op + " of implicit image " + image + " on channel '" + name
                    + "': its memory is laid out " + image.layoutModifier() + ", but the receiver imports an implicit"
                    + " (INVALID) image as LINEAR, the baseline of implicit exchange; allocate it explicitly, or send it"
                    + " with its real modifier (import the buffers again as " + image.layoutModifier() + ")");
        }
        for (DmaBuf b : image.buffers()) {
            heap.backing(b, op + " of image " + d + " on channel '" + name + "'");
        }
        return image.buffers();
    }

    /**
     * The wire form of an image whose buffers' descriptors start at {@code firstFd} in the message; takes a handle
     * per buffer for the peer (IPC-10), recording its token and close future.
     */
    private Wire.ImageDesc imageDesc(Image image, int firstFd, List<Long> tokenList,
            List<CompletableFuture<Void>> closedFutures) {
        ImageDescriptor d = image.descriptor();
        List<Wire.PlaneDesc> planes = new ArrayList<>();
        for (ImageDescriptor.Plane p : d.planes()) {
            planes.add(new Wire.PlaneDesc(p.buffer(), p.offset(), p.pitch()));
        }
        List<Wire.Desc> descs = new ArrayList<>();
        List<DmaBuf> buffers = image.buffers();
        for (int i = 0; i < buffers.size(); i++) {
            DmaBuf b = buffers.get(i);
            long token = tokens.incrementAndGet();
            CompletableFuture<Void> remoteClosed = new CompletableFuture<>();
            remoteRefs.put(token, new RemoteRef(b.share(), remoteClosed));
            tokenList.add(token);
            closedFutures.add(remoteClosed);
            descs.add(new Wire.Desc(token, firstFd + i, b.size(), b.name(), Optional.empty()));
        }
        return new Wire.ImageDesc(d.format().fourcc(), d.modifier().value(), d.width(), d.height(), planes, descs);
    }

    /** Closes the handles held for the peer under these tokens (a send that failed). */
    private void dropRefs(List<Long> tokenList) {
        for (long t : tokenList) {
            RemoteRef r = remoteRefs.remove(t);
            if (r != null) {
                r.handle().close();
            }
        }
    }

    /**
     * Allocates {@code count} images in this channel's memfd heap with the image allocator and sends their
     * descriptors and buffers to the peer, once, in one IMAGE_POOL message ({@link Rule#IPC_9 IPC-9},
     * {@link Rule#IPC_17 IPC-17}); frames then carry only an index and sync points. Negotiate first: the request's
     * modifiers, best first, are typically what {@link FormatFeedback#modifiers} makes of the peer's
     * {@link #awaitFeedback feedback} ({@link Rule#IPC_18 IPC-18}); the allocator takes the first it can lay out for
     * the request's targets (read the choice back from {@link ImagePool#descriptor()}).
     *
     * @param count images; 1 or more, with at most 253 buffers in all (one descriptor per buffer)
     * @param request the format, size, acceptable modifiers, target devices and constraints; not null
     * @param poolName the buffers' name prefix; at most 27 bytes, without NUL (checked before anything is allocated)
     * @return the pool; close it to retire it
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) on a bad count or name, or too many buffers,
     *     ({@link Rule#FMT_7 FMT-7}) on a null request
     * @throws org.dmabuf4j.api.image.NegotiationFailedException ({@link Rule#NEG_4 NEG-4}) if no modifier of the
     *     request can be allocated, with each one's reason
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer is gone
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if allocation or sendmsg fails; nothing is left
     */
    public ImagePool createImagePool(int count, ImageRequest request, String poolName) {
        checkUsable("createImagePool");
        if (count < 1 || count > Sockets.SCM_MAX_FD || poolName == null || poolName.indexOf('\0') >= 0
                || poolName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 27) {
            throw new RuleViolationException(Rule.IPC_9, "createImagePool(" + count + ", '" + poolName + "') on"
                    + " channel '" + name + "': 1 to " + Sockets.SCM_MAX_FD + " images and a name of at most 27 bytes"
                    + " without NUL (the buffers' names, BUF-4)");
        }
        if (request == null) {
            throw new RuleViolationException(Rule.FMT_7, "createImagePool(" + count + ", null request) on channel '"
                    + name + "': pass an ImageRequest with the format, size and acceptable modifiers");
        }
        ImageAllocator images = images("createImagePool");
        int id = (int) poolIds.incrementAndGet();
        List<Image> list = new ArrayList<>();
        List<OwnedFd> fds = new ArrayList<>();
        List<Long> tokenList = new ArrayList<>();
        try {
            List<Wire.ImageDesc> descs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Image image = images.allocate(request, heap);
                list.add(image);
                if (fds.size() + image.buffers().size() > Sockets.SCM_MAX_FD) {
                    throw new RuleViolationException(Rule.IPC_9, "createImagePool(" + count + ") on channel '" + name
                            + "': " + image.descriptor() + " has " + image.buffers().size() + " buffer(s), so "
                            + count + " images need more than the " + Sockets.SCM_MAX_FD + " descriptors one message"
                            + " carries; nothing was sent");
                }
                int firstFd = fds.size();
                for (DmaBuf b : image.buffers()) {
                    b.setName(poolName + "-" + i);
                    fds.add(heap.exportFd(b));
                }
                descs.add(imageDesc(image, firstFd, tokenList, new ArrayList<>()));
            }
            send(new Wire.ImagePool(id, descs), fds.toArray(NO_FDS));
            return new ImagePool(this, id, list);
        } catch (RuntimeException | Error e) {
            dropRefs(tokenList);
            list.forEach(Image::close);
            throw e;
        } finally {
            fds.forEach(OwnedFd::close);
        }
    }

    /**
     * Sends this side's format feedback: what it can import, tranche by tranche, best first
     * ({@link Rule#IPC_18 IPC-18}). Send it before the peer allocates (a producer typically waits for it with
     * {@link #awaitFeedback}); sending again replaces it, as linux-dmabuf's feedback events do.
     *
     * @param feedback the feedback; not null
     * @throws RuleViolationException ({@link Rule#IPC_18 IPC-18}) on a null feedback
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer is gone
     * @throws ClosedException ({@link Rule#IPC_13 IPC-13}) if the channel is closed
     */
    public void sendFeedback(FormatFeedback feedback) {
        if (feedback == null) {
            throw new RuleViolationException(Rule.IPC_18, "sendFeedback(null) on channel '" + name + "'");
        }
        checkUsable("sendFeedback");
        List<Wire.TrancheDesc> tranches = new ArrayList<>();
        for (FormatFeedback.Tranche t : feedback.tranches()) {
            var pairs = t.formats().pairs();
            int[] fourccs = new int[pairs.size()];
            long[] modifiers = new long[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                fourccs[i] = pairs.get(i).format().fourcc();
                modifiers[i] = pairs.get(i).modifier().value();
            }
            tranches.add(new Wire.TrancheDesc(t.usage().ordinal(), t.device(), fourccs, modifiers));
        }
        send(new Wire.Formats(tranches), NO_FDS);
    }

    /**
     * The peer's format feedback: the latest it sent, waiting up to {@code timeout} for the first
     * ({@link Rule#IPC_18 IPC-18}).
     *
     * @param timeout how long to wait for a first feedback; zero polls; not negative
     * @return the feedback, or empty if none came in time
     * @throws RuleViolationException ({@link Rule#IPC_18 IPC-18}) on a bad timeout
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer went away without sending any
     * @throws ClosedException ({@link Rule#IPC_13 IPC-13}) if the channel is closed
     * @throws DmaInterruptedException ({@link Rule#IPC_18 IPC-18}) if interrupted
     */
    public Optional<FormatFeedback> awaitFeedback(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.IPC_18, "awaitFeedback(" + timeout + ") on channel '" + name
                    + "': pass a timeout of zero or more");
        }
        if (closed) {
            throw new ClosedException(Rule.IPC_13, "awaitFeedback on closed channel '" + name + "'");
        }
        FormatFeedback f = peerFeedback;
        if (f != null) {
            return Optional.of(f);
        }
        try {
            firstFeedback.get(Timeouts.nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            if (peerFeedback == null) {
                throw goneException("awaitFeedback");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DmaInterruptedException(Rule.IPC_18, "awaitFeedback on channel '" + name + "'", e);
        }
        return Optional.ofNullable(peerFeedback);
    }

    /** The image allocator of this channel's system. */
    private ImageAllocator images(String op) {
        if (system instanceof SimulatedSystem s) {
            return s.images();
        }
        throw new UnsupportedFeatureException(Rule.IPC_17, op + " on channel '" + name + "': the system "
                + system + " has no image allocator");
    }

    /**
     * Sends a pool frame: called by {@link BufferPool#submit}.
     *
     * @param pool the pool id
     * @param index the buffer's index
     * @param buffers the pool's handles of the slot's buffers (the release fence goes into their reservations)
     * @param acquire the acquire fence, or null
     * @return the frame
     */
    SentFrame sendPoolFrame(int pool, int index, List<DmaBuf> buffers, Fence acquire) {
        checkUsable("submit");
        long frame;
        sendLock.lock();
        try {
            frame = framesSent + 1;
            Wire.Point point = acquirePoint(acquire);
            checkSendable("submit");
            transmit(Wire.Kind.FRAME, Wire.encodeFrame(out.bytes(), pool, index, frame, point.seqno()), NO_FDS);
            framesSent = frame;
        } finally {
            sendLock.unlock();
        }
        return new SentFrame(frame, releaseFence(buffers, frame), CompletableFuture.completedFuture(null));
    }

    /**
     * Creates a pool of {@code count} memfd buffers and sends their descriptors to the peer, once
     * ({@link Rule#IPC_9 IPC-9}).
     *
     * @param count buffers; 1 to 253
     * @param size bytes per buffer; positive
     * @param layout their layout, or empty
     * @param poolName the buffers' name prefix; at most 27 bytes, without NUL (checked before anything is allocated)
     * @return the pool; close it to retire it
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) on a bad count or name
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer is gone
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if allocation or sendmsg fails; nothing is left
     */
    public BufferPool createPool(int count, long size, Optional<BufferLayout> layout, String poolName) {
        checkUsable("createPool");
        if (count < 1 || count > Sockets.SCM_MAX_FD || poolName == null || poolName.indexOf('\0') >= 0
                || poolName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 27) {
            throw new RuleViolationException(Rule.IPC_9, "createPool(" + count + ", '" + poolName + "') on channel '"
                    + name + "': 1 to " + Sockets.SCM_MAX_FD + " buffers and a name of at most 27 bytes without NUL"
                    + " (the buffers' names, BUF-4)");
        }
        int id = (int) poolIds.incrementAndGet();
        List<DmaBuf> buffers = new ArrayList<>();
        List<OwnedFd> fds = new ArrayList<>();
        List<Long> tokenList = new ArrayList<>();
        try {
            List<Wire.Desc> descs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                DmaBuf b = heap.allocate(size, layout, poolName + "-" + i);
                buffers.add(b);
                fds.add(heap.exportFd(b));
                long token = tokens.incrementAndGet();
                tokenList.add(token);
                descs.add(new Wire.Desc(token, i, b.size(), b.name(), b.layout()));
                remoteRefs.put(token, new RemoteRef(b.share(), new CompletableFuture<>()));
            }
            sendLock.lock();
            try {
                send(new Wire.Pool(id, descs), fds.toArray(NO_FDS));
            } finally {
                sendLock.unlock();
            }
            return new BufferPool(this, id, buffers);
        } catch (RuntimeException | Error e) {
            for (long t : tokenList) {
                RemoteRef r = remoteRefs.remove(t);
                if (r != null) {
                    r.handle().close();
                }
            }
            buffers.forEach(DmaBuf::close);
            throw e;
        } finally {
            fds.forEach(OwnedFd::close);
        }
    }

    /**
     * Retires a pool on the peer's side (called by {@link BufferPool#close}).
     *
     * @param pool the id
     */
    void poolClosed(int pool) {
        if (closed || peerGone != null) {
            return;
        }
        try {
            sendLock.lock();
            try {
                send(new Wire.PoolEnd(pool), NO_FDS);
            } finally {
                sendLock.unlock();
            }
        } catch (DmaBufException e) {
            LOG.log(System.Logger.Level.DEBUG, "POOL_END of pool " + pool + " on '" + name + "' not sent: "
                    + e.getMessage());
        }
    }

    /** Maps a local fence to a point of this side's acquire timeline. Called with sendLock held. */
    private Wire.Point acquirePoint(Fence acquire) {
        if (acquire == null || (acquire.isSignaled() && acquire.error().isEmpty() && acquireOrder.idle())) {
            return new Wire.Point(Wire.SENDER_ACQUIRE_TIMELINE, acquireOrder.signaled());
        }
        long seqno = acquireOrder.allocate();
        org.dmabuf4j.api.FenceCallback cb = f -> acquireOrder.complete(seqno,
                f.error().map(e -> String.valueOf(e.getMessage())).orElse(null));
        if (!acquire.addCallback(cb)) {
            cb.onSignaled(acquire);
        }
        return new Wire.Point(Wire.SENDER_ACQUIRE_TIMELINE, seqno);
    }

    /** The release fence of a frame, added to each buffer's reservation with READ usage (IPC-11). */
    private Fence releaseFence(List<DmaBuf> buffers, long frame) {
        Fence released = peerRelease.point(frame);
        if (!released.isSignaled()) {
            SyncFile file = system.fences().syncFile(released, "release");
            for (DmaBuf buffer : buffers) {
                try {
                    buffer.importSyncFile(file, Access.READ);
                } catch (ClosedException handleClosed) {
                    // the caller closed its handle meanwhile: nothing of it to protect
                }
            }
        }
        return released;
    }

    private static final OwnedFd[] NO_FDS = new OwnedFd[0];

    /** Encodes and sends one message with its descriptors, under sendLock. */
    private void send(Wire.Message m, OwnedFd[] fds) {
        sendLock.lock();
        try {
            checkSendable(m.kind().toString());
            transmit(m.kind(), Wire.encode(m, out.bytes()), fds);
        } finally {
            sendLock.unlock();
        }
    }

    /** The send buffer is gone once the channel closed (sendLock held). */
    private void checkSendable(String op) {
        if (sendClosed) {
            throw new ClosedException(Rule.IPC_13, op + " on closed channel '" + name + "'");
        }
    }

    /**
     * Sends the first {@code length} bytes of the send buffer with {@code fds}. Called with sendLock held.
     */
    private void transmit(Wire.Kind kind, int length, OwnedFd[] fds) {
        int used = 0;
        int s = socket.use(sendOp);
        try {
            for (; used < fds.length; used++) {
                outFds[used] = fds[used].use("sendmsg");
            }
            long r = out.send(s, length, outFds, fds.length, 0);
            if (r < 0) {
                int e = (int) -r;
                if (e == Errno.EPIPE || e == Errno.ECONNRESET) {
                    peerGone("it hung up (sendmsg: " + Errno.name(e) + ")");
                    throw goneException("send");
                }
                throw new SyscallException("sendmsg", e, "of " + kind + " on channel '" + name + "'");
            }
        } finally {
            for (int i = 0; i < used; i++) {
                fds[i].done();
            }
            socket.done();
        }
    }

    private void checkUsable(String op) {
        if (closed) {
            throw new ClosedException(Rule.IPC_13, op + " on closed channel '" + name + "'");
        }
        if (peerGone != null) {
            throw goneException(op);
        }
    }

    private PeerGoneException goneException(String op) {
        return new PeerGoneException(Rule.IPC_13, op + " on channel '" + name + "': " + peerGone.getMessage());
    }

    // ---- receiving -------------------------------------------------------------------------------------------------

    /**
     * The next frame from the peer.
     *
     * @param timeout how long to wait; zero polls; not negative
     * @return the frame, or empty on timeout
     * @throws WireFormatException ({@link Rule#IPC_7 IPC-7}, {@link Rule#IPC_8 IPC-8}) for a message the peer sent that
     *     was rejected, in order with the frames; {@link WireFormatException#channelClosed()} says whether the channel
     *     is still usable
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) once the peer is gone and every frame it sent was taken
     * @throws ClosedException ({@link Rule#IPC_13 IPC-13}) if the channel is closed
     * @throws DmaInterruptedException ({@link Rule#IPC_13 IPC-13}) if interrupted
     */
    public Optional<ReceivedFrame> receive(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.IPC_13, "receive(" + timeout + ") on channel '" + name
                    + "': pass a timeout of zero or more");
        }
        if (closed) {
            throw new ClosedException(Rule.IPC_13, "receive on closed channel '" + name + "'");
        }
        Object o;
        try {
            o = inbox.poll(Timeouts.nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.IPC_13, "receive on channel '" + name + "'", e);
        }
        if (o == null) {
            return Optional.empty();
        }
        if (o == GONE_MARK) {
            inbox.offer(GONE_MARK);
            if (closed) {
                throw new ClosedException(Rule.IPC_13, "receive on channel '" + name + "', closed while waiting");
            }
            throw goneException("receive");
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        return Optional.of((ReceivedFrame) o);
    }

    /** One datagram as it arrived. */
    private static final class Incoming {
        boolean eof;
        int errno;
        Wire.Message message;
        Wire.Bad bad;
        boolean truncated;
        final List<OwnedFd> fds = new ArrayList<>();

        OwnedFd take(int i) {
            OwnedFd f = fds.get(i);
            fds.set(i, null);
            return f;
        }

        void closeFds() {
            for (OwnedFd f : fds) {
                if (f != null) {
                    f.close();
                }
            }
        }
    }

    /**
     * Reads one datagram, adopting every descriptor that came with it first (so that nothing can leak).
     *
     * @param buffer the receive buffer of the calling thread (room for {@link Wire#MAX_MESSAGE} + 1 bytes, so that a
     *     longer message shows as MSG_TRUNC)
     * @param timeoutNanos how long to wait for it; negative for ever
     * @param spin whether to poll the socket for up to the reader's spin budget before blocking
     * @return it, or null on timeout
     */
    private Incoming readOne(MessageBuffer buffer, long timeoutNanos, boolean spin) {
        int s = socket.use(receiveOp);
        try {
            long r = -Errno.EAGAIN;
            if (spin) {
                r = spinReceive(s, buffer);
            }
            if (r == -Errno.EAGAIN) {
                if (timeoutNanos >= 0) {
                    short ev = org.dmabuf4j.ipc.linux.Poll.poll(s, org.dmabuf4j.ipc.linux.Poll.POLLIN, timeoutNanos);
                    if (ev == 0) {
                        return null;
                    }
                }
                r = buffer.receive(s, 0);
            }
            Incoming in = new Incoming();
            for (int i = 0; i < buffer.fdCount(); i++) {
                in.fds.add(OwnedFd.adopt(buffer.fd(i), FdKind.UNCHECKED, "descriptor received on channel '" + name
                        + "'"));
            }
            if (r < 0) {
                in.errno = (int) -r;
                in.eof = true;
                return in;
            }
            if (r == 0 && buffer.fdCount() == 0) {
                in.eof = true;
                return in;
            }
            if ((buffer.flags() & (Sockets.MSG_TRUNC | Sockets.MSG_CTRUNC)) != 0) {
                in.truncated = true;
                in.bad = new Wire.Bad(true, 0, ((buffer.flags() & Sockets.MSG_CTRUNC) != 0
                        ? "the kernel truncated the descriptors (MSG_CTRUNC: more than " + Sockets.SCM_MAX_FD
                                + " or no room)" : "the message was longer than " + Wire.MAX_MESSAGE
                                + " bytes (MSG_TRUNC)"));
                return in;
            }
            try {
                in.message = Wire.decode(buffer.bytes(), (int) r, in.fds.size());
            } catch (Wire.Bad bad) {
                in.bad = bad;
            }
            return in;
        } finally {
            socket.done();
        }
    }

    /**
     * Polls the socket without blocking for up to the reader's spin budget: a peer that answers within it is heard
     * without a wake-up of this thread ({@link AdaptiveSpin}).
     *
     * @return what the last receive returned: bytes, or -errno; -EAGAIN if nothing came while spinning
     */
    private long spinReceive(int s, MessageBuffer buffer) {
        long budget = readSpin.budget();
        long r = buffer.receive(s, Sockets.MSG_DONTWAIT);
        if (r != -Errno.EAGAIN || budget == 0) {
            return r;
        }
        long start = System.nanoTime();
        long until = start + budget;
        long now;
        while ((now = System.nanoTime()) - until < 0 && !closed) {
            AdaptiveSpin.pause(now - start);
            r = buffer.receive(s, Sockets.MSG_DONTWAIT);
            if (r != -Errno.EAGAIN) {
                readSpin.answered();
                return r;
            }
        }
        readSpin.slept();
        return r;
    }

    private void readLoop() {
        try (Arena arena = Arena.ofConfined()) {
            MessageBuffer buffer = new MessageBuffer(arena, Wire.MAX_MESSAGE + 1, receiveFdRoom);
            while (!closed && peerGone == null) {
                Incoming in;
                try {
                    in = readOne(buffer, -1, true);
                } catch (DmaBufException e) {
                    if (!closed) {
                        peerGone("reading failed: " + e.getMessage());
                    }
                    return;
                }
                try {
                    if (in.eof && closed) {
                        return;
                    }
                    if (in.eof) {
                        peerGone(in.errno != 0 ? "it hung up (recvmsg: " + Errno.name(in.errno) + ")"
                                : "it hung up");
                        return;
                    }
                    if (in.bad != null) {
                        in.closeFds(); // before the error is visible to receive()
                        reject(in.bad.kind, in.bad.getMessage(), in.bad.framing,
                                in.truncated ? Rule.IPC_8 : Rule.IPC_7, null);
                        if (in.bad.framing) {
                            return;
                        }
                        continue;
                    }
                    try {
                        dispatch(in);
                    } catch (DmaBufException e) {
                        in.closeFds();
                        reject(in.message.kind().code, e.getMessage(), false, Rule.IPC_7, e);
                    }
                } finally {
                    in.closeFds();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "[IPC-7] the reader of channel '" + name + "' failed", e);
            peerGone("the reader failed: " + e);
        }
    }

    private void dispatch(Incoming in) {
        switch (in.message) {
            case Wire.Buffer b -> {
                checkFrame(b.sync());
                OwnedFd fd = in.take(b.desc().fdIndex());
                DmaBuf handle;
                try {
                    handle = importBuffer(fd, b.desc());
                } catch (RuntimeException e) {
                    failFrame(expectedFrame, e.getMessage());
                    throw e;
                }
                deliver(b.sync(), handle, null, -1);
            }
            case Wire.Pool p -> {
                if (importedPools.containsKey(p.pool())) {
                    throw new RuleViolationException(Rule.IPC_9, "POOL " + p.pool() + " was sent twice");
                }
                checkFdIndexes(p.buffers());
                List<DmaBuf> bases = importBuffers(in, p.buffers());
                importedPools.put(p.pool(), new ImportedPool(bases.stream().map(List::of).toList(), null));
            }
            case Wire.ImageFrame i -> {
                checkFrame(i.sync());
                Image image;
                try {
                    ImageDescriptor d = descriptor(i.image());
                    checkFdIndexes(i.image().buffers());
                    List<DmaBuf> bases = importBuffers(in, i.image().buffers());
                    try {
                        image = images("IMAGE").importImage(d, bases);
                    } finally {
                        bases.forEach(DmaBuf::close); // the image holds its own handles
                    }
                } catch (RuntimeException e) {
                    failFrame(expectedFrame, e.getMessage());
                    throw e;
                }
                deliver(i.sync(), null, image, -1);
            }
            case Wire.ImagePool p -> {
                if (importedPools.containsKey(p.pool())) {
                    throw new RuleViolationException(Rule.IPC_9, "IMAGE_POOL " + p.pool() + " was sent twice");
                }
                // every descriptor is validated before any buffer is imported (IPC-17)
                List<ImageDescriptor> descriptors = new ArrayList<>();
                List<Wire.Desc> all = new ArrayList<>();
                for (Wire.ImageDesc d : p.images()) {
                    descriptors.add(descriptor(d));
                    all.addAll(d.buffers());
                }
                checkFdIndexes(all);
                List<List<DmaBuf>> slots = new ArrayList<>();
                try {
                    for (Wire.ImageDesc d : p.images()) {
                        slots.add(importBuffers(in, d.buffers()));
                    }
                    ImageAllocator images = images("IMAGE_POOL");
                    for (int k = 0; k < slots.size(); k++) {
                        images.importImage(descriptors.get(k), slots.get(k)).close(); // FMT-5, FMT-6 now, not per frame
                    }
                } catch (RuntimeException | Error e) {
                    slots.forEach(bs -> bs.forEach(DmaBuf::close));
                    throw e;
                }
                importedPools.put(p.pool(), new ImportedPool(List.copyOf(slots), List.copyOf(descriptors)));
            }
            case Wire.Frame f -> {
                ImportedPool pool = importedPools.get(f.pool());
                if (pool == null || f.index() < 0 || f.index() >= pool.slots().size()) {
                    failFrame(f.sync().release(), "unknown pool " + f.pool() + " index " + f.index());
                    throw new RuleViolationException(Rule.IPC_9, "FRAME names pool " + f.pool() + " index "
                            + f.index() + (pool == null ? ", but no such pool was sent" : ", but the pool has "
                            + pool.slots().size() + " slots"));
                }
                checkFrame(f.sync());
                List<DmaBuf> bases = pool.slots().get(f.index());
                if (pool.descriptors() == null) {
                    deliver(f.sync(), bases.getFirst().share(), null, f.index());
                } else {
                    Image image;
                    try {
                        image = images("FRAME").importImage(pool.descriptors().get(f.index()), bases);
                    } catch (RuntimeException e) {
                        failFrame(expectedFrame, e.getMessage());
                        throw e;
                    }
                    deliver(f.sync(), null, image, f.index());
                }
            }
            case Wire.Released r -> {
                RemoteRef ref = remoteRefs.remove(r.token());
                if (ref != null) {
                    ref.handle().close();
                    ref.closed().complete(null);
                }
            }
            case Wire.PoolEnd p -> {
                ImportedPool pool = importedPools.remove(p.pool());
                if (pool != null) {
                    pool.close();
                }
            }
            case Wire.Reject r -> {
                rejectedByPeer.add(r.reason());
                LOG.log(System.Logger.Level.WARNING, "[IPC-7] the peer of channel '" + name + "' rejected a message"
                        + " of kind " + r.rejectedKind() + ": " + r.reason());
            }
            case Wire.Formats f -> {
                FormatFeedback feedback = feedback(f);
                peerFeedback = feedback;
                firstFeedback.complete(feedback);
            }
            case Wire.Bye y -> peerGone("it said goodbye");
            case Wire.Hello h -> throw new RuleViolationException(Rule.IPC_7, "a second HELLO");
        }
    }

    /**
     * The descriptor of an image that arrived, validated with the FMT rules against its buffers' announced sizes
     * before anything is imported ({@link Rule#IPC_17 IPC-17}).
     *
     * @throws RuleViolationException (FMT-1 to FMT-6) for a descriptor no import could accept
     */
    private static ImageDescriptor descriptor(Wire.ImageDesc d) {
        List<ImageDescriptor.Plane> planes = new ArrayList<>(d.planes().size());
        for (Wire.PlaneDesc p : d.planes()) {
            planes.add(new ImageDescriptor.Plane(p.buffer(), p.offset(), p.pitch()));
        }
        ImageDescriptor descriptor = new ImageDescriptor(new DrmFormat(d.fourcc()), new FormatModifier(d.modifier()),
                d.width(), d.height(), planes);
        List<Long> sizes = new ArrayList<>(d.buffers().size());
        for (Wire.Desc b : d.buffers()) {
            sizes.add(b.size());
        }
        descriptor.checkBuffers(sizes);
        return descriptor;
    }

    /** Every buffer of a message names its own descriptor (IPC-7), checked before anything is imported. */
    private static void checkFdIndexes(List<Wire.Desc> descs) {
        java.util.BitSet seen = new java.util.BitSet();
        for (Wire.Desc d : descs) {
            if (seen.get(d.fdIndex())) {
                throw new RuleViolationException(Rule.IPC_7, "two buffers name descriptor " + d.fdIndex()
                        + ": each buffer of a message comes with its own descriptor");
            }
            seen.set(d.fdIndex());
        }
    }

    /** Imports the buffers of a message, in order; on failure, those imported are closed. */
    private List<DmaBuf> importBuffers(Incoming in, List<Wire.Desc> descs) {
        List<DmaBuf> bases = new ArrayList<>(descs.size());
        try {
            for (Wire.Desc d : descs) {
                bases.add(importBuffer(in.take(d.fdIndex()), d));
            }
        } catch (RuntimeException | Error e) {
            bases.forEach(DmaBuf::close);
            throw e;
        }
        return List.copyOf(bases);
    }

    /** The feedback as it crossed (its bounds were checked by the decoder). */
    private static FormatFeedback feedback(Wire.Formats f) {
        List<FormatFeedback.Tranche> tranches = new ArrayList<>();
        for (Wire.TrancheDesc t : f.tranches()) {
            FormatSet.Builder b = FormatSet.builder();
            for (int i = 0; i < t.fourccs().length; i++) {
                b.add(new DrmFormat(t.fourccs()[i]), new FormatModifier(t.modifiers()[i]));
            }
            tranches.add(new FormatFeedback.Tranche(t.device(), ImageUsage.values()[t.usage()], b.build()));
        }
        return new FormatFeedback(tranches);
    }

    /** Checks a frame's numbering: frames arrive numbered 1, 2, ... with their release point equal to the number. */
    private void checkFrame(Wire.Sync sync) {
        if (sync.frame() != expectedFrame || sync.release() != expectedFrame) {
            failFrame(expectedFrame, "frame numbered " + sync.frame() + " / release " + sync.release());
            throw new RuleViolationException(Rule.IPC_7, "frame " + sync.frame() + " with release point "
                    + sync.release() + " where frame " + (expectedFrame - 1) + " came last: frames are numbered"
                    + " consecutively and released at their number");
        }
        for (Wire.Point p : sync.acquire()) {
            if (p.timeline() != Wire.SENDER_ACQUIRE_TIMELINE) {
                failFrame(expectedFrame, "unknown timeline " + p.timeline());
                throw new RuleViolationException(Rule.IPC_7, "frame " + sync.frame() + " names acquire timeline "
                        + p.timeline() + "; version 1 knows only timeline 0");
            }
        }
    }

    /** A frame that will never be handed out: its release point is completed with an error. */
    private void failFrame(long frame, String why) {
        if (frame == expectedFrame) {
            expectedFrame++;
            releaseOrder.complete(frame, "rejected: " + why);
        }
    }

    private DmaBuf importBuffer(OwnedFd fd, Wire.Desc d) {
        DmaBuf handle = heap.importFd(fd, d.size(), d.layout(), d.name());
        MemfdHeap.Backing b = heap.backing(handle, "import");
        imports.put(handle.id(), b.exported());
        long token = d.token();
        long id = handle.id();
        b.exporter().onRelease(() -> {
            imports.remove(id);
            released(token);
        });
        return handle;
    }

    /** Hands out a frame of a buffer ({@code image} null) or of an image ({@code handle} null). */
    private void deliver(Wire.Sync sync, DmaBuf handle, Image image, int poolIndex) {
        expectedFrame++;
        Fence acquire;
        try {
            List<Fence> points = new ArrayList<>(sync.acquire().size());
            for (Wire.Point p : sync.acquire()) {
                points.add(peerAcquire.point(p.seqno()));
            }
            acquire = points.size() == 1 ? points.getFirst() : system.fences().merge(points);
            if (!acquire.isSignaled()) {
                SyncFile file = system.fences().syncFile(acquire, "acquire");
                if (image != null) {
                    for (DmaBuf b : image.buffers()) {
                        b.importSyncFile(file, Access.WRITE);
                    }
                } else {
                    handle.importSyncFile(file, Access.WRITE);
                }
            }
        } catch (RuntimeException | Error e) {
            if (image != null) {
                image.close();
            } else {
                handle.close();
            }
            releaseOrder.complete(sync.release(), "rejected: " + e.getMessage());
            throw e;
        }
        framesReceived.incrementAndGet();
        ReceivedFrame frame = image != null
                ? new ReceivedFrame(this, sync.frame(), image.buffers().getFirst(), image, acquire, poolIndex)
                : new ReceivedFrame(this, sync.frame(), handle, acquire, poolIndex);
        java.util.function.Consumer<? super ReceivedFrame> h = handler;
        if (h == null) {
            inbox.offer(frame);
            return;
        }
        try {
            h.accept(frame);
        } catch (RuntimeException e) {
            // foreign code: the frame it failed on is released, the channel goes on
            LOG.log(System.Logger.Level.WARNING, "[IPC-12] the frame handler of channel '" + name + "' threw on "
                    + frame + "; the frame is released", e);
            frame.release();
        }
    }

    /**
     * Hands every frame that arrives from now on to {@code handler}, on the channel's reader thread, instead of
     * queueing it for {@link #receive}: the event-driven way to consume, one thread hop fewer per frame. The handler
     * owns each frame (release it, now or later, from any thread); it must not block for long, since the reader
     * handles the channel's other messages too. If it throws a RuntimeException, the frame is released and the
     * channel goes on; frames queued before the call stay for {@code receive}.
     *
     * @param handler the handler; not null
     * @throws RuleViolationException ({@link Rule#IPC_12 IPC-12}) on a null handler, or if a handler is already set
     * @throws ClosedException ({@link Rule#IPC_13 IPC-13}) if the channel is closed
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the peer is gone: no frame will arrive any more
     *     (frames queued before stay for {@code receive})
     */
    public void onFrame(java.util.function.Consumer<? super ReceivedFrame> handler) {
        if (closed) {
            throw new ClosedException(Rule.IPC_13, "onFrame on closed channel '" + name + "'");
        }
        if (peerGone != null) {
            throw goneException("onFrame");
        }
        synchronized (this) {
            if (handler == null || this.handler != null) {
                throw new RuleViolationException(Rule.IPC_12, "onFrame on channel '" + name + "': "
                        + (handler == null ? "a null handler" : "a handler is already set"));
            }
            this.handler = handler;
        }
    }

    /** The last handle of a buffer imported from the peer closed: tell the peer (IPC-10). */
    private void released(long token) {
        if (closed || peerGone != null) {
            return;
        }
        try {
            sendLock.lock();
            try {
                send(new Wire.Released(token), NO_FDS);
            } finally {
                sendLock.unlock();
            }
        } catch (DmaBufException e) {
            LOG.log(System.Logger.Level.DEBUG, "RELEASED " + token + " on '" + name + "' not sent: "
                    + e.getMessage());
        }
    }

    /** A received frame was released: complete its release point, in order (IPC-12). */
    void frameReleased(long frame) {
        releaseOrder.complete(frame, null);
    }

    private void reject(int kind, String reason, boolean framing, Rule rule, Throwable cause) {
        rejected.incrementAndGet();
        String msg = "channel '" + name + "' rejected a message" + (kind != 0 ? " of kind " + kind : "") + " from pid "
                + peer.pid() + ": " + reason + "; its descriptors were closed and "
                + (framing ? "the channel is closed (framing error)" : "the channel stays usable");
        inbox.offer(new WireFormatException(rule, msg, framing, cause));
        if (framing) {
            peerGone("it sent a message that breaks the framing: " + reason);
            return;
        }
        try {
            sendLock.lock();
            try {
                send(new Wire.Reject(kind, reason), NO_FDS);
            } finally {
                sendLock.unlock();
            }
        } catch (DmaBufException e) {
            LOG.log(System.Logger.Level.DEBUG, "REJECT on '" + name + "' not sent: " + e.getMessage());
        }
    }

    // ---- the peer going away ---------------------------------------------------------------------------------------

    /**
     * The peer is gone (IPC-13): fails the points it owed, closes the handles held for it, revokes what was imported
     * from it and wakes receivers. Idempotent.
     */
    private void peerGone(String how) {
        PeerGoneException e;
        synchronized (this) {
            if (peerGone != null) {
                return;
            }
            e = new PeerGoneException(Rule.IPC_13, "the peer '" + peerName + "' (pid " + peer.pid() + ") of channel '"
                    + name + "' is gone: " + how);
            peerGone = e;
        }
        firstFeedback.completeExceptionally(e);
        dropRemoteRefs();
        PeerGoneException timelineError = new PeerGoneException(Rule.IPC_6, e.getMessage());
        if (peerAcquire != null) {
            peerAcquire.creatorGone(timelineError);
        }
        if (peerRelease != null) {
            peerRelease.creatorGone(timelineError);
        }
        if (!closed) {
            revokeImports();
        }
        inbox.offer(GONE_MARK);
        try {
            Sockets.shutdown(socket.fd());
        } catch (DmaBufException closing) {
            // the channel is closing: its close shuts the socket down
        }
        goneHandled.complete(e);
    }

    /**
     * Completes once the peer is gone and the channel has handled it: handles held for it closed, its points failed,
     * its buffers revoked ({@link Rule#IPC_13 IPC-13}).
     *
     * @return the future, completed with the error sends now fail with
     */
    public CompletableFuture<PeerGoneException> whenPeerGone() {
        return goneHandled.copy();
    }

    private void dropRemoteRefs() {
        for (Long token : List.copyOf(remoteRefs.keySet())) {
            RemoteRef r = remoteRefs.remove(token);
            if (r != null) {
                r.handle().close();
                r.closed().complete(null);
            }
        }
    }

    private void revokeImports() {
        long deadline = System.nanoTime() + REVOKE_BOUND_NANOS;
        for (ExportedBuffer b : List.copyOf(imports.values())) {
            long left = Math.max(1_000_000, deadline - System.nanoTime());
            try {
                b.revoke(Duration.ofNanos(left));
            } catch (DmaTimeoutException | DmaInterruptedException slow) {
                LOG.log(System.Logger.Level.WARNING, "[IPC-13] revoking a buffer imported from the peer of '" + name
                        + "': " + slow.getMessage());
            } catch (DmaBufException alreadyReleased) {
                // released meanwhile: nothing to revoke
            }
        }
    }

    // ---- queries ---------------------------------------------------------------------------------------------------

    /**
     * The channel's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The peer's process id, user and group, as the kernel recorded them at connect (SO_PEERCRED).
     *
     * @return the peer's pid
     */
    public long peerPid() {
        return peer.pid();
    }

    /**
     * The peer's user id (SO_PEERCRED).
     *
     * @return the uid
     */
    public int peerUid() {
        return peer.uid();
    }

    /**
     * Why the peer is gone, if it is.
     *
     * @return the error sends and waits fail with, or empty while the peer is there
     */
    public Optional<PeerGoneException> peerGone() {
        return Optional.ofNullable((PeerGoneException) peerGone);
    }

    /**
     * Handles this side holds for buffers the peer holds ({@link Rule#IPC_10 IPC-10}).
     *
     * @return the count
     */
    public int remoteHandles() {
        return remoteRefs.size();
    }

    /**
     * Buffers imported from the peer that are not yet released here.
     *
     * @return the count
     */
    public int importedBuffers() {
        return imports.size();
    }

    /**
     * Messages of the peer this side rejected so far.
     *
     * @return the count
     */
    public long rejectedMessages() {
        return rejected.get();
    }

    /**
     * The reasons the peer gave for rejecting messages of this side.
     *
     * @return an immutable snapshot, oldest first
     */
    public List<String> rejectedByPeer() {
        return List.copyOf(rejectedByPeer);
    }

    /**
     * This side's acquire timeline, for tests and reports.
     *
     * @return the timeline
     */
    SharedTimeline acquireTimeline() {
        return myAcquire;
    }

    /**
     * The socket, for tests that write raw messages.
     *
     * @return the socket
     */
    OwnedFd socket() {
        return socket;
    }

    /**
     * Whether the channel is closed.
     *
     * @return true once {@link #close()} was called
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the channel: says goodbye, stops the reader, releases frames not yet taken, closes the handles held for
     * the peer and the pools imported from it (buffers of frames already handed out stay valid until their frames are
     * released), closes the four timelines (the peer's pending points fail, {@link Rule#IPC_6 IPC-6}) and the socket.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        sendLock.lock();
        try {
            if (peerGone == null && reader != null) {
                try {
                    send(new Wire.Bye(), NO_FDS);
                } catch (DmaBufException e) {
                    // the peer is gone already
                }
            }
            sendClosed = true;
            sendArena.close();
        } finally {
            sendLock.unlock();
        }
        try {
            Sockets.shutdown(socket.fd());
        } catch (DmaBufException e) {
            // closed already
        }
        Thread t = reader;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (peerWatch != null) {
            peerWatch.close();
        }
        Object o;
        while ((o = inbox.poll()) != null) {
            if (o instanceof ReceivedFrame f) {
                f.release();
            }
        }
        inbox.offer(GONE_MARK);
        dropRemoteRefs();
        for (Integer pool : List.copyOf(importedPools.keySet())) {
            ImportedPool bases = importedPools.remove(pool);
            if (bases != null) {
                bases.close();
            }
        }
        myAcquire.close();
        myRelease.close();
        if (peerAcquire != null) {
            peerAcquire.close();
        }
        if (peerRelease != null) {
            peerRelease.close();
        }
        socket.close();
    }

    @Override
    public String toString() {
        return "channel '" + name + "' to pid " + peer.pid() + (closed ? " (closed)" : peerGone != null
                ? " (peer gone)" : "");
    }
}
