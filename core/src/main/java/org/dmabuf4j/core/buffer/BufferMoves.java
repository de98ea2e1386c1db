package org.dmabuf4j.core.buffer;

import java.time.Duration;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.move.Movable;

/** What {@code SimulatedSystem.move} and {@code revoke} do: the exporter's hand, for core's own exporters. */
final class BufferMoves {
    private BufferMoves() {
    }

    static Fence move(SystemImpl system, DmaBuf buffer) {
        BufferCore core = coreOf(system, buffer, Rule.MOVE_1, "move");
        if (!(core.exporter instanceof Movable movable)) {
            throw new UnsupportedFeatureException(Rule.BUF_10, "move of " + core.describe() + ": its exporter '"
                    + core.exporterName + "' is static and never moves its memory; allocate from a device's local"
                    + " memory (SimulatedDevice.localMemory()) for a buffer that moves");
        }
        core.checkNotRevoked("move");
        boolean held = core.reservation.isHeldByCurrentThread();
        if (!held) {
            core.reservation.lock();
        }
        try {
            core.checkNotRevoked("move");
            return movable.move();
        } finally {
            // an importer that released the lock in moveNotify (MOVE-7) has been reported: do not mask that
            if (!held && core.reservation.isHeldByCurrentThread()) {
                core.reservation.unlock();
            }
        }
    }

    static void revoke(SystemImpl system, DmaBuf buffer, Duration timeout) {
        BufferCore core = coreOf(system, buffer, Rule.REV_1, "revoke");
        new ExportedBufferImpl(core, (HandleImpl) buffer).revoke(timeout);
    }

    private static BufferCore coreOf(SystemImpl system, DmaBuf buffer, Rule rule, String what) {
        if (!(buffer instanceof HandleImpl h) || h.core.system != system) {
            throw new RuleViolationException(rule, what + "(" + buffer + "): pass an open handle of a buffer of this"
                    + " system");
        }
        if (!h.isOpen()) {
            throw new ClosedException(Rule.BUF_3, what + " on a closed handle of " + h.core.describe()
                    + ": use an open handle");
        }
        return h.core;
    }
}
