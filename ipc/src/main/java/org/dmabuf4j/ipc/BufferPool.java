package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A pool of memfd buffers whose descriptors crossed to the peer once ({@link Rule#IPC_9 IPC-9}); frames then name a
 * buffer by its index. Created by {@link BufferChannel#createPool}.
 *
 * <pre>
 *   slot:  FREE ──acquire()──► HELD (the producer writes it) ──submit(i, fence)──► IN FLIGHT
 *            ▲                                                                        │
 *            └──────────── its release fence signaled (the receiver released it) ◄────┘
 * </pre>
 *
 * <p>{@link #acquire} hands out a free buffer, waiting for the release fence of the oldest frame in flight when none
 * is free: a buffer is never handed out while the receiver may still read it. The release fence is also in the
 * buffer's reservation (READ), so a CPU window for writing waits for it by itself ({@link Rule#IPC_11 IPC-11}).
 * Thread-safe.
 */
public final class BufferPool implements AutoCloseable {
    private enum State {
        FREE, HELD, IN_FLIGHT
    }

    private final BufferChannel channel;
    private final int id;
    private final List<DmaBuf> buffers;
    private final State[] states;
    private final Fence[] released;
    /** Slots in flight, oldest first. Guarded by this. */
    private final Deque<Integer> inFlight = new ArrayDeque<>();
    private boolean closed;

    BufferPool(BufferChannel channel, int id, List<DmaBuf> buffers) {
        this.channel = channel;
        this.id = id;
        this.buffers = List.copyOf(buffers);
        this.states = new State[buffers.size()];
        java.util.Arrays.fill(states, State.FREE);
        this.released = new Fence[buffers.size()];
    }

    /**
     * The number of buffers.
     *
     * @return the count
     */
    public int size() {
        return buffers.size();
    }

    /**
     * The pool's handle of buffer {@code index}: to write into while the slot is held. Do not close it; the pool
     * does.
     *
     * @param index the index
     * @return the handle
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) on a bad index
     */
    public DmaBuf buffer(int index) {
        checkIndex(index, "buffer");
        return buffers.get(index);
    }

    private void checkIndex(int index, String op) {
        if (index < 0 || index >= buffers.size()) {
            throw new RuleViolationException(Rule.IPC_9, op + "(" + index + ") on pool " + id + " of "
                    + buffers.size() + " buffers");
        }
    }

    /**
     * A free buffer to fill: a never-used one, one whose last frame was released, or, after waiting, the oldest in
     * flight once its release fence signals ({@link Rule#IPC_9 IPC-9}).
     *
     * @param timeout how long to wait for a release; not negative
     * @return the index of the slot, now held by the caller until {@link #submit}
     * @throws DmaTimeoutException ({@link Rule#IPC_9 IPC-9}) if no buffer came free in time
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the receiver is gone (its release fences failed)
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed
     */
    public int acquire(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.IPC_9, "acquire(" + timeout + ") on pool " + id);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Fence wait;
            int oldest;
            synchronized (this) {
                if (closed) {
                    throw new ClosedException(Rule.IPC_9, "acquire on closed pool " + id);
                }
                for (int i = 0; i < states.length; i++) {
                    if (states[i] == State.FREE) {
                        states[i] = State.HELD;
                        return i;
                    }
                }
                Integer head = inFlight.peekFirst();
                if (head == null) {
                    throw new RuleViolationException(Rule.IPC_9, "acquire on pool " + id + ": all "
                            + states.length + " buffers are held by the producer; submit one first");
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
                    throw new PeerGoneException(Rule.IPC_13, "acquire on pool " + id + ": " + gone.getMessage());
                }
                done = true; // the receiver rejected the frame: the buffer is not in use over there
            }
            if (!done) {
                throw new DmaTimeoutException(Rule.IPC_9, "acquire on pool " + id + ": no buffer was released within "
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
     * Sends the held buffer {@code index} as the next frame: FRAME(pool, index, acquire, release) without
     * descriptors.
     *
     * @param index a slot held since {@link #acquire}
     * @param acquire the fence the receiver waits for, or null
     * @return the frame
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) if the slot is not held
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the receiver is gone; the slot stays held
     */
    public SentFrame submit(int index, Fence acquire) {
        checkIndex(index, "submit");
        synchronized (this) {
            if (closed) {
                throw new ClosedException(Rule.IPC_9, "submit on closed pool " + id);
            }
            if (states[index] != State.HELD) {
                throw new RuleViolationException(Rule.IPC_9, "submit(" + index + ") on pool " + id + ": the slot is "
                        + states[index] + ", not held; acquire() it first");
            }
        }
        SentFrame f = channel.sendPoolFrame(id, index, buffers.get(index), acquire);
        synchronized (this) {
            states[index] = State.IN_FLIGHT;
            released[index] = f.released();
            inFlight.addLast(index);
        }
        return f;
    }

    /**
     * Retires the pool: tells the receiver (POOL_END) and closes the pool's handles. The receiver's imports are
     * released when its last frame of each buffer is; then the sender's handles held for it close
     * ({@link Rule#IPC_10 IPC-10}). Idempotent.
     */
    @Override
    public void close() {
        List<DmaBuf> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(buffers);
        }
        channel.poolClosed(id);
        toClose.forEach(DmaBuf::close);
    }

    @Override
    public String toString() {
        return "pool " + id + " of " + buffers.size() + " buffers on " + channel.name();
    }
}
