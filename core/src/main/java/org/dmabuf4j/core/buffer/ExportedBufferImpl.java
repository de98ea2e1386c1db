package org.dmabuf4j.core.buffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.DmaTimeoutException;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * The exporter's capability over its buffer: the attachments, invalidation before a move (MOVE-3, MOVE-5) and
 * revocation (REV-1).
 */
final class ExportedBufferImpl implements ExportedBuffer {
    private final BufferCore core;
    private final HandleImpl first;

    ExportedBufferImpl(BufferCore core, HandleImpl first) {
        this.core = core;
        this.first = first;
    }

    @Override
    public DmaBuf handle() {
        return first;
    }

    @Override
    public Reservation reservation() {
        return core.reservation;
    }

    @Override
    public List<Attachment> attachments() {
        requireLock(Rule.RESV_4, "attachments()");
        return List.of(core.attachments());
    }

    @Override
    public boolean isPinned() {
        requireLock(Rule.RESV_4, "isPinned()");
        return pinned();
    }

    private boolean pinned() {
        for (AttachmentImpl a = core.firstAttachment(); a != null; a = a.nextAttachment) {
            if (a.listed && a.isPinned()) {
                return true;
            }
        }
        return false;
    }

    private void requireLock(Rule rule, String what) {
        if (!core.reservation.isHeldByCurrentThread()) {
            throw new RuleViolationException(rule, what + " on " + core.describe() + " by its exporter without the"
                    + " reservation lock: lock it first");
        }
    }

    @Override
    public void invalidateMappings() {
        requireLock(Rule.MOVE_1, "invalidateMappings()");
        if (pinned()) {
            List<String> pins = new ArrayList<>();
            for (AttachmentImpl a : core.attachments()) {
                if (a.isPinned()) {
                    pins.add(a.describe());
                }
            }
            throw new RuleViolationException(Rule.MOVE_2, "invalidateMappings() on " + core.describe()
                    + ", which is pinned by " + pins + ": a pinned buffer must not move; wait for the unpin");
        }
        invalidate(Rule.MOVE_5, "invalidated by a move of the buffer");
    }

    /**
     * Under the lock: notifies every dynamic importer, then kills every older mapping. Whatever an importer throws,
     * even an Error, every importer is notified and every mapping killed first (SAFE-2); then a RuntimeException is
     * reported as MOVE-7 and an Error propagates as it is.
     */
    private void invalidate(Rule rule, String reason) {
        long generation = core.nextGeneration();
        Throwable failure = null;
        // one snapshot for both passes: the importers' code runs in between
        AttachmentImpl[] attachments = core.attachments();
        for (AttachmentImpl a : attachments) {
            if (!a.isDynamic()) {
                continue;
            }
            try {
                a.importer().orElseThrow().moveNotify(a.forImporter());
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            if (!core.reservation.isHeldByCurrentThread()) {
                throw new RuleViolationException(Rule.MOVE_7, "the importer of " + a.describe() + " released the"
                        + " reservation lock in moveNotify; moveNotify neither takes nor releases it");
            }
        }
        for (AttachmentImpl a : attachments) {
            try {
                a.killOlderThan(generation, rule, reason);
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new RuleViolationException(Rule.MOVE_7, "an importer's moveNotify failed on " + core.describe()
                    + "; every mapping was invalidated anyway", failure);
        }
    }

    @Override
    public void revoke(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new RuleViolationException(Rule.REV_1, "revoke of " + core.describe() + " with timeout " + timeout
                    + ": pass a positive bound for the fence and unmap waits");
        }
        core.checkLockNotHeld(Rule.REV_1, "revoke()");
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        core.reservation.lock();
        try {
            core.revoked = true;
            invalidate(Rule.REV_2, "revoked");
            boolean done;
            try {
                done = core.reservation.awaitFences(FenceUsage.BOOKKEEP, Duration.ofNanos(Math.max(0,
                        deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                throw new DmaInterruptedException(Rule.REV_1, "revoke of " + core.describe()
                        + " was interrupted while waiting for its fences; the buffer stays revoked", e);
            }
            if (!done) {
                List<String> pending = new ArrayList<>();
                for (Fence f : core.reservation.fences(FenceUsage.BOOKKEEP)) {
                    pending.add(f.driverName() + ":" + f.timelineName() + "#" + f.seqno());
                }
                throw new DmaTimeoutException(Rule.REV_4, "revoke of " + core.describe() + " timed out after "
                        + timeout + " waiting for fences " + pending + "; importers that have not unmapped: "
                        + core.pendingUnmaps() + ". The buffer stays revoked");
            }
        } finally {
            core.reservation.unlock();
        }
        boolean unmapped;
        try {
            unmapped = core.awaitUnmaps(deadline);
        } catch (InterruptedException e) {
            throw new DmaInterruptedException(Rule.REV_1, "revoke of " + core.describe()
                    + " was interrupted while waiting for importers to unmap; the buffer stays revoked", e);
        }
        if (!unmapped) {
            throw new DmaTimeoutException(Rule.REV_4, "revoke of " + core.describe() + " timed out after " + timeout
                    + ": importers that did not unmap: " + core.pendingUnmaps()
                    + ". The buffer stays revoked; their mappings are dead already");
        }
    }

    /** The timeout in nanoseconds, saturated at about 146 years so that a deadline never overflows. */
    static long saturatedNanos(Duration timeout) {
        long cap = Long.MAX_VALUE / 2;
        return timeout.compareTo(Duration.ofNanos(cap)) >= 0 ? cap : timeout.toNanos();
    }

    @Override
    public boolean isRevoked() {
        return core.revoked;
    }

    @Override
    public String toString() {
        return "exported " + core.describe();
    }
}
