package org.dmabuf4j.core.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceEntry;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.ReservationSet;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.DeviceEngine;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;
import org.dmabuf4j.core.sync.FenceIssuer;
import org.dmabuf4j.core.sync.LockAll;
import org.dmabuf4j.core.sync.SignalingPath;
import org.dmabuf4j.core.sync.SubmitListener;
import org.dmabuf4j.core.sync.SyncObjectImpl;

/**
 * One engine of a simulated device: one thread that runs jobs from one or more submission queues (drm_sched entities),
 * each queue a FIFO with a fence context whose seqnos follow its order (DEV-10).
 *
 * <pre>
 *   queue "main" (the engine's own context)  [j1][j2][j3] ->
 *   queue "client" (newQueue)                 [c1][c2]     ->   pick -> run on the engine thread -> signal
 *                                                                 ^ the queue with the earliest deadline hint on
 *                                                                   any queued job (SYNCOBJ-8), else the oldest head
 * </pre>
 *
 * <p>Fence creation and enqueueing happen together under the engine's lock, taken last (inside the reservation
 * locks): so a queue's fences are queued, and therefore signaled, in seqno order, as merges and chains assume; a
 * deadline only reorders whole queues, never the jobs of one. The engine's thread takes no lock but that one, and
 * never a reservation lock (FENCE-4). Closing (DEV-7) lets the thread fail every queued job and end.
 */
public final class EngineImpl implements DeviceEngine {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j");
    /** The thread-name prefix of every engine thread, for leak checks. */
    public static final String THREAD_PREFIX = "dmabuf4j-engine ";
    /** Busy-wait rounds before a dependency wait parks: the fences' own spin-then-park policy. */
    private static final int SPINS = Integer.getInteger("dmabuf4j.fence.spins", 100);
    /** How long closing a device waits for each engine thread to end before it gives up (and logs). */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A queued job: what to do (a plan, or kernel work), what to wait for, the fence to complete, its queue and its
     * place in the engine's submission order.
     */
    private record Queued(Plan plan, Fence fence, List<Fence> dependencies, Runnable kernel,
            List<SyncPoint> waitPoints, Entity entity, long order) {
    }

    /** A submission queue (drm_sched entity): a FIFO with its own fence context. Its deque is guarded by lock. */
    static final class Entity {
        final String name;
        final FenceIssuer issuer;
        final ArrayDeque<Queued> queue = new ArrayDeque<>();
        final AtomicInteger pending = new AtomicInteger();

        Entity(String deviceName, String name) {
            this.name = name;
            this.issuer = FenceIssuer.allocate(deviceName, name);
        }
    }

    private final SimulatedDeviceImpl device;
    private final String name;
    /**
     * The engine's own queue; its issuer gives the job fences: callers get fences they can wait for but not signal
     * (only {@link #complete} does).
     */
    private final Entity main;
    /** Every queue, main first; guarded by lock. */
    private final List<Entity> entities = new ArrayList<>();
    private final JobRunner runner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** The engine's submission counter, for FIFO order across queues; guarded by lock. */
    private long submissions;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closing;
    /** Created on the first submission, started when the first job is queued; guarded by {@link #lock}. */
    private volatile Thread thread;
    /** The job the thread is working on, for {@link #earliestDeadline()}; written under {@link #lock}. */
    private Queued running;

    /**
     * Creates an engine; no thread yet.
     *
     * @param device its device
     * @param index its number on the device, from 0
     */
    public EngineImpl(SimulatedDeviceImpl device, int index) {
        this.device = device;
        this.name = "engine" + index;
        this.main = new Entity(device.name(), name);
        this.entities.add(main);
        this.runner = new JobRunner(device);
    }

