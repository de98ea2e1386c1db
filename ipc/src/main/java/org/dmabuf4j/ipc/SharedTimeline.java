package org.dmabuf4j.ipc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.ipc.linux.Errno;
import org.dmabuf4j.ipc.linux.Fds;
import org.dmabuf4j.ipc.linux.Futex;
import org.dmabuf4j.ipc.linux.Mman;

/**
 * A timeline of u64 points that several processes share ({@link Rule#IPC_5 IPC-5}): its value lives in a one-page memfd
 * that each process maps, updated with atomic accesses (VarHandles on the shared segment) and announced with a futex,
 * so a waiting process sleeps in the kernel and is woken by the signal, never by polling. Every process sees the points
 * as {@link Fence}s of its own system: they can be waited on, merged, put in reservations and sync files.
 *
 * <pre>
 *   page (4096 bytes, sealed SHRINK | GROW | SEAL)
 *   0    u32 magic 'D4JT'      4  u32 version (1)      8  u64 value (signaled up to)
 *   16   u32 futex generation  20 u32 waiters          24 u32 creator pid      28 u32 flags (1 = closed)
 *   40   u64 error records written                      48 name (32 bytes, UTF-8, NUL padded)
 *   1024 error ring: 32 x { u64 seqno; u32 0; u32 length; 48 bytes reason }
 *
 *   creator:  signal(n) / fail(n, why) ─► value := n (errors first) ─► generation++ ─► FUTEX_WAKE if waiters
 *   any side: point(n).await() ─► value &gt;= n ? done : FUTEX_WAIT(generation) ─► re-check
 * </pre>
 *
 * <p>Only the creating process signals ({@link #isCreator()}); the others wait. Points already covered by the value
 * are signaled at once, with the error recorded for them ({@link #fail}). When the creator closes the timeline, dies
 * (watched through a pidfd) or its channel hangs up, every point beyond the value fails with a
 * {@link PeerGoneException} ({@link Rule#IPC_6 IPC-6}). The other side is treated as hostile: a value that goes
 * backwards is ignored, a bad magic, version or size is refused at {@link #open}, error records are bounded.
 *
 * <p>Thread-safe. Close it when done: the page is unmapped and its descriptor closed.
 *
 * @see "sw_sync.c (a software timeline), futex(2), drm_syncobj timelines"
 */
public final class SharedTimeline implements AutoCloseable {
    /** Bytes of a timeline page. */
    static final long PAGE = 4096;
    static final int MAGIC = 0x544A3444; // "D4JT" little-endian
    static final int VERSION = 1;
    private static final long OFF_MAGIC = 0;
    private static final long OFF_VERSION = 4;
    private static final long OFF_VALUE = 8;
    private static final long OFF_GEN = 16;
    private static final long OFF_WAITERS = 20;
    private static final long OFF_PID = 24;
    private static final long OFF_FLAGS = 28;
    private static final long OFF_ERRORS = 40;
    private static final long OFF_NAME = 48;
    private static final long NAME_BYTES = 32;
    private static final long OFF_RING = 1024;
    static final int RING = 32;
    private static final long RECORD = 64;
    private static final int REASON_BYTES = 48;
    private static final int FLAG_CLOSED = 1;
    private static final long SLICE_NANOS = 50_000_000;
    private static final int ERRORS_KEPT = 1024;

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final String name;
    private final boolean creator;
    private final OwnedFd fd;
    private final Arena arena;
    private final MemorySegment page;
    private final long genAddress;
    private final FenceContext context;
    /** How long {@link #awaitValue} spins before it sleeps on the futex ({@link AdaptiveSpin}). */
    private final AdaptiveSpin spin = new AdaptiveSpin();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pendingAdded = lock.newCondition();
    /** Guarded by lock. */
    private final NavigableMap<Long, SharedPoint> pending = new TreeMap<>(Long::compareUnsigned);
    /** Errors known for recent points; guarded by lock. */
    private final NavigableMap<Long, String> errors = new TreeMap<>(Long::compareUnsigned);
    /** The value processed locally (never goes back); guarded by lock, read racily. */
    private volatile long seen;
    /** Error records processed; guarded by lock. */
    private long errorsSeen;
    /** Why pending points fail from now on, or null; guarded by lock. */
    private volatile RuntimeException gone;
    private volatile boolean closed;
    /** Uses of the page by this process that close must wait for; guarded by lock. */
    private int uses;
    private final Condition idle = lock.newCondition();
    private volatile Thread watcher;
    private PeerWatch.Watch peerWatch;

