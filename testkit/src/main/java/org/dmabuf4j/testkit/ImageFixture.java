package org.dmabuf4j.testkit;

import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * How {@link ImageConformance} reaches an exporter of images: export one image of a format, size and modifier, the
 * way the exporter does in production (typically its own buffers through {@code system.export}, described by an
 * {@link org.dmabuf4j.api.image.ImageDescriptor} and imported with {@code system.images().importImage}), and declare
 * which (format, modifier) pairs it exports.
 *
 * <pre>{@code
 * class MyCameraPoolImagesTest extends ImageConformance {
 *     protected ImageFixture fixture() {
 *         return new ImageFixture() {
 *             public Image export(SimulatedSystem system, DrmFormat format, int width, int height,
 *                     FormatModifier modifier) {
 *                 ImageDescriptor d = myPool.describe(format, width, height, modifier);
 *                 List<DmaBuf> buffers = myPool.exportBuffers(system, d);     // through system.export(...)
 *                 try { return system.images().importImage(d, buffers); }
 *                 finally { buffers.forEach(DmaBuf::close); }                 // the image holds its own shares
 *             }
 *             public FormatSet formats() {
 *                 return FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR);
 *             }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>The kit calls the fixture from the test thread, without any reservation lock held, and closes every image it
 * gets.
 */
public interface ImageFixture {
    /**
     * Exports a new image.
     *
     * @param system the kit's system for this test; export into it
     * @param format a format of {@link #formats()}
     * @param width pixels per row; positive
     * @param height rows; positive
     * @param modifier a modifier {@link #formats()} lists for the format
     * @return the image; the kit closes it
     */
    Image export(SimulatedSystem system, DrmFormat format, int width, int height, FormatModifier modifier);

    /**
     * The (format, modifier) pairs the exporter exports.
     *
     * @return the pairs; not empty
     */
    FormatSet formats();

    /**
     * A short name for messages.
     *
     * @return the class's simple name by default
     */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /**
     * A new system for one test.
     *
     * @return a new open system; the kit closes it
     */
    default SimulatedSystem newSystem() {
        return DmaBufs.newSystem();
    }
}
