package org.dmabuf4j.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * How the kit reaches an exporter under test: export a buffer, declare the optional features, trigger moves and
 * revocations.
 *
 * <p>The fixture is the only code an exporter author writes to run {@link ExporterConformance} and {@link Campaign}:
 *
 * <pre>{@code
 * class MyExporterConformanceTest extends ExporterConformance {
 *     protected ExporterFixture fixture() {
 *         return new ExporterFixture() {
 *             public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
 *                 return system.export(new ExportInfo("my-exporter", size, new MyExporter(size), layout));
 *             }
 *             public Set<ExporterFeature> features() {
 *                 return EnumSet.of(ExporterFeature.CPU_ACCESS);
 *             }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>The kit calls the fixture from the test thread and, in stress tests, from several threads at once; every method
 * is called without any reservation lock held.
 */
public interface ExporterFixture {
    /**
     * Exports a new buffer through the framework's entry point, {@link SimulatedSystem#export(ExportInfo)}, exactly as
     * the exporter does in production. The kit owns the returned buffer's handle and closes it.
     *
     * @param system the kit's system for this test; export into it
     * @param size bytes; a positive multiple of the page size, at most {@link #maxSize()}
     * @param layout the 2-D layout to export with (only if {@link ExporterFeature#REGIONS_2D} is declared, and then
     *     one returned by {@link #layout}), or empty
     * @return the exporter's capability over the new buffer
     */
    ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout);

    /**
     * The optional features the exporter has. Tests of declared features check their rules; tests of absent ones
     * check a clean refusal.
     *
     * @return the features; not null
     */
    Set<ExporterFeature> features();

    /**
     * A short name for messages and reports.
     *
     * @return the fixture's name; the class's simple name by default
     */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /**
     * A new system for one test or one campaign run. Override to configure it (pool sizes, ownership policy).
     *
     * @return a new open system; the kit closes it
     */
    default SimulatedSystem newSystem() {
        return DmaBufs.newSystem();
    }

    /**
     * The largest buffer the kit may ask for.
     *
     * @return bytes, a multiple of the page size; 4 MiB by default
     */
    default long maxSize() {
        return 4L << 20;
    }

    /**
     * The 2-D layout the exporter uses for an image of the given shape (only with {@link ExporterFeature#REGIONS_2D}).
     * A tiled exporter returns its tiled layout ({@link ExporterFeature#TILED}).
     *
     * @param width pixels per row; positive
     * @param height rows; positive
     * @param bytesPerPixel bytes per pixel; 1 to 16
     * @return the layout; linear without row padding by default
     */
    default BufferLayout layout(int width, int height, int bytesPerPixel) {
        return BufferLayout.linear(width, height, bytesPerPixel);
    }

    /**
     * Moves the buffer's memory to a new place, as the exporter does under memory pressure (only with
     * {@link ExporterFeature#DYNAMIC_MOVE}): take the reservation lock ({@link Rule#MOVE_1 MOVE-1}); if the buffer is
     * pinned, return without moving ({@link Rule#MOVE_2 MOVE-2}); otherwise call
     * {@link ExportedBuffer#invalidateMappings()} ({@link Rule#MOVE_3 MOVE-3}), move, publish the copy as a
     * KERNEL-usage fence ({@link Rule#MOVE_8 MOVE-8}) and unlock. Called without the lock.
     *
     * @param buffer a buffer this fixture exported
     * @throws UnsupportedFeatureException ({@link Rule#MOVE_1 MOVE-1}) by default: the exporter does not move buffers
     */
    default void move(ExportedBuffer buffer) {
        throw new UnsupportedFeatureException(Rule.MOVE_1, "fixture " + name()
                + " does not move buffers; declare DYNAMIC_MOVE and override ExporterFixture.move");
    }

    /**
     * Revokes the buffer the way the exporter does (only with {@link ExporterFeature#REVOCATION}), for example on
     * device unplug. Called without the lock.
     *
     * @param buffer a buffer this fixture exported
     * @param timeout the bound on the waits for fences and unmaps
     * @throws org.dmabuf4j.api.DmaTimeoutException ({@link Rule#REV_4 REV-4}) if importers did not unmap in time
     */
    default void revoke(ExportedBuffer buffer, Duration timeout) {
        buffer.revoke(timeout);
    }

    /**
     * The bytes of memory the exporter currently holds for buffers, if it knows: the kit checks that they return to
     * their starting value once every buffer is released ({@link Rule#HEAP_5 HEAP-5}). Memory the exporter takes from
     * the system (its heaps, and {@code system.exporterArena()} until the arena is closed) is counted by the system
     * itself; report here what the system cannot see, such as a pool of the exporter's own memory that keeps what it
     * frees.
     *
     * @return the byte count, or empty if the exporter does not track it
     */
    default OptionalLong liveBytes() {
        return OptionalLong.empty();
    }
}
