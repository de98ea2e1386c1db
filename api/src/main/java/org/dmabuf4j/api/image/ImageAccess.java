package org.dmabuf4j.api.image;

import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;

/**
 * The CPU windows of one {@link Image#beginCpuAccess} ({@link Rule#FMT_9 FMT-9}): one {@link CpuAccess} per colour
 * plane, each 2-D in the plane's samples (its {@link CpuAccess#region()} is the plane's rectangle, its rows the
 * rectangle's rows of the plane's linear view). Closing it closes every plane's window.
 *
 * <pre>
 *   NV12, Rect(16, 16, 64, 32) in pixels:
 *     plane(0)  Y   Rect(16, 16, 64, 32)   32 rows of 64 bytes
 *     plane(1)  UV  Rect(8, 8, 32, 16)     16 rows of 64 bytes (32 samples x 2)
 * </pre>
 */
public interface ImageAccess extends AutoCloseable {
    /**
     * The image.
     *
     * @return the image that opened the windows
     */
    Image image();

    /**
     * What the windows allow.
     *
     * @return the access
     */
    Access access();

    /**
     * The region in pixels.
     *
     * @return WHOLE or the Rect given at begin
     */
    Region region();

    /**
     * The number of plane windows: the format's colour planes.
     *
     * @return 1 to 3
     */
    int planeCount();

    /**
     * One plane's window.
     *
     * @param plane 0 to {@link #planeCount()} - 1
     * @return the window, closed with this access
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#CPU_3 CPU-3}) if the index is out of range
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#CPU_4 CPU-4}) if this access is closed
     */
    CpuAccess plane(int plane);

    /**
     * Every plane's window, in plane order.
     *
     * @return an immutable list
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#CPU_4 CPU-4}) if this access is closed
     */
    List<CpuAccess> planes();

    /**
     * Whether the windows are open.
     *
     * @return false once closed
     */
    boolean isOpen();

    /**
     * Ends the access of every plane, as {@link CpuAccess#close()} each: retiles (and resolves) written tiles,
     * cleans written bytes of non-coherent buffers, closes every segment. Every plane is closed even if one fails;
     * the first failure is then thrown. Idempotent. Called without the reservation locks ({@link Rule#CPU_8 CPU-8}), by
     * the opening thread of a THREAD access ({@link Rule#CPU_5 CPU-5}).
     *
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#CPU_5 CPU-5}, {@link Rule#CPU_8 CPU-8}) as
     *     {@link CpuAccess#close()}
     */
    @Override
    void close();
}
