package org.dmabuf4j.ipc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmabuf4j.ipc.linux.Errno;
import org.dmabuf4j.ipc.linux.EventFd;
import org.dmabuf4j.ipc.linux.PidFd;
import org.dmabuf4j.ipc.linux.Poll;

/**
 * Watches other processes for their death through pidfds (IPC-6): one daemon thread polls every watched pidfd and an
 * eventfd that announces changes; when a process exits its callbacks run on that thread. The thread and its eventfd
 * exist only while something is watched, so an idle process holds no descriptor for it.
 *
 * <pre>
 *   watch(pid, cb) ─► pidfd_open(pid) ─► poll([eventfd, pidfd...]) ─ pidfd readable ─► cb.run(), pidfd closed
 * </pre>
 *
 * @see "pidfd_open(2): a pidfd is readable once the process has exited"
 */
final class PeerWatch {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j.ipc");
    private static final Object LOCK = new Object();
    /** Guarded by LOCK. */
    private static final Map<Watch, OwnedFd> WATCHES = new LinkedHashMap<>();
    /** Guarded by LOCK; null while no thread runs. */
    private static OwnedFd wakeup;
    private static Thread thread;

    private PeerWatch() {
    }

    /** A registration; {@link #close()} cancels it. */
    static final class Watch implements AutoCloseable {
        final long pid;
        final Runnable onExit;

        private Watch(long pid, Runnable onExit) {
            this.pid = pid;
            this.onExit = onExit;
        }

        @Override
        public void close() {
            OwnedFd pidfd;
            synchronized (LOCK) {
                pidfd = WATCHES.remove(this);
                if (pidfd != null) {
                    poke();
                }
            }
            if (pidfd != null) {
                pidfd.close();
            }
        }
    }

    /**
     * Runs {@code onExit} once, on the watch thread, when process {@code pid} exits; at once (on this thread) if it
     * is already gone.
     *
     * @param pid the process
     * @param onExit what to run; must not block
     * @return the registration, or null if pidfds are not available here (then only channel hang-ups are seen)
     */
    static Watch watch(long pid, Runnable onExit) {
        int fd = PidFd.open(pid);
        if (fd == -Errno.ESRCH) {
            onExit.run();
            return new Watch(pid, onExit);
        }
        if (fd < 0) {
            LOG.log(System.Logger.Level.DEBUG, "[IPC-6] pidfd_open(" + pid + ") failed with " + Errno.name(-fd)
                    + ": the death of that process is seen only through its channel's hang-up");
            return null;
        }
        OwnedFd pidfd = OwnedFd.adopt(fd, FdKind.PIDFD, "pidfd of process " + pid);
        Watch w = new Watch(pid, onExit);
        synchronized (LOCK) {
            WATCHES.put(w, pidfd);
            if (thread == null) {
                wakeup = OwnedFd.adopt(EventFd.create("starting the peer watch"), FdKind.EVENTFD,
                        "peer watch wake-up");
                OwnedFd w0 = wakeup;
                thread = new Thread(() -> run(w0), "dmabuf4j-ipc-peer-watch");
                thread.setDaemon(true);
                thread.start();
            } else {
                poke();
            }
        }
        return w;
    }

    /** Wakes the thread to re-read the watches. Called with LOCK held. */
    private static void poke() {
        if (wakeup != null) {
            int n = wakeup.use("peer watch wake-up");
            try {
                EventFd.add(n, 1);
            } finally {
                wakeup.done();
            }
        }
    }

    private static void run(OwnedFd wake) {
        while (true) {
            List<Watch> watches;
            List<OwnedFd> fds;
            synchronized (LOCK) {
                if (WATCHES.isEmpty()) {
                    thread = null;
                    wakeup = null;
                    wake.close();
                    return;
                }
                watches = new ArrayList<>(WATCHES.keySet());
                fds = new ArrayList<>(WATCHES.values());
            }
            int[] numbers = new int[fds.size() + 1];
            short[] events = new short[numbers.length];
            List<OwnedFd> used = new ArrayList<>();
            try {
                numbers[0] = wake.use("peer watch");
                used.add(wake);
                events[0] = Poll.POLLIN;
                for (int i = 0; i < fds.size(); i++) {
                    try {
                        numbers[i + 1] = fds.get(i).use("peer watch");
                        used.add(fds.get(i));
                    } catch (RuntimeException cancelled) {
                        numbers[i + 1] = -1; // poll ignores negative descriptors
                    }
                    events[i + 1] = Poll.POLLIN;
                }
                short[] revents = Poll.poll(numbers, events, -1);
                if (revents[0] != 0) {
                    EventFd.take(numbers[0]);
                }
                for (int i = 1; i < revents.length; i++) {
                    if (revents[i] != 0 && numbers[i] >= 0) {
                        Watch w = watches.get(i - 1);
                        boolean mine;
                        synchronized (LOCK) {
                            mine = WATCHES.remove(w) != null;
                        }
                        if (mine) {
                            try {
                                w.onExit.run();
                            } catch (RuntimeException e) {
                                LOG.log(System.Logger.Level.WARNING, "[IPC-6] a peer-death callback for process "
                                        + w.pid + " threw", e);
                            }
                            fds.get(i - 1).close();
                        }
                    }
                }
            } finally {
                for (OwnedFd f : used) {
                    f.done();
                }
            }
        }
    }

    /**
     * Waits until the watch thread has stopped (nothing is watched any more), for leak checks.
     *
     * @param timeout the bound
     * @return true if no watch thread runs
     */
    static boolean awaitStopped(java.time.Duration timeout) {
        Thread t;
        synchronized (LOCK) {
            t = thread;
        }
        if (t == null) {
            return true;
        }
        try {
            t.join(Math.max(1, Timeouts.nanos(timeout) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /**
     * Processes watched now, for tests and reports.
     *
     * @return the count
     */
    static int watched() {
        synchronized (LOCK) {
            return WATCHES.size();
        }
    }
}
