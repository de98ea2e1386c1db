package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.image.Image;

/**
 * A frame another process sent over a {@link BufferChannel}: a handle of the buffer (imported from its memfd, or from
 * the pool) or an image over imported buffers, the acquire fence to wait for before touching it, and the release point
 * to signal when done.
 *
 * <p>The acquire fence is already in the reservation of every buffer of the frame with WRITE usage
 * ({@link Rule#IPC_11 IPC-11}), so {@code buffer().beginCpuAccess(READ)}, {@code image().get().beginCpuAccess(READ)}
 * and device jobs wait for it by themselves; {@link #awaitAcquire} waits explicitly. {@link #release()} (or
 * {@link #close()}) closes the frame's handles (or its image) and marks the frame done; the channel signals the release
 * point once every earlier frame is done too ({@link Rule#IPC_12 IPC-12}). Release is idempotent. Thread-safe.
 *
 * <p>An image frame ({@link #image()} present, {@link Rule#IPC_17 IPC-17}) is an explicit-layout import of the
 * descriptor that crossed, validated with the FMT rules: per-plane CPU windows show each plane's linear view whatever
 * the modifier, and {@code image.attach(device, usage)} checks the device's import of the pair ({@link Rule#NEG_3
 * NEG-3}).
 */
public final class ReceivedFrame implements AutoCloseable {
    private final BufferChannel channel;
    private final long frame;
    private final DmaBuf buffer;
    private final Image image;
    private final Fence acquire;
    private final int poolIndex;
    private final AtomicBoolean released = new AtomicBoolean();

    /**
     * A frame of a buffer.
     */
    ReceivedFrame(BufferChannel channel, long frame, DmaBuf buffer, Fence acquire, int poolIndex) {
        this(channel, frame, buffer, null, acquire, poolIndex);
    }

    /**
     * A frame of a buffer or, with {@code image} not null, of an image whose first buffer is {@code buffer}.
     */
    ReceivedFrame(BufferChannel channel, long frame, DmaBuf buffer, Image image, Fence acquire, int poolIndex) {
        this.channel = channel;
        this.frame = frame;
        this.buffer = buffer;
        this.image = image;
        this.acquire = acquire;
        this.poolIndex = poolIndex;
    }

    /**
     * The frame's number on its channel: 1 for the first frame sent, then consecutive; also its release point.
     *
     * @return the number
     */
    public long frame() {
        return frame;
    }

    /**
     * This frame's handle of the buffer (of an image: of its first buffer); closed by {@link #release()}.
     * {@code share()} it to keep the buffer longer.
     *
     * @return the handle
     */
    public DmaBuf buffer() {
        return buffer;
    }

    /**
     * This frame's handles of its buffers: the one buffer, or an image's buffers by the index its planes use.
     *
     * @return an immutable list; closed by {@link #release()}
     */
    public List<DmaBuf> buffers() {
        return image != null ? image.buffers() : List.of(buffer);
    }

    /**
     * The image, for a frame sent with {@link BufferChannel#send(Image, Fence)} or from an {@link ImagePool}
     * ({@link Rule#IPC_17 IPC-17}); closed by {@link #release()}. Import the buffers again with the descriptor to keep
     * the image longer.
     *
     * @return the image, or empty for a buffer frame
     */
    public Optional<Image> image() {
        return Optional.ofNullable(image);
    }

    /**
     * The fence the sender signals when its work on the buffer is done (the merge of the frame's acquire points).
     *
     * @return the fence; signaled already if the sender had nothing pending
     */
    public Fence acquireFence() {
        return acquire;
    }

    /**
     * Waits for the acquire fence.
     *
     * @param timeout how long; not negative
     * @return true if it signaled without error, false on timeout
     * @throws org.dmabuf4j.api.FenceFailedException ({@link Rule#FENCE_13 FENCE-13}) if the sender failed it, or is
     *     gone ({@link Rule#IPC_6 IPC-6})
     */
    public boolean awaitAcquire(Duration timeout) {
        return acquire.await(timeout);
    }

    /**
     * The pool index, in pool mode.
     *
     * @return the index, or empty for a frame that carried its own descriptor
     */
    public OptionalInt poolIndex() {
        return poolIndex < 0 ? OptionalInt.empty() : OptionalInt.of(poolIndex);
    }

    /**
     * Whether {@link #release()} was called.
     *
     * @return true once released
     */
    public boolean isReleased() {
        return released.get();
    }

    /**
     * Done with the frame: closes this frame's handle, then completes the release point ({@link Rule#IPC_12 IPC-12}),
     * which the sender sees once every earlier frame of the channel is released too. Idempotent; a no-op for the
     * release point once the channel is closed.
     */
    public void release() {
        if (released.compareAndSet(false, true)) {
            try {
                if (image != null) {
                    image.close();
                } else {
                    buffer.close();
                }
            } finally {
                channel.frameReleased(frame);
            }
        }
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "frame " + frame + (image != null ? " " + image.descriptor() : "")
                + (poolIndex >= 0 ? " (pool index " + poolIndex + ")" : "") + " of " + channel.name()
                + (released.get() ? ", released" : "");
    }
}
