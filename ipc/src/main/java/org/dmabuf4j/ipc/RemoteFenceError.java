package org.dmabuf4j.ipc;

/**
 * The error of a point that another process failed ({@link SharedTimeline#fail}): the work the point stands for
 * failed over there, for the reason it gave. A fence's {@code error()}, and the cause of the
 * {@code FenceFailedException} its waits throw.
 */
public final class RemoteFenceError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The timeline's name. */
    private final String timeline;
    /** The failed point. */
    private final long seqno;
    /** The reason the other process gave. */
    private final String reason;

    /**
     * Creates the error.
     *
     * @param timeline the timeline's name
     * @param seqno the failed point
     * @param reason the reason the other process gave (at most 48 bytes of it)
     */
    public RemoteFenceError(String timeline, long seqno, String reason) {
        super("point " + Long.toUnsignedString(seqno) + " of timeline '" + timeline + "' failed in the process that"
                + " signals it: " + reason);
        this.timeline = timeline;
        this.seqno = seqno;
        this.reason = reason;
    }

    /**
     * The timeline's name.
     *
     * @return the name
     */
    public String timeline() {
        return timeline;
    }

    /**
     * The failed point.
     *
     * @return the seqno
     */
    public long seqno() {
        return seqno;
    }

    /**
     * The reason given.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }
}