    /**
     * Creates the engines of a device.
     *
     * @param device the device
     * @param count how many; at least 1
     * @return the engines
     */
    public static List<EngineImpl> create(SimulatedDeviceImpl device, int count) {
        List<EngineImpl> engines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            engines.add(new EngineImpl(device, i));
        }
        return List.copyOf(engines);
    }

    /**
     * Ends engines (DEV-7): each fails its pending jobs, in order, and its thread ends; waits for the threads, unless
     * called from one of them (a fence callback), which then ends after the callback.
     *
     * @param engines the engines of a closing device
     */
    public static void closeAll(List<EngineImpl> engines) {
        for (EngineImpl e : engines) {
            e.shutdown();
        }
        for (EngineImpl e : engines) {
            e.awaitTermination();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SimulatedDevice device() {
        return device;
    }

    SimulatedDeviceImpl deviceImpl() {
        return device;
    }

    @Override
    public long context() {
        return main.issuer.id();
    }

    @Override
    public DeviceEngine newQueue(String queueName) {
        if (queueName == null || queueName.isBlank()) {
            throw new RuleViolationException(Rule.DEV_10, "newQueue(" + (queueName == null ? "null" : "'" + queueName
                    + "'") + ") on " + this + ": a queue needs a non-blank name (it names its fences' timeline)");
        }
        lock.lock();
        try {
            requireOpen();
            Entity e = new Entity(device.name(), name + "/" + queueName);
            entities.add(e);
            return new EngineQueue(this, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int pendingJobs() {
        return pending.get();
    }

    /**
     * The engine's thread, for checks: null before the first submission.
     *
     * @return the thread, perhaps not started or already ended
     */
    public Thread thread() {
        return thread;
    }

    // ---- submission (any thread) --------------------------------------------------------------------------------

    @Override
    public Fence submit(Job job) {
        return submit(job, List.of(), List.of());
    }

    @Override
    public Fence submit(Job job, List<SyncPoint> waits, List<SyncPoint> signals) {
        return submitTo(main, job, waits, signals);
    }

    /**
     * Queues a job on one of this engine's queues; see {@link DeviceEngine#submit(Job, List, List)}.
     *
     * @param entity the queue
     * @param job the job
     * @param waits wait points
     * @param signals signal points
     * @return the job's fence, of the queue's context
     */
    Fence submitTo(Entity entity, Job job, List<SyncPoint> waits, List<SyncPoint> signals) {
        checkSyncPoints(waits, "wait");
        checkSyncPoints(signals, "signal");
        if (job == null) {
            throw new RuleViolationException(Rule.DEV_8, "submit(null) to " + this + ": pass a Job (Job.copy, "
                    + "Job.fill, Job.read or Job.write)");
        }
        requireOpen();
        Plan plan = Plan.of(job, this, threadObject());
        List<Reservation> reservations = new ArrayList<>(plan.touches.size());
        for (Plan.Touch t : plan.touches) {
            reservations.add(t.reservation());
        }
        ReservationSet held = LockAll.lockAll(reservations);
        try {
            List<Fence> explicit = new ArrayList<>(job.after());
            List<SyncPoint> unresolved = new ArrayList<>();
            for (SyncPoint p : waits) {
                Optional<Fence> f = p.object().fenceAt(p.point());
                if (f.isPresent()) {
                    explicit.add(f.get());
                } else {
                    unresolved.add(p); // wait-before-signal: resolved on the engine's thread (SYNCOBJ-11)
                }
            }
            List<Fence> dependencies = dependencies(plan, explicit);
            for (Plan.Touch t : plan.touches) {
                t.reservation().reserveFences(1);
            }
            List<SyncPoint> later = List.copyOf(unresolved);
            if (signals.isEmpty()) {
                return enqueue(entity, plan, dependencies, null, later);
            }
            return SyncObjectImpl.attachAll(signals, () -> enqueue(entity, plan, dependencies, null, later));
        } finally {
            held.close();
        }
    }

    private void checkSyncPoints(List<SyncPoint> points, String role) {
        if (points == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_11, "submit to " + this + " with a null " + role
                    + " list: pass List.of() for none");
        }
        for (int i = 0; i < points.size(); i++) {
            SyncPoint p = points.get(i);
            if (p == null) {
                throw new RuleViolationException(Rule.SYNCOBJ_11, role + " point " + i + " of a submit to " + this
                        + " is null");
            }
            SyncObjectImpl.of(p.object(), Rule.SYNCOBJ_11).checkOpen("a " + role + " point of a submit to " + this);
        }
    }

    @Override
    public OptionalLong earliestDeadline() {
        return earliestDeadline(null);
    }

    /**
     * The soonest deadline on a pending job of one queue, or of every queue.
     *
     * @param only the queue, or null for all
     * @return the deadline, or empty
     */
    OptionalLong earliestDeadline(Entity only) {
        lock.lock();
        try {
            OptionalLong soonest = running != null && (only == null || running.entity == only) ? deadlineOf(running)
                    : OptionalLong.empty();
            for (Entity e : entities) {
                if (only == null || e == only) {
                    soonest = sooner(soonest, queuedDeadline(e));
                }
            }
            return soonest;
        } finally {
            lock.unlock();
        }
    }

    /** The soonest deadline on a job queued (not running) in a queue; lock held. */
    private static OptionalLong queuedDeadline(Entity e) {
        OptionalLong soonest = OptionalLong.empty();
        for (Queued q : e.queue) {
            soonest = sooner(soonest, deadlineOf(q));
        }
        return soonest;
    }

    private static OptionalLong sooner(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.getAsLong() - a.getAsLong() < 0 ? b : a;
    }

    private static OptionalLong deadlineOf(Queued q) {
        return q == null || q.fence.isSignaled() ? OptionalLong.empty() : q.fence.deadline();
    }

    /**
     * The pending jobs of one queue.
     *
     * @param e the queue
     * @return the count
     */
    int pendingJobs(Entity e) {
        return e.pending.get();
    }

    /**
     * The dependencies, each once (lock held): the explicit ones that are pending or failed, then the implicit ones
     * still pending. An implicit fence that already signaled is history, even with an error (otherwise one fault
     * would fail every later job on the buffer); one that fails after this point fails the job (DEV-8).
     */
    private static List<Fence> dependencies(Plan plan, List<Fence> explicit) {
        List<Fence> out = new ArrayList<>(explicit.size() + 2);
        for (Fence f : explicit) {
            if ((!f.isSignaled() || f.error().isPresent()) && !containsSame(out, f)) {
                out.add(f);
            }
        }
        for (Plan.Touch t : plan.touches) {
            // a writer waits for readers, writers and kernel work; a reader for writers and kernel work
            for (FenceEntry e : t.reservation().entries(FenceUsage.forAccess(t.write()))) {
                Fence f = e.fence();
                if (!f.isSignaled() && !containsSame(out, f)) {
                    out.add(f);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Identity search: a job has a handful of dependencies, so a scan beats an identity set per submission. */
    private static boolean containsSame(List<Fence> fences, Fence f) {
        for (int i = 0, n = fences.size(); i < n; i++) {
            if (fences.get(i) == f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Queues kernel work of the device's own driver, such as the copy of a move of a buffer in the device's memory
     * (MOVE-8). Unlike {@link #submit}, it locks no reservation: the caller holds the lock of the buffer it moves and
     * adds the returned fence with KERNEL usage itself. The work runs in order with the engine's jobs, after
     * {@code after} signaled, whatever their status: the bytes are moved as they are.
     *
     * @param after the fences to wait for
     * @param work the work, run on the engine's thread on its fence's signaling path (FENCE-4)
     * @return the work's fence; it fails if the device closes first, and then the work does not run
     * @throws ClosedException (DEV-7) if the device is closed; nothing is queued
     */
    public Fence submitKernel(List<Fence> after, Runnable work) {
        requireOpen();
        threadObject();
        return enqueue(main, null, List.copyOf(after), work, List.of());
    }

    private Fence enqueue(Entity entity, Plan plan, List<Fence> dependencies, Runnable kernel,
            List<SyncPoint> waitPoints) {
        lock.lock();
        try {
            requireOpen();
            Thread t = thread;
            if (t.getState() == Thread.State.NEW) {
                t.start(); // first, so that a thread that cannot start leaves nothing behind; it waits for the lock
            }
            Fence fence = entity.issuer.next();
            for (Plan.Touch touch : plan == null ? List.<Plan.Touch>of() : plan.touches) {
                touch.reservation().addFence(fence, touch.write() ? FenceUsage.WRITE : FenceUsage.READ);
            }
            entity.queue.addLast(new Queued(plan, fence, dependencies, kernel, waitPoints, entity, submissions++));
            entity.pending.incrementAndGet();
            pending.incrementAndGet();
            work.signal();
            return fence;
        } finally {
            lock.unlock();
        }
    }

    private Thread threadObject() {
        Thread t = thread;
        if (t != null) {
            return t;
        }
        lock.lock();
        try {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name(THREAD_PREFIX + device.name() + "/" + name)
                        .unstarted(this::loop);
            }
            return thread;
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closing || !device.isOpen()) {
            throw new ClosedException(Rule.DEV_7, "submit to " + this + ": the device is closed (unplugged) and its"
                    + " engines have ended; nothing was queued. Submit to an engine of an open device");
        }
    }

    // ---- closing (any thread) -----------------------------------------------------------------------------------

    /** Starts ending the engine: no more submissions; the thread fails what is queued, then ends. Idempotent. */
    void shutdown() {
        Thread t;
        lock.lock();
        try {
            closing = true;
            work.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            LockSupport.unpark(t); // a dependency wait parks without the lock
        }
    }

    /** Waits for the thread to end; not from the thread itself. */
    void awaitTermination() {
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        while (t.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.log(System.Logger.Level.WARNING, this + " did not end within " + JOIN_TIMEOUT + " of its device"
                        + " closing: a fence callback on its thread may be blocked (FENCE-2 callbacks must not block)");
                break;
            }
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the engine's thread ------------------------------------------------------------------------------------

    private void loop() {
        while (true) {
            Queued q = take();
            if (q == null) {
                return;
            }
            SignalingPath.enter();
            try {
                complete(q);
            } catch (RuntimeException | Error e) {
                // only a fence callback can throw here (a VirtualMachineError): keep serving the other jobs
                LOG.log(System.Logger.Level.ERROR, "a callback of " + q.fence + " threw on " + this, e);
            } finally {
                SignalingPath.exit();
            }
        }
    }

    /** The next job, parked while idle; null once closing and drained. */
    private Queued take() {
        lock.lock();
        try {
            Entity next;
            while ((next = pick()) == null) {
                if (closing) {
                    return null;
                }
                work.awaitUninterruptibly();
            }
            running = next.queue.pollFirst();
            return running;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The queue to serve next (DEV-10), lock held: the one whose queued jobs carry the soonest deadline hint, else the
     * one with the oldest head; null if every queue is empty. One queue (the common case) costs one peek.
     */
    private Entity pick() {
        if (entities.size() == 1) {
            return main.queue.isEmpty() ? null : main;
        }
        Entity best = null;
        OptionalLong bestDeadline = OptionalLong.empty();
        for (Entity e : entities) {
            Queued head = e.queue.peekFirst();
            if (head == null) {
                continue;
            }
            OptionalLong d = queuedDeadline(e);
            if (best == null) {
                best = e;
                bestDeadline = d;
                continue;
            }
            boolean earlier;
            if (d.isPresent() != bestDeadline.isPresent()) {
                earlier = d.isPresent();
            } else if (d.isPresent() && d.getAsLong() != bestDeadline.getAsLong()) {
                earlier = d.getAsLong() - bestDeadline.getAsLong() < 0;
            } else {
                earlier = head.order < best.queue.peekFirst().order;
            }
            if (earlier) {
                best = e;
                bestDeadline = d;
            }
        }
        return best;
    }

    private void complete(Queued q) {
        // closing first: once the device is gone, that is why every queued job fails, whatever its dependencies
        Throwable error = closing ? closed(q) : awaitDependencies(q);
        if (error == null && closing) {
            error = closed(q);
        }
        if (error == null) {
            try {
                if (q.kernel != null) {
                    q.kernel.run();
                } else {
                    runner.run(q.plan);
                }
            } catch (RuntimeException | Error e) {
                error = e; // an IOMMU fault, an ownership violation, a closed segment: the job's result
            }
        }
        q.entity.pending.decrementAndGet();
        pending.decrementAndGet();
        if (error == null) {
            q.entity.issuer.signal(q.fence);
        } else {
            q.entity.issuer.fail(q.fence, error);
        }
    }

    /** Waits for every dependency; the error to fail the job with, or null. */
    private Throwable awaitDependencies(Queued q) {
        List<Fence> all = q.dependencies;
        if (!q.waitPoints.isEmpty()) {
            all = new ArrayList<>(all);
            for (SyncPoint p : q.waitPoints) {
                Fence f = awaitSubmit(p);
                if (f == null) {
                    return closed(q);
                }
                all.add(f);
            }
        }
        for (Fence f : all) {
            if (!awaitFence(f)) {
                return closed(q);
            }
            Optional<Throwable> e = f.error();
            if (e.isPresent() && q.kernel == null) {
                return new DmaBufException(Rule.DEV_8, describe(q) + " was not run: its dependency " + f
                        + " failed with " + e.get() + ". Nothing was moved; fix the failed work and submit again",
                        e.get());
            }
        }
        return null;
    }

    /**
     * Waits for a fence to appear at a wait point (SYNCOBJ-11: Vulkan's wait-before-signal); null if the engine
     * closes first. A sync object closed meanwhile gives a signaled fence carrying its ClosedException, which fails
     * the job.
     */
    private Fence awaitSubmit(SyncPoint p) {
        Thread self = Thread.currentThread();
        AtomicReference<Fence> arrived = new AtomicReference<>();
        SubmitListener listener = new SubmitListener() {
            @Override
            public void available(Fence f) {
                arrived.set(f);
                LockSupport.unpark(self);
            }

            @Override
            public void closed(ClosedException e) {
                arrived.set(failedFence(e));
                LockSupport.unpark(self);
            }
        };
        SyncObjectImpl object = (SyncObjectImpl) p.object();
        Fence now;
        try {
            now = object.fenceOrListen(p.point(), listener);
        } catch (ClosedException e) {
            return failedFence(e);
        }
        if (now != null) {
            return now;
        }
        while (arrived.get() == null) {
            if (closing) {
                object.unlisten(listener);
                return arrived.get();
            }
            LockSupport.park(p);
        }
        return arrived.get();
    }

    private static Fence failedFence(ClosedException e) {
        FenceIssuer issuer = FenceIssuer.allocate("dmabuf4j", "closed sync object");
        Fence f = issuer.next();
        issuer.fail(f, e);
        return f;
    }

    /** Spins briefly, then parks on the fence; false if the engine is closing first. */
    private boolean awaitFence(Fence f) {
        for (int i = 0; i < SPINS; i++) {
            if (f.isSignaled()) {
                return true;
            }
            if (closing) {
                return false;
            }
            Thread.onSpinWait();
        }
        Thread self = Thread.currentThread();
        FenceCallback wake = signaled -> LockSupport.unpark(self);
        if (!f.addCallback(wake)) {
            return true;
        }
        try {
            while (!f.isSignaled()) {
                if (closing) {
                    return false;
                }
                LockSupport.park(f);
            }
            return true;
        } finally {
            f.removeCallback(wake);
        }
    }

    private ClosedException closed(Queued q) {
        return new ClosedException(Rule.DEV_7, describe(q) + " was not run: device '" + device.name()
                + "' was closed (unplugged) while it was pending; nothing was moved");
    }

    private String describe(Queued q) {
        return (q.plan == null ? "kernel" : q.plan.job.getClass().getSimpleName().toLowerCase(Locale.ROOT)) + " job "
                + q.fence.seqno()
                + " of " + (q.entity == main ? toString() : "queue '" + q.entity.name + "' of " + this);
    }

    @Override
    public String toString() {
        return "engine '" + name + "' of device '" + device.name() + "'";
    }
}