    private SharedTimeline(String name, boolean creator, OwnedFd fd, Arena arena, MemorySegment page,
            DmaBufSystem system) {
        this.name = name;
        this.creator = creator;
        this.fd = fd;
        this.arena = arena;
        this.page = page;
        this.genAddress = page.address() + OFF_GEN;
        this.context = system.fences().newContext("dmabuf4j-ipc", name);
    }

    /**
     * Creates a timeline at value 0, signaled by this process.
     *
     * @param system the system whose fences the points are; not null
     * @param name a name for messages, at most 31 bytes of UTF-8; not blank
     * @return the timeline
     * @throws RuleViolationException ({@link Rule#IPC_5 IPC-5}) on a null system or a bad name
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the memfd cannot be made or mapped; nothing is left
     */
    public static SharedTimeline create(DmaBufSystem system, String name) {
        checkArgs(system, name);
        OwnedFd fd = OwnedFd.adopt(Fds.memfdCreate("dmabuf4j-timeline:" + name, "creating timeline '" + name + "'"),
                FdKind.TIMELINE, "page of timeline '" + name + "'");
        Arena arena = Arena.ofShared();
        try {
            int n = fd.use("create");
            MemorySegment page;
            try {
                Fds.ftruncate(n, PAGE, "sizing timeline '" + name + "'");
                Fds.addSeals(n, MemfdHeap.SEALS, "sealing timeline '" + name + "'");
                page = Mman.mapShared(n, PAGE, true, arena, "mapping timeline '" + name + "'");
            } finally {
                fd.done();
            }
            page.set(JAVA_INT, OFF_VERSION, VERSION);
            page.set(JAVA_INT, OFF_PID, (int) ProcessHandle.current().pid());
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(b, 0, page, JAVA_BYTE, OFF_NAME, b.length);
            INT.setRelease(page, OFF_MAGIC, MAGIC);
            return new SharedTimeline(name, true, fd, arena, page, system);
        } catch (RuntimeException | Error e) {
            arena.close();
            fd.close();
            throw e;
        }
    }

    /**
     * Opens a timeline another process created, from its descriptor: checks the page (size, seals, magic, version),
     * maps it, and watches the creator for its death (pidfd, where the kernel has it). Takes ownership of
     * {@code fd}: on failure it is closed.
     *
     * @param system the system whose fences the points are; not null
     * @param fd the page's descriptor; not null
     * @param name a local name for messages; not blank
     * @return the timeline, which this process waits on but does not signal
     * @throws ImportRejectedException ({@link Rule#IPC_4 IPC-4}) if the descriptor is not a sealed one-page memfd
     *     holding a timeline of version 1
     * @throws RuleViolationException ({@link Rule#IPC_5 IPC-5}) on a null argument or a bad name
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if fstat or mmap fails
     */
    public static SharedTimeline open(DmaBufSystem system, OwnedFd fd, String name) {
        if (fd == null) {
            throw new RuleViolationException(Rule.IPC_5, "SharedTimeline.open with a null descriptor");
        }
        Arena arena = Arena.ofShared();
        try {
            checkArgs(system, name);
            int n = fd.use("open");
            MemorySegment page;
            try {
                Fds.Stat st = Fds.fstat(n, "checking timeline '" + name + "'");
                int seals = Fds.seals(n);
                if (!st.isRegular() || st.size() != PAGE || seals < 0
                        || (seals & MemfdHeap.REQUIRED_SEALS) != MemfdHeap.REQUIRED_SEALS) {
                    throw new ImportRejectedException("descriptor " + fd + " offered as timeline '" + name + "' is not"
                            + " a sealed " + PAGE + "-byte memfd (mode 0" + Integer.toOctalString(st.mode()) + ", size "
                            + st.size() + ", seals " + (seals < 0 ? Errno.name(-seals) : "0x" + Integer.toHexString(seals))
                            + ")");
                }
                page = Mman.mapShared(n, PAGE, true, arena, "mapping timeline '" + name + "'");
            } finally {
                fd.done();
            }
            int magic = (int) INT.getAcquire(page, OFF_MAGIC);
            int version = page.get(JAVA_INT, OFF_VERSION);
            if (magic != MAGIC || version != VERSION) {
                throw new ImportRejectedException("descriptor " + fd + " offered as timeline '" + name + "' has magic 0x"
                        + Integer.toHexString(magic) + " version " + version + "; expected 0x"
                        + Integer.toHexString(MAGIC) + " version " + VERSION);
            }
            SharedTimeline t = new SharedTimeline(name, false, fd, arena, page, system);
            t.seen = t.pageValue();
            long pid = Integer.toUnsignedLong(page.get(JAVA_INT, OFF_PID));
            t.watchCreator(pid);
            return t;
        } catch (RuntimeException | Error e) {
            arena.close();
            fd.close();
            throw e;
        }
    }

