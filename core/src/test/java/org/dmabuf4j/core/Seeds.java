package org.dmabuf4j.core;

import java.util.Random;

/** Seeds of random tests: printed, and replayable with -Ddmabuf4j.seed=N. */
final class Seeds {
    private Seeds() {
    }

    static Random random(String test) {
        String fixed = System.getProperty("dmabuf4j.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (replay with -Ddmabuf4j.seed=" + seed + ")");
        return new Random(seed);
    }
}
