package org.dmabuf4j.testkit;

import org.dmabuf4j.api.Rule;

/**
 * An optional capability an exporter declares in {@link ExporterFixture#features()}.
 *
 * <p>For a declared feature the kit checks the feature's rules; for an absent one it checks that the exporter refuses
 * it cleanly (the specific exception, carrying the rule, with nothing left behind). Tests that cannot apply at all
 * without the feature are skipped with a reason.
 */
public enum ExporterFeature {
    /**
     * The exporter is dynamic ({@code Exporter.isDynamic()}, {@link Rule#BUF_10 BUF-10}): it implements pin and unpin
     * and moves buffers through {@link ExporterFixture#move}, under the reservation lock ({@link Rule#MOVE_1 MOVE-1}),
     * never while pinned ({@link Rule#MOVE_2 MOVE-2}), notifying dynamic importers first ({@link Rule#MOVE_3 MOVE-3}),
     * publishing the copy as a KERNEL fence ({@link Rule#MOVE_8 MOVE-8}), and maps again afterwards
     * ({@link Rule#MOVE_6 MOVE-6}). Without it, the exporter is static and pins are refused with
     * UnsupportedFeatureException ({@link Rule#PIN_2 PIN-2}).
     */
    DYNAMIC_MOVE,
    /**
     * The dynamic exporter refuses explicit pins with PinRefusedException ({@link Rule#PIN_2 PIN-2}), leaving the
     * attachment unpinned. Without it, a dynamic exporter accepts pins and then keeps the memory in place
     * ({@link Rule#PIN_3 PIN-3}).
     */
    PIN_REFUSAL,
    /**
     * The exporter offers CPU access ({@code Exporter.beginCpuAccess}): windows see the same bytes devices see.
     * Without it, beginCpuAccess fails with UnsupportedFeatureException ({@link Rule#CPU_12 CPU-12}) and opens nothing.
     */
    CPU_ACCESS,
    /**
     * The exporter accepts a 2-D {@link org.dmabuf4j.api.BufferLayout} at export, so 2-D regions can be CPU-accessed
     * ({@link Rule#CPU_3 CPU-3}); needs {@link #CPU_ACCESS}. Without it, the kit exports without layouts and checks
     * that a 2-D region is refused ({@link Rule#CPU_7 CPU-7}).
     */
    REGIONS_2D,
    /**
     * The exporter hands memory without CPU pages (device memory) to importers that allow peer-to-peer on capable
     * devices ({@link Rule#P2P_1 P2P-1}), and migrates or refuses for any other importer ({@link Rule#P2P_2 P2P-2}).
     * Without it, every entry of every mapping has a CPU page.
     */
    PEER_TO_PEER,
    /**
     * The exporter revokes buffers through {@link ExporterFixture#revoke} ({@link Rule#REV_1 REV-1}): new maps fail
     * first, importers are notified, fences and unmaps are awaited within the timeout, and afterwards every map and CPU
     * access fails with RevokedException ({@link Rule#REV_2 REV-2}). Without it, revocation tests are skipped: nothing
     * can trigger one.
     */
    REVOCATION,
    /**
     * The exporter stores pixels in tiles ({@link org.dmabuf4j.api.Tiling.Tiled} layouts from
     * {@link ExporterFixture#layout}): devices see the tiled bytes, CPU windows see linear pixels. Needs
     * {@link #REGIONS_2D} and {@link #CPU_ACCESS}.
     */
    TILED,
    /**
     * The buffers come from a heap-like allocator that reuses memory: every export is zeroed even right after a
     * previous user filled the memory ({@link Rule#HEAP_1 HEAP-1}), and the memory is returned when the buffer is
     * released and not before ({@link Rule#HEAP_5 HEAP-5}), as {@link ExporterFixture#liveBytes()} or the system's live
     * native bytes show.
     */
    HEAP
}
