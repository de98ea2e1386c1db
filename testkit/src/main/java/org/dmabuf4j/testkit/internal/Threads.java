package org.dmabuf4j.testkit.internal;

import java.time.Duration;

/** Observing another thread without sleeping: has it finished, or is it parked waiting for something? */
public final class Threads {
    private Threads() {
    }

    /** What a watched thread was doing. */
    public enum Seen {
        /** It finished. */
        DONE,
        /** It was parked or blocked, continuously, for a while. */
        WAITING,
        /** Neither, before the deadline. */
        RUNNING
    }

    /**
     * Watches a thread until it finishes or stays parked for at least a millisecond of continuous observation.
     *
     * @param thread the thread, started
     * @param max the longest to watch
     * @return what it was doing
     */
    public static Seen awaitParkedOrDone(Thread thread, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long parkedSince = -1;
        while (System.nanoTime() - deadline < 0) {
            Thread.State s = thread.getState();
            if (s == Thread.State.TERMINATED) {
                return Seen.DONE;
            }
            boolean parked = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
            long now = System.nanoTime();
            if (!parked) {
                parkedSince = -1;
            } else if (parkedSince < 0) {
                parkedSince = now;
            } else if (now - parkedSince > 1_000_000) {
                return Seen.WAITING;
            }
            Thread.yield();
        }
        return thread.getState() == Thread.State.TERMINATED ? Seen.DONE : Seen.RUNNING;
    }
}
