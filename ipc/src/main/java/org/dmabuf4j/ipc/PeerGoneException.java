package org.dmabuf4j.ipc;

import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;

/**
 * The other process is gone: it died (its pidfd became readable), hung up its end of the channel, said goodbye, or
 * closed a timeline it signals ({@link Rule#IPC_6 IPC-6}, {@link Rule#IPC_13 IPC-13}). Pending points it owed fail with
 * this error; sends on its channel throw it.
 */
public class PeerGoneException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule {@link Rule#IPC_6 IPC-6} (a timeline's signaller) or {@link Rule#IPC_13 IPC-13} (a channel's peer);
     *     not null
     * @param message which peer (pid), how it went, and what was pending
     */
    public PeerGoneException(Rule rule, String message) {
        super(rule, message);
    }
}
