package org.dmabuf4j.core.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceFailedException;
import org.dmabuf4j.api.FenceInfo;
import org.dmabuf4j.api.FenceStatus;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncFileInfo;

/** A sync file: one fence (possibly an array) and a name, immutable. */
final class SyncFileImpl implements SyncFile {
    private final Fence fence;
    private final String name;

    /**
     * Wraps a fence.
     *
     * @param fence not null
     * @param name the name, or null for the default "driver-timeline context-seqno"
     */
    SyncFileImpl(Fence fence, String name) {
        if (fence == null) {
            throw new RuleViolationException(Rule.SYNC_9, "a sync file needs a fence, got null: wrap "
                    + "Fences.signaled() for one that is ready at once");
        }
        this.fence = fence;
        this.name = name != null ? name : defaultName(fence);
    }

    static String defaultName(Fence fence) {
        return fence.driverName() + "-" + fence.timelineName() + " " + fence.context() + "-"
                + Long.toUnsignedString(fence.seqno());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Fence fence() {
        return fence;
    }

    @Override
    public SyncFile merge(SyncFile other, String mergedName) {
        if (other == null) {
            throw new RuleViolationException(Rule.SYNC_2, "merge of sync file '" + name + "' with null: pass "
                    + "another sync file");
        }
        return new SyncFileImpl(Unwrap.merge(List.of(fence, other.fence())), mergedName);
    }

    @Override
    public SyncFileInfo info() {
        List<Fence> leaves = Unwrap.leaves(fence);
        List<FenceInfo> infos = new ArrayList<>(leaves.size());
        boolean anyError = false;
        boolean anyPending = false;
        for (Fence leaf : leaves) {
            // Read the status once: a leaf may signal while we look at it.
            FenceStatus status = leaf.status();
            long timestamp = status.isSignaled() ? leaf.timestampNanos() : 0;
            anyError |= status == FenceStatus.ERROR;
            anyPending |= status == FenceStatus.PENDING;
            infos.add(new FenceInfo(leaf.timelineName(), leaf.driverName(), status, timestamp));
        }
        FenceStatus overall = anyError ? FenceStatus.ERROR
                : anyPending ? FenceStatus.PENDING : FenceStatus.SIGNALED;
        return new SyncFileInfo(name, overall, infos);
    }

    @Override
    public boolean poll() {
        return fence.isSignaled();
    }

    @Override
    public boolean await(Duration timeout) {
        boolean signaled = Waits.awaitOrThrowInterrupt(fence, timeout);
        FenceFailedException.throwIfFailed("await(" + timeout + ") of sync file '" + name + "'", fence);
        return signaled;
    }

    @Override
    public CompletableFuture<Fence> toCompletableFuture() {
        return fence.toCompletableFuture();
    }

    @Override
    public String toString() {
        return "sync file '" + name + "' (" + BaseFence.describe(fence) + ")";
    }
}
