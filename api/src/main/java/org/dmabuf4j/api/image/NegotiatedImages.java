package org.dmabuf4j.api.image;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;

/**
 * The images a negotiation set up ({@link ImageAllocator#negotiate}): the producer renders into
 * {@link #producerImage()}, the consumer imports {@link #consumerImage()}, and {@link #transfer()} moves a frame
 * across by the route chosen ({@link Rule#NEG_6 NEG-6}). Closing it closes the images and whatever the route attached.
 */
public interface NegotiatedImages extends AutoCloseable {
    /**
     * What the negotiation decided and why.
     *
     * @return the result
     */
    NegotiationResult result();

    /**
     * The image the producer renders into.
     *
     * @return the producer's image
     */
    Image producerImage();

    /**
     * The image the consumer imports: the producer's image itself on the zero-copy routes.
     *
     * @return the consumer's image
     */
    Image consumerImage();

    /**
     * Moves the producer image's current frame into the consumer image ({@link Rule#NEG_6 NEG-6}): nothing on the
     * zero-copy routes (a signaled fence); an image copy job on the blitter (its fence, which waits for the producer's
     * work through the reservations); or a CPU copy through per-plane windows, done when this returns (a signaled
     * fence). Called without any reservation lock.
     *
     * @return a fence that signals when the consumer image holds the frame
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#BUF_3 BUF-3}) if closed
     */
    Fence transfer();

    /** Closes the images and the route's attachments. Idempotent. */
    @Override
    void close();
}
