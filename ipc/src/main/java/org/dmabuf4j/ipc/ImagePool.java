package org.dmabuf4j.ipc;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageDescriptor;

/**
 * A pool of images whose descriptors and buffers crossed to the peer once, in one IMAGE_POOL message
 * ({@link Rule#IPC_9 IPC-9}, {@link Rule#IPC_17 IPC-17}); frames then name an image by its index and carry only sync
 * points. Created by {@link BufferChannel#createImagePool}, which allocates the images in the channel's memfd heap
 * with the image allocator (the request's modifiers in order: read the choice back from {@link #descriptor}).
 *
 * <pre>
 *   producer                                                    consumer
 *   createImagePool(3, NV12 1920x1080 [SIM_TILED_CCS, LINEAR])
 *     ── IMAGE_POOL: 3 descriptors + their memfds, once ──────►  validated (FMT), imported, kept
 *   i = acquire()        the slot's last release point signaled
 *   write image(i) through per-plane windows
 *   submit(i, fence)   ── FRAME(pool, i, acquire, release) ─────► an Image over the pool's buffers, per frame
 *        ◄──────────────────────────── release point ◄─────────── frame.release()
 * </pre>
 *
 * <p>The slots work as {@link BufferPool}'s: {@link #acquire} never hands out an image the receiver may still read,
 * and the release fence is in each of the image's buffers' reservations (READ), so a CPU window for writing waits for
 * it by itself ({@link Rule#IPC_11 IPC-11}). Thread-safe.
 */
public final class ImagePool implements AutoCloseable {
    private final BufferChannel channel;
    private final int id;
    private final List<Image> images;
    private final PoolSlots slots;

    ImagePool(BufferChannel channel, int id, List<Image> images) {
        this.channel = channel;
        this.id = id;
        this.images = List.copyOf(images);
        this.slots = new PoolSlots("image pool " + id, images.size());
    }

    /**
     * The number of images.
     *
     * @return the count
     */
    public int size() {
        return images.size();
    }

    /**
     * The layout the allocator chose, the same for every image of the pool (buffer indexes, offsets and pitches).
     *
     * @return image 0's descriptor
     */
    public ImageDescriptor descriptor() {
        return images.getFirst().descriptor();
    }

    /**
     * The pool's image {@code index}: to write into (per-plane windows, device jobs) while the slot is held. Do not
     * close it; the pool does.
     *
     * @param index the index
     * @return the image
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) on a bad index
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed
     */
    public Image image(int index) {
        slots.checkIndex(index, "image");
        return images.get(index);
    }

    /**
     * A free image to fill, as {@link BufferPool#acquire}.
     *
     * @param timeout how long to wait for a release; not negative
     * @return the index of the slot, now held by the caller until {@link #submit}
     * @throws DmaTimeoutException ({@link Rule#IPC_9 IPC-9}) if no image came free in time
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the receiver is gone
     * @throws ClosedException ({@link Rule#IPC_9 IPC-9}) if the pool is closed
     */
    public int acquire(Duration timeout) {
        return slots.acquire(timeout);
    }

    /**
     * Sends the held image {@code index} as the next frame: FRAME(pool, index, acquire, release), no descriptors.
     *
     * @param index a slot held since {@link #acquire}
     * @param acquire the fence the receiver waits for, or null
     * @return the frame
     * @throws RuleViolationException ({@link Rule#IPC_9 IPC-9}) if the slot is not held
     * @throws PeerGoneException ({@link Rule#IPC_13 IPC-13}) if the receiver is gone; the slot stays held
     */
    public SentFrame submit(int index, Fence acquire) {
        slots.checkHeld(index);
        SentFrame f = channel.sendPoolFrame(id, index, images.get(index).buffers(), acquire);
        slots.submitted(index, f.released());
        return f;
    }

    /**
     * Retires the pool: tells the receiver (POOL_END) and closes the pool's images. The receiver's imports are
     * released when its last frame of each image is ({@link Rule#IPC_10 IPC-10}). Idempotent.
     */
    @Override
    public void close() {
        if (!slots.close()) {
            return;
        }
        channel.poolClosed(id);
        images.forEach(Image::close);
    }

    /**
     * The buffers of every image, for the channel.
     *
     * @return the handles, image by image
     */
    List<DmaBuf> allBuffers() {
        return images.stream().flatMap(i -> i.buffers().stream()).toList();
    }

    @Override
    public String toString() {
        return "image pool " + id + " of " + images.size() + " x " + descriptor() + " on " + channel.name();
    }
}