    private static void checkArgs(DmaBufSystem system, String name) {
        if (system == null || name == null || name.isBlank()
                || name.getBytes(StandardCharsets.UTF_8).length > 31 || name.indexOf('\0') >= 0) {
            throw new RuleViolationException(Rule.IPC_5, "a shared timeline needs a system and a non-blank name of at"
                    + " most 31 bytes without NUL; got " + (system == null ? "no system" : "name '" + name + "'"));
        }
    }

    private void watchCreator(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return;
        }
        peerWatch = PeerWatch.watch(pid, () -> creatorGone(new PeerGoneException(Rule.IPC_6, "the process " + pid
                + " that signals timeline '" + name + "' exited")));
    }

    /**
     * The timeline's name.
     *
     * @return the name given here
     */
    public String name() {
        return name;
    }

    /**
     * Whether this process created the timeline and so signals it.
     *
     * @return true for {@link #create}, false for {@link #open}
     */
    public boolean isCreator() {
        return creator;
    }

    /**
     * The fence context of this process's points on the timeline.
     *
     * @return the context id, unique in this JVM
     */
    public long context() {
        return context.id();
    }

    /**
     * The value: every point at or below it has signaled.
     *
     * @return the value as this process last saw it, or newer
     * @throws ClosedException ({@link Rule#IPC_5 IPC-5}) if closed
     */
    public long value() {
        acquireUse("value()");
        try {
            return Math.max(seen, pageValue());
        } finally {
            releaseUse();
        }
    }

    private long pageValue() {
        return (long) LONG.getAcquire(page, OFF_VALUE);
    }

    /**
     * A close-on-exec duplicate of the page's descriptor, to send to another process.
     *
     * @return the duplicate's owner; close it once sent
     * @throws ClosedException ({@link Rule#IPC_5 IPC-5}) if closed
     */
    public OwnedFd exportFd() {
        acquireUse("exportFd()");
        try {
            return fd.dup("page of timeline '" + name + "' exported");
        } finally {
            releaseUse();
        }
    }

    /**
     * Signals every point up to {@code seqno} ({@link Rule#IPC_5 IPC-5}).
     *
     * @param seqno the new value; later than the current one
     * @throws RuleViolationException ({@link Rule#IPC_5 IPC-5}) if this process did not create the timeline, or
     *     {@code seqno} is not later than the value; nothing changes
     * @throws ClosedException ({@link Rule#IPC_5 IPC-5}) if closed
     */
    public void signal(long seqno) {
        advance(seqno, Map.of());
    }

    /**
     * Signals every point up to {@code seqno}, {@code seqno} itself with an error ({@link Rule#IPC_5 IPC-5}): waiters
     * of that point, in every process, see a {@link RemoteFenceError} carrying {@code reason}.
     *
     * @param seqno the new value; later than the current one
     * @param reason why the work failed; not null; at most 48 bytes of it cross
     * @throws RuleViolationException ({@link Rule#IPC_5 IPC-5}) as {@link #signal}, or on a null reason
     * @throws ClosedException ({@link Rule#IPC_5 IPC-5}) if closed
     */
    public void fail(long seqno, String reason) {
        if (reason == null) {
            throw new RuleViolationException(Rule.IPC_5, "fail(" + Long.toUnsignedString(seqno) + ", null) on " + this
                    + ": say why the work failed");
        }
        advance(seqno, Map.of(seqno, reason));
    }

    /**
     * Advances to {@code to}, recording an error for each point of {@code failed} first.
     *
     * @param to the new value
     * @param failed errors of points in (value, to]
     */
    void advance(long to, Map<Long, String> failed) {
        acquireUse("signal", to);
        try {
            if (!creator) {
                throw new RuleViolationException(Rule.IPC_5, "signal of timeline '" + name + "' by process "
                        + ProcessHandle.current().pid() + ", which did not create it: only the creator signals; send"
                        + " the points you complete to it instead");
            }
            lock.lock();
            try {
                long current = pageValue();
                if (Long.compareUnsigned(to, current) <= 0) {
                    throw new RuleViolationException(Rule.IPC_5, "signal(" + Long.toUnsignedString(to) + ") of "
                            + this + " does not move it forward from " + Long.toUnsignedString(current)
                            + ": a timeline's value only increases");
                }
                long count = (long) LONG.getAcquire(page, OFF_ERRORS);
                if (!failed.isEmpty()) {
                    for (Map.Entry<Long, String> e : new TreeMap<>(failed).entrySet()) {
                        writeRecord(count++, e.getKey(), e.getValue());
                    }
                    LONG.setRelease(page, OFF_ERRORS, count);
                }
                LONG.setVolatile(page, OFF_VALUE, to);
                INT.getAndAdd(page, OFF_GEN, 1);
                if ((int) INT.getVolatile(page, OFF_WAITERS) != 0) {
                    Futex.wake(genAddress, Integer.MAX_VALUE);
                }
                resolveLocked();
            } finally {
                lock.unlock();
            }
        } finally {
            releaseUse();
        }
    }

    private void writeRecord(long index, long seqno, String reason) {
        long off = OFF_RING + (index % RING) * RECORD;
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(b.length, REASON_BYTES);
        page.set(JAVA_LONG, off, seqno);
        page.set(JAVA_INT, off + 8, 0);
        page.set(JAVA_INT, off + 12, len);
        MemorySegment.copy(b, 0, page, JAVA_BYTE, off + 16, len);
    }

    /**
     * A fence for point {@code seqno} in this process: signaled already (with its recorded error) if the value
     * covers it; a pending point with the same seqno is reused.
     *
     * @param seqno the point
     * @return the fence
     * @throws ClosedException ({@link Rule#IPC_5 IPC-5}) if closed
     */
    public Fence point(long seqno) {
        acquireUse("point", seqno);
        try {
            lock.lock();
            try {
                resolveLocked();
                SharedPoint p = pending.get(seqno);
                if (p != null) {
                    return p;
                }
                p = new SharedPoint(this, context.next(), seqno);
                if (Long.compareUnsigned(seqno, seen) <= 0) {
                    complete(p, errors.get(seqno));
                    return p;
                }
                RuntimeException why = gone;
                if (why != null) {
                    p.inner().fail(why);
                    return p;
                }
                pending.put(seqno, p);
                if (watcher != null) {
                    pendingAdded.signalAll();
                }
                return p;
            } finally {
                lock.unlock();
            }
        } finally {
            releaseUse();
        }
    }

    private void complete(SharedPoint p, String error) {
        if (error == null) {
            p.inner().signal();
        } else {
            p.inner().fail(new RemoteFenceError(name, p.seqno(), error));
        }
    }

    /**
     * Brings this process's points up to the page: reads new error records, then signals every pending point the
     * value covers. Called with the lock held.
     */
    private void resolveLocked() {
        long v = pageValue();
        long count = (long) LONG.getAcquire(page, OFF_ERRORS);
        if (count != errorsSeen) {
            long from = Math.max(errorsSeen, count - RING);
            if (count - errorsSeen > RING) {
                // records were overwritten before this process read them: their points' results are unknown
                for (Long s : pending.keySet()) {
                    if (Long.compareUnsigned(s, v) <= 0) {
                        errors.putIfAbsent(s, "error history overflowed before this process read it");
                    }
                }
            }
            for (long i = from; i < count; i++) {
                long off = OFF_RING + (i % RING) * RECORD;
                long seqno = page.get(JAVA_LONG, off);
                int len = Math.clamp(page.get(JAVA_INT, off + 12), 0, REASON_BYTES);
                byte[] b = new byte[len];
                MemorySegment.copy(page, JAVA_BYTE, off + 16, b, 0, len);
                errors.put(seqno, new String(b, StandardCharsets.UTF_8));
            }
            errorsSeen = count;
            while (errors.size() > ERRORS_KEPT) {
                errors.pollFirstEntry();
            }
        }
        if (Long.compareUnsigned(v, seen) > 0) {
            seen = v;
        }
        Iterator<Map.Entry<Long, SharedPoint>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, SharedPoint> e = it.next();
            if (Long.compareUnsigned(e.getKey(), seen) > 0) {
                break;
            }
            it.remove();
            complete(e.getValue(), errors.get(e.getKey()));
        }
        if (!creator && ((int) INT.getAcquire(page, OFF_FLAGS) & FLAG_CLOSED) != 0 && gone == null) {
            failPendingLocked(new PeerGoneException(Rule.IPC_6, "timeline '" + name + "' was closed by the process"
                    + " that signals it at value " + Long.toUnsignedString(seen)));
        }
    }

    private void failPendingLocked(RuntimeException why) {
        gone = why;
        List<SharedPoint> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (SharedPoint p : failed) {
            p.inner().fail(why);
        }
    }

    /**
     * The creator is gone (its process exited, or its channel hung up): every point beyond the value fails (IPC-6).
     *
     * @param why the error the points fail with
     */
    void creatorGone(RuntimeException why) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            resolveLocked();
            if (gone == null) {
                failPendingLocked(why);
            }
            wakeLocal();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes this process's futex waiters so that they re-check (closing, creator gone). */
    private void wakeLocal() {
        INT.getAndAdd(page, OFF_GEN, 1);
        Futex.wake(genAddress, Integer.MAX_VALUE);
    }

    /**
     * Whether the creator is gone or closed the timeline.
     *
     * @return the error pending points fail with, or null
     */
    RuntimeException goneReason() {
        return gone;
    }

    /**
     * Waits in the calling thread until the value reaches {@code seqno}: spins briefly, then sleeps on the futex
     * (in slices, to notice interrupts). The fast path of {@link Fence#await} on a point of this timeline.
     *
     * @param seqno the point
     * @param timeoutNanos how long; 0 polls
     * @return true if reached, false on timeout or if the creator is gone first
     * @throws DmaInterruptedException (IPC-5) if interrupted
     * @throws ClosedException (IPC-5) if closed, or closed while waiting
     */
    boolean awaitValue(long seqno, long timeoutNanos) {
        acquireUse("await", seqno);
        try {
            long start = System.nanoTime();
            long deadline = start + timeoutNanos;
            // spin (if at all) before sleeping: see AdaptiveSpin
            long spinUntil = start + Math.min(spin.budget(), timeoutNanos);
            boolean spun = false;
            boolean slept = false;
            while (true) {
                if (Long.compareUnsigned(pageValue(), seqno) >= 0) {
                    if (spun && !slept) {
                        spin.answered();
                    }
                    return true;
                }
                if (closed) {
                    throw closedException("await(" + Long.toUnsignedString(seqno) + ")");
                }
                if (gone != null || (!creator && ((int) INT.getAcquire(page, OFF_FLAGS) & FLAG_CLOSED) != 0)) {
                    return false;
                }
                if (Thread.interrupted()) {
                    throw new DmaInterruptedException(Rule.IPC_5, "waiting for point " + Long.toUnsignedString(seqno)
                            + " of " + this, new InterruptedException());
                }
                long now = System.nanoTime();
                long left = deadline - now;
                if (left <= 0) {
                    return false;
                }
                if (now - spinUntil < 0) {
                    spun = true;
                    AdaptiveSpin.pause(now - start);
                    continue;
                }
                if (!slept) {
                    slept = true;
                    spin.slept();
                }
                INT.getAndAdd(page, OFF_WAITERS, 1);
                try {
                    int g = (int) INT.getVolatile(page, OFF_GEN);
                    if (Long.compareUnsigned(pageValue(), seqno) < 0 && !closed && gone == null) {
                        Futex.await(genAddress, g, Math.min(left, SLICE_NANOS));
                    }
                } finally {
                    INT.getAndAdd(page, OFF_WAITERS, -1);
                }
            }
        } finally {
            releaseUse();
        }
    }

    /**
     * Brings this process's points up to date now (a waiter that was woken helps the watcher).
     */
    void resolve() {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                resolveLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes sure a watcher signals this process's points when another process advances the value: called when a
     * point gets its first callback (a future, a reservation wait, a sync object). Direct waits ({@link Fence#await})
     * sleep on the futex themselves and need no watcher, so a hand-off that only awaits costs one wake-up, not two.
     */
    void needWatcher() {
        if (creator || closed || watcher != null) {
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                startWatcher();
                pendingAdded.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void startWatcher() {
        if (watcher == null) {
            watcher = new Thread(this::watch, "dmabuf4j-ipc-timeline-" + name);
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    /**
     * The watcher of a timeline this process does not signal: sleeps on the futex while points are pending and
     * signals them when the value reaches them, so callbacks, futures and reservations see remote signals.
     */
    private void watch() {
        while (true) {
            lock.lock();
            try {
                while (pending.isEmpty() && !closed) {
                    pendingAdded.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                uses++;
            } finally {
                lock.unlock();
            }
            try {
                INT.getAndAdd(page, OFF_WAITERS, 1);
                try {
                    int g = (int) INT.getVolatile(page, OFF_GEN);
                    resolve();
                    boolean waitMore;
                    lock.lock();
                    try {
                        waitMore = !pending.isEmpty() && !closed;
                    } finally {
                        lock.unlock();
                    }
                    if (waitMore) {
                        Futex.await(genAddress, g, 1_000_000_000L);
                    }
                } finally {
                    INT.getAndAdd(page, OFF_WAITERS, -1);
                }
            } finally {
                releaseUse();
            }
        }
    }

    private void acquireUse(String op) {
        acquireUse(op, -1);
    }

    /**
     * Counts a use of the page by this process, which close waits for.
     *
     * @param op the operation, for the message
     * @param seqno its point, for the message; -1 for none (the message is built only if the timeline is closed)
     */
    private void acquireUse(String op, long seqno) {
        lock.lock();
        try {
            if (closed) {
                throw closedException(seqno == -1 ? op : op + "(" + Long.toUnsignedString(seqno) + ")");
            }
            uses++;
        } finally {
            lock.unlock();
        }
    }

    private void releaseUse() {
        lock.lock();
        try {
            if (--uses == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private ClosedException closedException(String op) {
        return new ClosedException(Rule.IPC_5, op + " on closed " + this + ": keep the timeline open while its points"
                + " are used");
    }

    /**
     * Whether this timeline is closed.
     *
     * @return true once {@link #close()} was called
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the timeline in this process: pending points of this process fail (a {@link PeerGoneException} for the
     * creator's waiters in other processes, who see the closed flag; a {@link ClosedException} here); the page is
     * unmapped once no call of this process uses it, and its descriptor closed. Idempotent.
     */
    @Override
    public void close() {
        PeerWatch.Watch w;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (creator) {
                INT.getAndBitwiseOr(page, OFF_FLAGS, FLAG_CLOSED);
            }
            resolveLocked();
            if (gone == null) {
                failPendingLocked(new ClosedException(Rule.IPC_5, "timeline '" + name + "' was closed in this process"
                        + " at value " + Long.toUnsignedString(seen) + " with this point pending"));
            }
            closed = true;
            pendingAdded.signalAll();
            wakeLocal();
            long bound = System.nanoTime() + 5_000_000_000L;
            while (uses > 0) {
                long left = bound - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    idle.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            w = peerWatch;
            peerWatch = null;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.close();
        }
        Thread t = watcher;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        arena.close();
        fd.close();
    }

    @Override
    public String toString() {
        return "shared timeline '" + name + "' (" + (creator ? "created here" : "signaled by another process")
                + ", value " + Long.toUnsignedString(seen) + (closed ? ", closed" : "") + ")";
    }

    /**
     * The inner fence of a point, for its issuer (this timeline).
     *
     * @param p the point
     * @return its signaling side
     */
    static SignalingFence inner(SharedPoint p) {
        return p.inner();
    }

    /**
     * For tests: waits (bounded) until no thread of this process is inside a call on the page.
     *
     * @param timeout the bound
     * @return true if idle
     */
    boolean awaitIdle(Duration timeout) {
        lock.lock();
        try {
            long left = Timeouts.nanos(timeout);
            while (uses > 0 && left > 0) {
                left = idle.awaitNanos(left);
            }
            return uses == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
