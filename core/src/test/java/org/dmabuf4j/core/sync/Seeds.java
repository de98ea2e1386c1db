package org.dmabuf4j.core.sync;

/** Seeds for random tests: printed, and replayable with {@code -Ddmabuf4j.seed=<seed>}. */
final class Seeds {
    static final String PROPERTY = "dmabuf4j.seed";

    private Seeds() {
    }

    /**
     * The seed for a random test: the system property if set, else a fresh one. Printed either way.
     *
     * @param test the test's name, for the printed line
     * @return the seed
     */
    static long seed(String test) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed != null ? Long.parseLong(fixed.trim()) : System.nanoTime() ^ Thread.currentThread().threadId();
        System.out.println("[seed] " + test + ": -D" + PROPERTY + "=" + seed);
        return seed;
    }
}
