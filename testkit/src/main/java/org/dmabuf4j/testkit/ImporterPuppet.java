package org.dmabuf4j.testkit;

import org.dmabuf4j.api.Rule;

/**
 * How the importer kit drives an importer under test: one instance per test, for one buffer on one device.
 *
 * <p>The kit's adversarial exporter moves the buffer between calls (and while they block), holds back the fences of
 * its moves, and revokes the buffer. The importer must keep the rules an importer keeps in production: map and unmap
 * under the reservation lock ({@link Rule#MAP_1 MAP-1}), re-map after {@code moveNotify} before its next access
 * ({@link Rule#MOVE_7 MOVE-7}), wait for the buffer's KERNEL fences before touching memory after a move
 * ({@link Rule#MOVE_8 MOVE-8}), and on revocation stop and unmap ({@link Rule#REV_5 REV-5}).
 */
public interface ImporterPuppet {
    /**
     * Attaches to the buffer on the device (usually as a dynamic importer) and gets ready to use it. Called once,
     * without any lock held.
     */
    void attach();

    /**
     * Performs one device access to the buffer through the importer's current mapping: {@code device.dmaRead} or
     * {@code device.dmaWrite} by DMA address. Called without any lock held, possibly right after a move or during a
     * revocation; may block while waiting for fences. Once the buffer is revoked it may throw
     * {@link org.dmabuf4j.api.RevokedException} instead of accessing.
     */
    void use();

    /**
     * Stops: unmaps every mapping and detaches. Called once, at the end, without any lock held; no access follows.
     */
    void stop();
}
