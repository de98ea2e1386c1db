package org.dmabuf4j.api;

import java.lang.foreign.MemorySegment;

/**
 * One count of a buffer's kernel-style vmap ({@link Rule#CPU_14 CPU-14}): the whole buffer's memory for long-lived CPU
 * use. With leak
 * detection on, a count dropped without close is reported with where it was taken and dropped
 * ({@link Rule#SAFE_6 SAFE-6}).
 *
 * @see "dma_buf_vmap, struct iosys_map"
 */
public interface VMapping extends AutoCloseable {
    /**
     * The buffer's memory, linear, {@code size()} bytes; closed when the last count is closed.
     *
     * @return the segment
     * @throws ClosedException ({@link Rule#CPU_14 CPU-14}) if this count is closed
     */
    MemorySegment segment();

    /**
     * Drops this count; the exporter's vunmap runs on the last one. Called with the reservation lock held
     * ({@link Rule#CPU_14 CPU-14}). Idempotent.
     *
     * @throws RuleViolationException ({@link Rule#CPU_14 CPU-14}) if the lock is not held by the calling thread
     * @see "dma_buf_vunmap"
     */
    @Override
    void close();
}
