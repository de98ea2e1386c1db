package org.dmabuf4j.core.vram;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.Fences;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.sync.SignalingPath;

/**
 * The copy engine of a device with local memory: the asynchronous DMA engine that carries out the copies of moves,
 * evictions and migrations (MOVE-8). Jobs run one at a time, in submission order, on the engine's own thread: each
 * waits until its dependencies signaled (whatever their status: a failed writer leaves the bytes as they are, which is
 * what must be copied), copies, runs its completion (freeing the old location) and signals its fence, which its
 * submitter added to the buffer's reservation with KERNEL usage. The thread starts on the first job and ends when the
 * device is unplugged; jobs still pending then fail their fences.
 */
final class CopyEngine {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j");
    private static final Duration JOIN = Duration.ofSeconds(10);

    private final String deviceName;
    private final FenceContext context;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private Thread thread;
    private boolean closed;

    private record Job(SignalingFence fence, List<Fence> after, Runnable copy, Runnable then) {
    }

    CopyEngine(Fences fences, String deviceName) {
        this.deviceName = deviceName;
        this.context = fences.newContext("dmabuf4j-vram", "copy@" + deviceName);
    }

    /**
     * Queues a copy.
     *
     * @param after the fences to wait for first
     * @param copy the copy
     * @param then runs after the copy, also if it failed or never ran (frees what the copy read)
     * @return the job's fence
     * @throws ClosedException (ATT-7) if the device was unplugged; nothing is queued
     */
    Fence submit(List<Fence> after, Runnable copy, Runnable then) {
        synchronized (this) {
            if (closed) {
                throw new ClosedException(Rule.ATT_7, "the copy engine of device '" + deviceName + "' is stopped: the"
                        + " device was unplugged, so its memory cannot be copied any more");
            }
            SignalingFence fence = context.next();
            queue.addLast(new Job(fence, List.copyOf(after), copy, then));
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("dmabuf4j-copy@" + deviceName).start(this::run);
            }
            notifyAll();
            return fence;
        }
    }

    private void run() {
        while (true) {
            Job job;
            boolean stopped;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // close() interrupts: the loop re-checks
                    }
                }
                job = queue.pollFirst();
                stopped = closed;
            }
            if (job == null) {
                return;
            }
            execute(job, stopped);
        }
    }

    private void execute(Job job, boolean stopped) {
        Throwable error = null;
        try {
            if (stopped) {
                throw new InterruptedException();
            }
            for (Fence f : job.after()) {
                f.await();
            }
            job.copy().run();
        } catch (InterruptedException e) {
            error = new ClosedException(Rule.ATT_7, "copy job " + job.fence().seqno() + " of device '" + deviceName
                    + "' did not run: the device was unplugged");
        } catch (RuntimeException | Error e) {
            error = e;
        } finally {
            try {
                job.then().run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "completion of copy job " + job.fence().seqno() + " of device '"
                        + deviceName + "' failed", e);
            }
        }
        SignalingPath.enter();
        try {
            if (error == null) {
                job.fence().signal();
            } else {
                job.fence().fail(error);
            }
        } finally {
            SignalingPath.exit();
        }
    }

    /** Jobs queued or running, for checks. */
    synchronized int pending() {
        return queue.size();
    }

    /** Stops the engine: the running job's wait is interrupted, queued jobs fail; waits for the thread to end. */
    void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            notifyAll();
        }
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            if (!t.join(JOIN)) {
                LOG.log(System.Logger.Level.WARNING, "the copy engine of device '" + deviceName + "' did not stop within "
                        + JOIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
