package org.dmabuf4j.core.sync;

import java.util.Arrays;

import org.dmabuf4j.api.Fence;

/**
 * An immutable view of a timeline sync object's points: a window {@code [from, to)} of two parallel, append-only
 * arrays sorted by point (points strictly increase, SYNCOBJ-3), so a lookup is a binary search without a lock.
 *
 * <pre>
 *   points  [ 3 | 7 | 12 | 20 |  .  ]     from = 1 (point 3 retired), to = 4
 *   nodes   [ c3| c7| c12| c20|  .  ]     c7 signaled, c12 pending: query() = 7
 * </pre>
 *
 * <p>Writers (under the object's lock) append past {@code to} and publish a new view, so the slots a published view
 * covers never change; a full array is copied, compacted. Signaled nodes but the newest signaled one are retired
 * from the front, remembering only the last retired point and the first retired error, so a long frame loop keeps
 * a bounded window.
 */
final class TimelinePoints {
    /**
     * No point at all: a new or reset timeline. Each has its own arrays, since views append into them.
     *
     * @return an empty view
     */
    static TimelinePoints empty() {
        return new TimelinePoints(new long[8], new FenceChainImpl[8], 0, 0, 0, null);
    }

    private final long[] points;
    private final FenceChainImpl[] nodes;
    private final int from;
    private final int to;
    /** The last retired point, 0 if none: points at or below it have signaled. */
    final long retiredUpTo;
    /** A signaled fence carrying the first error among retired nodes, and the point it covers from; or null. */
    final RetiredError retiredError;

    /** The first error of a retired node: points from {@code point} up to the retired horizon report it. */
    record RetiredError(long point, Fence fence) {
    }

    private TimelinePoints(long[] points, FenceChainImpl[] nodes, int from, int to, long retiredUpTo,
            RetiredError retiredError) {
        this.points = points;
        this.nodes = nodes;
        this.from = from;
        this.to = to;
        this.retiredUpTo = retiredUpTo;
        this.retiredError = retiredError;
    }

    boolean isEmpty() {
        return from == to && retiredUpTo == 0;
    }

    /** The newest node, or null. */
    FenceChainImpl head() {
        return from == to ? null : nodes[to - 1];
    }

    /** The last point added, 0 if none. */
    long lastPoint() {
        return from == to ? retiredUpTo : points[to - 1];
    }

    int retained() {
        return to - from;
    }

    /**
     * The fence covering {@code point} (SYNCOBJ-4): the node of the first point at or after it, a signaled fence for
     * a retired point, or null if the point is later than every point added.
     *
     * @param point a point, unsigned; 0 means the head
     * @param stub the signaled fence for retired points without error
     */
    Fence covering(long point, Fence stub) {
        if (point == 0) {
            return head();
        }
        if (Long.compareUnsigned(point, lastPoint()) > 0) {
            return null;
        }
        if (Long.compareUnsigned(point, retiredUpTo) <= 0) {
            RetiredError e = retiredError;
            return e != null && Long.compareUnsigned(point, e.point()) >= 0 ? e.fence() : stub;
        }
        int lo = from;
        int hi = to - 1;
        while (lo < hi) { // the first index whose point is >= point
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], point) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return nodes[lo];
    }

    /**
     * The last signaled point (SYNCOBJ-4): signaled nodes form a prefix (a node signals only after its predecessor),
     * so a binary search finds its end.
     */
    long lastSignaled() {
        int lo = from;
        int hi = to; // first index not signaled
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (nodes[mid].isSignaled()) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == from ? retiredUpTo : points[lo - 1];
    }

    /**
     * A view with one more point, retiring the signaled prefix but its newest node first when the window has grown.
     *
     * @param point later than {@link #lastPoint()}
     * @param node its chain node
     */
    TimelinePoints append(long point, FenceChainImpl node) {
        TimelinePoints base = to - from >= 32 ? retireSignaled() : this;
        long[] p = base.points;
        FenceChainImpl[] n = base.nodes;
        int f = base.from;
        int t = base.to;
        if (t == p.length) {
            int live = t - f;
            int capacity = Math.max(8, Integer.highestOneBit(Math.max(1, live)) * 4);
            p = Arrays.copyOfRange(p, f, f + capacity);
            n = Arrays.copyOfRange(n, f, f + capacity);
            f = 0;
            t = live;
        }
        p[t] = point;
        n[t] = node;
        return new TimelinePoints(p, n, f, t + 1, base.retiredUpTo, base.retiredError);
    }

    /** Retires every signaled node but the newest signaled one, keeping the first error. */
    private TimelinePoints retireSignaled() {
        int end = from;
        while (end < to && nodes[end].isSignaled()) {
            end++;
        }
        int keep = end - 1; // the newest signaled stays: query() and the chain's link to the past
        if (keep <= from) {
            return this;
        }
        RetiredError error = retiredError;
        for (int i = from; i < keep && error == null; i++) {
            if (nodes[i].error().isPresent()) {
                nodes[i].walkPrevious();
                error = new RetiredError(points[i], nodes[i]);
            }
        }
        nodes[keep].walkPrevious(); // unlink the retired nodes, so they can be collected
        return new TimelinePoints(points, nodes, keep, to, points[keep - 1], error);
    }
}
