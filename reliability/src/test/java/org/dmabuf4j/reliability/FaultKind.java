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
    BLOCK
}
