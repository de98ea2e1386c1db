package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * The slot states of a pool whose contents crossed to the peer once ({@link BufferPool}, {@link ImagePool}): which
 * slots are free, held by the producer, or in flight until their release fence signals ({@link Rule#IPC_9 IPC-9}).
 *
 * <pre>
 *   slot:  FREE ──acquire()──► HELD (the producer writes it) ──submitted(i, fence)──► IN FLIGHT
 *            ▲                                                                           │
 *            └─────────────── its release fence signaled (the receiver released it) ◄───┘
 * </pre>
 *
 * <p>Thread-safe: the states are guarded by this object's monitor; {@link #acquire} waits for a release fence
 * without holding it.
 */
final class PoolSlots {
    private enum State {
        FREE, HELD, IN_FLIGHT
    }

    private final String what;
    private final State[] states;
    private final Fence[] released;
    /** Slots in flight, oldest first. Guarded by this. */
    private final Deque<Integer> inFlight = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param what the pool, for messages ("pool 3")
     * @param size the number of slots
     */
    PoolSlots(String what, int size) {
        this.what = what;
        this.states = new State[size];
        Arrays.fill(states, State.FREE);
        this.released = new Fence[size];
    }

    int size() {
        return states.length;
    }

    /**
     * Rejects an index out of range.
     *
     * @param index the index
     * @param op the operation, for the message
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed (its buffers are closed with it)
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) on a bad index
     */
    void checkIndex(int index, String op) {
        synchronized (this) {
            if (closed) {
                throw new ClosedException(Rule.IPC_9, op + "(" + index + ") on closed " + what
                        + ": its buffers are closed with it; create a new pool");
            }
        }
        if (index < 0 || index >= states.length) {
            throw new RuleViolationException(Rule.IPC_9, op + "(" + index + ") on " + what + " of " + states.length
                    + " slots");
        }
    }

    /**
     * A free slot: a never-used one, one whose last frame was released, or, after waiting, the oldest in flight once
     * its release fence signals.
     *
     * @param timeout how long to wait for a release; not negative
     * @return the slot, now held by the caller
     * @throws DmaTimeoutException ({@link Rule#IPC_9 IPC-9}) if no slot came free in time
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the receiver is gone (its release fences failed)
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) on a bad timeout, or if every slot is held
     */
    int acquire(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.IPC_9, "acquire(" + timeout + ") on " + what);
        }
        long deadline = System.nanoTime() + Timeouts.nanos(timeout);
        while (true) {
            Fence wait;
            int oldest;
            synchronized (this) {
                if (closed) {
                    throw new ClosedException(Rule.IPC_9, "acquire on closed " + what);
                }
                for (int i = 0; i < states.length; i++) {
                    if (states[i] == State.FREE) {
                        states[i] = State.HELD;
                        return i;
                    }
                }
                Integer head = inFlight.peekFirst();
                if (head == null) {
                    throw new RuleViolationException(Rule.IPC_9, "acquire on " + what + ": all " + states.length
                            + " slots are held by the producer; submit one first");
                }
                oldest = head;
                wait = released[oldest];
            }
            long left = deadline - System.nanoTime();
            boolean done;
            try {
                done = wait.await(Duration.ofNanos(Math.max(0, left)));
            } catch (FenceFailedException failed) {
                Throwable why = failed.getCause();
                if (why instanceof PeerGoneException gone) {
                    throw new PeerGoneException(Rule.IPC_13, "acquire on " + what + ": " + gone.getMessage());
                }
                done = true; // the receiver rejected the frame: the slot is not in use over there
            }
            if (!done) {
                throw new DmaTimeoutException(Rule.IPC_9, "acquire on " + what + ": no slot was released within "
                        + timeout + " (the oldest in flight waits for " + wait + ")");
            }
            synchronized (this) {
                if (states[oldest] == State.IN_FLIGHT && released[oldest] == wait) {
                    states[oldest] = State.FREE;
                    inFlight.remove(oldest);
                }
            }
        }
    }

    /**
     * Checks that a slot is held by the producer, before its frame is sent.
     *
     * @param index the slot
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) if it is not held
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed
     */
    synchronized void checkHeld(int index) {
        checkIndex(index, "submit");
        if (closed) {
            throw new ClosedException(Rule.IPC_9, "submit on closed " + what);
        }
        if (states[index] != State.HELD) {
            throw new RuleViolationException(Rule.IPC_9, "submit(" + index + ") on " + what + ": the slot is "
                    + states[index] + ", not held; acquire() it first");
        }
    }

    /**
     * The slot's frame was sent: it is in flight until {@code releasedFence} signals.
     *
     * @param index the slot
     * @param releasedFence the frame's release fence
     */
    synchronized void submitted(int index, Fence releasedFence) {
        states[index] = State.IN_FLIGHT;
        released[index] = releasedFence;
        inFlight.addLast(index);
    }

    /**
     * Marks the pool closed.
     *
     * @return true the first time
     */
    synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }
}
