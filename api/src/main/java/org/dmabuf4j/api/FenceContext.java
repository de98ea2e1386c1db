package org.dmabuf4j.api;

/**
 * A fence timeline owned by one issuer (an engine, an exporter): fences in strictly increasing seqno order
 * ({@link Rule#FENCE_6 FENCE-6}).
 *
 * @see "dma_fence_context_alloc, dma_fence_init"
 */
public interface FenceContext {
    /**
     * The context number, unique and increasing in the JVM ({@link Rule#FENCE_6 FENCE-6}).
     *
     * @return the context
     */
    long id();

    /**
     * The driver name of this context's fences.
     *
     * @return the name
     */
    String driverName();

    /**
     * The timeline name of this context's fences.
     *
     * @return the name
     */
    String timelineName();

    /**
     * Creates the next fence: seqno one more than the last. Thread-safe.
     *
     * @return a pending fence
     */
    SignalingFence next();

    /**
     * The seqno of the last fence created.
     *
     * @return the seqno, 0 before the first fence
     */
    long lastSeqno();
}
