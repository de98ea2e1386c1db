package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.Fence;
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
    private final BufferChannel channel;
    private final int id;
    private final List<DmaBuf> buffers;
    /** Each slot's buffer as a list, made once: what the channel puts the release fence on. */
    private final List<List<DmaBuf>> slotBuffers;
    private final PoolSlots slots;

    BufferPool(BufferChannel channel, int id, List<DmaBuf> buffers) {
        this.channel = channel;
        this.id = id;
        this.buffers = List.copyOf(buffers);
        this.slotBuffers = this.buffers.stream().map(List::of).toList();
        this.slots = new PoolSlots("pool " + id, buffers.size());
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
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed
     */
    public DmaBuf buffer(int index) {
        slots.checkIndex(index, "buffer");
        return buffers.get(index);
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
        return slots.acquire(timeout);
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
        slots.checkHeld(index);
        SentFrame f = channel.sendPoolFrame(id, index, slotBuffers.get(index), acquire);
        slots.submitted(index, f.released());
        return f;
    }

    /**
     * Retires the pool: tells the receiver (POOL_END) and closes the pool's handles. The receiver's imports are
     * released when its last frame of each buffer is; then the sender's handles held for it close
     * ({@link Rule#IPC_10 IPC-10}). Idempotent.
     */
    @Override
    public void close() {
        if (!slots.close()) {
            return;
        }
        channel.poolClosed(id);
        buffers.forEach(DmaBuf::close);
    }

    @Override
    public String toString() {
        return "pool " + id + " of " + buffers.size() + " buffers on " + channel.name();
    }
}
