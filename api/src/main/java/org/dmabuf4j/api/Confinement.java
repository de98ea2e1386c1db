package org.dmabuf4j.api;

/**
 * Which threads may use a CPU window ({@link Rule#CPU_5 CPU-5}).
 *
 * <p>A confined window is cheap to open and close (a confined arena); a shared window can be touched from any thread,
 * but closing it costs a thread handshake of tens of microseconds: keep shared windows off hot paths.
 */
public enum Confinement {
    /** Only the opening thread may touch the window's segments and close it. The default. */
    THREAD,
    /** Any thread may touch the segments and close the window. */
    SHARED
}
