package org.dmabuf4j.reliability;

/** A place where foreign code runs: an exporter SPI callback, an importer callback or a fence callback. */
enum FaultPoint {
    /** {@code Exporter.isDynamic}, asked at export. */
    IS_DYNAMIC,
    /** {@code Exporter.attach}. */
    ATTACH,
    /** {@code Exporter.detach}. */
    DETACH,
    /** {@code Exporter.pin}. */
    PIN,
    /** {@code Exporter.unpin}. */
    UNPIN,
    /** {@code Exporter.map}. */
    MAP,
    /** {@code Exporter.unmap}. */
    UNMAP,
    /** {@code Exporter.release}. */
    RELEASE,
    /** {@code Exporter.beginCpuAccess}. */
    BEGIN_CPU,
    /** {@code Exporter.endCpuAccess}. */
    END_CPU,
    /** {@code Exporter.vmap}. */
    VMAP,
    /** {@code Exporter.vunmap}. */
    VUNMAP,
    /** {@code Importer.moveNotify}. */
    MOVE_NOTIFY,
    /** {@code Importer.allowPeerToPeer}. */
    ALLOW_P2P,
    /** {@code FenceCallback.onSignaled}. */
    FENCE_CALLBACK
}
