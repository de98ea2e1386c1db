package org.dmabuf4j.ipc;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A message from the peer was rejected ({@link Rule#IPC_7 IPC-7}, {@link Rule#IPC_8 IPC-8}): bad magic or version,
 * truncated, a descriptor count or kind that does not match, a size that does not match its descriptor, an unknown pool
 * or index. Every descriptor that came with it was closed. {@link #channelClosed()} says whether the channel is still
 * usable (an error in one message) or was closed (an error in the framing, after which the stream cannot be trusted).
 */
public class WireFormatException extends RuleViolationException {
    private static final long serialVersionUID = 1L;

    /** Whether the channel was closed because of the message. */
    private final boolean channelClosed;

    /**
     * Creates the exception.
     *
     * @param rule {@link Rule#IPC_7 IPC-7} or {@link Rule#IPC_8 IPC-8}
     * @param message the channel, what was wrong, what happened to the channel
     * @param channelClosed whether the channel was closed
     * @param cause what the import check threw, or null
     */
    public WireFormatException(Rule rule, String message, boolean channelClosed, Throwable cause) {
        super(rule, message, cause);
        this.channelClosed = channelClosed;
    }

    /**
     * Whether the channel was closed because of this message.
     *
     * @return true for framing errors
     */
    public boolean channelClosed() {
        return channelClosed;
    }
}
