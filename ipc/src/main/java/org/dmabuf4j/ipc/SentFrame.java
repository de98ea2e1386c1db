package org.dmabuf4j.ipc;

import java.util.concurrent.CompletableFuture;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * What the sending side keeps of a frame it sent.
 *
 * @param frame the frame's number on the channel (also its release point on the receiver's release timeline)
 * @param released the release fence: signals when the receiver released this frame and every earlier one
 *     ({@link Rule#IPC_12 IPC-12}), fails with a {@link PeerGoneException} if the receiver is gone first
 *     ({@link Rule#IPC_13 IPC-13}) or with a {@link RemoteFenceError} if it rejected the frame; also in the buffer's
 *     reservation with READ usage ({@link Rule#IPC_11 IPC-11})
 * @param remoteClosed for a frame that carried its own descriptor, completes when the receiver's last handle of the
 *     imported buffer closed or the receiver is gone ({@link Rule#IPC_10 IPC-10}); for a pool frame, already complete
 */
public record SentFrame(long frame, Fence released, CompletableFuture<Void> remoteClosed) {
    /**
     * Validates the record.
     *
     * @throws RuleViolationException ({@link Rule#IPC_12 IPC-12}) on a frame number below 1 (frames count from 1 and
     *     are also release points) or a null fence or future
     */
    public SentFrame {
        if (frame < 1 || released == null || remoteClosed == null) {
            throw new RuleViolationException(Rule.IPC_12, "SentFrame(" + frame + ", " + released + ", " + remoteClosed
                    + "): frames count from 1 and carry their release fence and remote-close future");
        }
    }
}
