package org.dmabuf4j.api;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A CPU window on a region of a buffer, from {@link DmaBuf#beginCpuAccess(Access, Region, Confinement)} to
 * {@link #close()} (begin_cpu_access to end_cpu_access).
 *
 * <p>The window exposes exactly its region ({@link Rule#CPU_3 CPU-3}): a 1-D window one segment, a 2-D window one
 * segment per row. Every segment is closed with the window: touching it afterwards fails ({@link Rule#CPU_4 CPU-4}).
 * Segments of a READ window are read-only ({@link Rule#CPU_6 CPU-6}). A THREAD-confined window is touched and closed by
 * its opening thread only ({@link Rule#CPU_5 CPU-5}).
 *
 * <p><b>The one failure without a rule ID.</b> An access through a segment kept after its window closed is refused by
 * the JDK itself, with a bare {@code IllegalStateException: Already closed} that names neither the buffer nor the
 * window (a segment carries no name; the window's own methods fail with a {@link ClosedException} naming
 * {@link Rule#CPU_4 CPU-4}). Its stack trace shows where the stale access is. To find the window the segment came
 * from, print the segment's {@link MemorySegment#address() address()}, which still answers after close: a window's
 * {@code toString()}, and the ownership reports that mention it, name its region and its segments' addresses, for
 * example:
 *
 * <pre>
 *   READ_WRITE window on Rect[x=16, y=16, width=64, height=8], 8 row segments 0x7f40243cc040 .. 0x7f40243d0640
 *   (256 bytes each) of buffer 'frame-0' #1 (exporter system, 1228800 bytes) (closed)
 * </pre>
 *
 * <p>The usual cause is a segment stored in a field, or returned from the try-with-resources block that opened the
 * window.
 *
 * <p>Close every window. With leak detection on, a window dropped open (neither it nor any of its segments reachable
 * any more) is reported with where it was opened and closed by the garbage collector: its writes reach memory, its
 * buffer reference is dropped ({@link Rule#SAFE_6 SAFE-6}).
 *
 * <pre>
 *   2-D window on Rect(x, y, w, h):   row(0) ─► [ w * bpp bytes ]     (stride gap: not reachable)
 *                                     row(1) ─► [ w * bpp bytes ]
 *                                     ...
 * </pre>
 *
 * @see "DMA_BUF_IOCTL_SYNC START/END"
 */
public interface CpuAccess extends AutoCloseable {
    /**
     * The buffer.
     *
     * @return the buffer, as the handle that opened the window
     */
    DmaBuf buffer();

    /**
     * What the window allows.
     *
     * @return the access
     */
    Access access();

    /**
     * The region the window covers.
     *
     * @return the region
     */
    Region region();

    /**
     * The region's bytes as buffer spans, one per segment.
     *
     * @return the spans
     */
    List<Span> spans();

    /**
     * The one segment of a 1-D window (WHOLE or Range).
     *
     * @return the segment, {@code region.length} bytes, closed with the window
     * @throws RuleViolationException ({@link Rule#CPU_3 CPU-3}) if the window is 2-D: use {@link #row(int)}
     * @throws ClosedException ({@link Rule#CPU_4 CPU-4}) if the window is closed
     */
    MemorySegment segment();

    /**
     * The number of segments: 1 for a 1-D window, the rectangle's height for a 2-D one.
     *
     * @return the count
     */
    int rowCount();

    /**
     * One segment of the window: row {@code i} of a 2-D window, or the single segment (i = 0) of a 1-D one.
     *
     * @param i 0 to {@link #rowCount()} - 1
     * @return the segment, closed with the window
     * @throws RuleViolationException ({@link Rule#CPU_3 CPU-3}) if {@code i} is out of range
     * @throws ClosedException ({@link Rule#CPU_4 CPU-4}) if the window is closed
     */
    MemorySegment row(int i);

    /**
     * All segments, in span order.
     *
     * @return the segments
     * @throws ClosedException ({@link Rule#CPU_4 CPU-4}) if the window is closed
     */
    List<MemorySegment> segments();

    /**
     * The bytes the window covers.
     *
     * @return the sum of the spans' lengths
     */
    long byteSize();

    /**
     * Which threads may use the window.
     *
     * @return the confinement
     */
    Confinement confinement();

    /**
     * Whether the window is open.
     *
     * @return false once closed
     */
    boolean isOpen();

    /**
     * Ends the access (end_cpu_access): cleans the region for a writable window on a non-coherent buffer
     * ({@link Rule#CPU_9 CPU-9}; an unmap, detach, move or revocation while the window was open kept its lines,
     * {@link Rule#SAFE_4 SAFE-4}), writes staged bytes back, and closes every segment ({@link Rule#CPU_4 CPU-4}).
     * Idempotent. Called without the reservation lock ({@link Rule#CPU_8 CPU-8}), by the opening thread for a THREAD
     * window ({@link Rule#CPU_5 CPU-5}).
     *
     * @throws RuleViolationException ({@link Rule#CPU_5 CPU-5}) from another thread of a THREAD window,
     *     ({@link Rule#CPU_8 CPU-8}) if the lock is held
     * @throws ExporterFaultException ({@link Rule#SAFE_1 SAFE-1}) if the exporter freed the memory of a copied window
     *     before its bytes were written back; the window is closed anyway and its writes are lost
     * @see "dma_buf_end_cpu_access"
     */
    @Override
    void close();
}
