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
}
