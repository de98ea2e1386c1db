package org.dmabuf4j.reliability;

/** What the foreign code does when its fault point is hit. */
enum FaultKind {
    /** Throws an unchecked exception. */
    RUNTIME,
    /** Throws a {@link StackOverflowError}. */
    STACK_OVERFLOW,
    /** Throws an {@link OutOfMemoryError}. */
    OUT_OF_MEMORY,
    /** Blocks on a latch until the test releases it (bounded), then returns normally. */
    BLOCK,
    /**
     * Frees the exporter's memory (closes its arenas) before release, then returns normally: exporter fault points
     * only. The framework must answer later accesses with a rule-named error (SAFE-1), never crash.
     */
    FREE_EARLY;

    /**
     * Whether the kind applies to a fault point.
     *
     * @param p the point
     * @return false for FREE_EARLY at importer and fence-callback points
     */
    boolean appliesTo(FaultPoint p) {
        return this != FREE_EARLY || (p != FaultPoint.MOVE_NOTIFY && p != FaultPoint.ALLOW_P2P
                && p != FaultPoint.FENCE_CALLBACK);
    }
}
