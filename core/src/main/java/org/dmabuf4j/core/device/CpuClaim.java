package org.dmabuf4j.core.device;

import java.util.List;
import org.dmabuf4j.api.Span;

/** An open CPU window as the ownership tracker sees it: which bytes, whether it writes, whose it is. */
public interface CpuClaim {
    /**
     * The bytes the window covers.
     *
     * @return the spans
     */
    List<Span> spans();

    /**
     * Whether the window writes.
     *
     * @return true for WRITE and READ_WRITE windows
     */
    boolean claimWrites();

    /**
     * The thread that opened the window, for messages.
     *
     * @return the thread
     */
    Thread claimThread();

    /**
     * The window's region and the addresses of its segments, for ownership reports: a segment cannot carry a name,
     * but its address still answers after the window closed, when an access through it fails with the JDK's bare
     * {@code IllegalStateException: Already closed} (CPU-4), so a report that prints it lets the user match the two.
     *
     * @return for example {@code on Rect[x=16, y=16, width=64, height=8], 8 row segments 0x7f40243cc040 ..
     *     0x7f40243d0640 (256 bytes each)}
     */
    String claimDescription();
}
