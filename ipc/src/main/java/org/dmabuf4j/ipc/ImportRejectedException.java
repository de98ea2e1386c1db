package org.dmabuf4j.ipc;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A descriptor offered as a buffer is not one ({@link Rule#IPC_4 IPC-4}): not a memfd, not sealed against shrinking and
 * growing, or of another size than announced. The descriptor was closed and nothing was mapped.
 */
public class ImportRejectedException extends RuleViolationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which descriptor, what was wrong with it, what the sender must do
     */
    public ImportRejectedException(String message) {
        super(Rule.IPC_4, message);
    }
}
