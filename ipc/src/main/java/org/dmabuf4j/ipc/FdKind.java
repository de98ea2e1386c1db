package org.dmabuf4j.ipc;

/**
 * What an owned file descriptor refers to, as the ipc module made or checked it.
 */
public enum FdKind {
    /** A memfd holding a buffer's memory. */
    MEMFD,
    /** A memfd holding a shared timeline's page. */
    TIMELINE,
    /** An AF_UNIX socket (a channel end or a listener). */
    SOCKET,
    /** An eventfd (readiness for event loops). */
    EVENTFD,
    /** A pidfd (watching a peer process). */
    PIDFD,
    /** A kernel dma-buf or a device node (/dev/udmabuf, /dev/dma_heap/*). */
    DEVICE,
    /** Received or adopted, not yet checked. */
    UNCHECKED
}
