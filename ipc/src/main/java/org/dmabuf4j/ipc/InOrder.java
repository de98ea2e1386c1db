package org.dmabuf4j.ipc;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.dmabuf4j.api.DmaBufException;

/**
 * Completes the points of a timeline this process signals in seqno order although the work behind them finishes in
 * any order (IPC-12): the value moves to the highest point whose every predecessor is complete, carrying the errors
 * of the failed ones. Thread-safe; the advance happens under this object's monitor so that two completions never
 * reorder it.
 */
final class InOrder {
    private final SharedTimeline timeline;
    /** The last seqno handed out. */
    private long allocated;
    /** The value signaled so far. */
    private long signaled;
    /** Completed points above {@code signaled}: seqno to error (null for none). */
    private final TreeMap<Long, String> done = new TreeMap<>();

    InOrder(SharedTimeline timeline) {
        this.timeline = timeline;
        this.allocated = timeline.value();
        this.signaled = allocated;
    }

    /**
     * Hands out the next point.
     *
     * @return its seqno
     */
    synchronized long allocate() {
        return ++allocated;
    }

    /**
     * Whether every point handed out is signaled.
     *
     * @return true if none is pending
     */
    synchronized boolean idle() {
        return signaled == allocated;
    }

    /**
     * The value signaled so far.
     *
     * @return the value
     */
    synchronized long signaled() {
        return signaled;
    }

    /**
     * Marks a point complete and signals every point whose predecessors all are. A point completed twice, or one
     * already signaled, is ignored; so is a closed timeline.
     *
     * @param seqno the point
     * @param error why it failed, or null
     */
    synchronized void complete(long seqno, String error) {
        if (seqno <= signaled || done.containsKey(seqno)) {
            return;
        }
        if (seqno == signaled + 1 && error == null && done.isEmpty()) {
            // the common case, every frame released in order: no bookkeeping, nothing allocated
            if (seqno > allocated) {
                allocated = seqno;
            }
            signaled = seqno;
            try {
                timeline.advance(seqno, Map.of());
            } catch (DmaBufException closed) {
                // the channel closed its timeline: nobody waits for these points any more
            }
            return;
        }
        if (seqno > allocated) {
            allocated = seqno;
        }
        done.put(seqno, error);
        long to = signaled;
        Map<Long, String> errors = new HashMap<>();
        while (done.containsKey(to + 1)) {
            to++;
            String e = done.remove(to);
            if (e != null) {
                errors.put(to, e);
            }
        }
        if (to > signaled) {
            signaled = to;
            try {
                timeline.advance(to, errors);
            } catch (DmaBufException closed) {
                // the channel closed its timeline: nobody waits for these points any more
            }
        }
    }
}
