package org.dmabuf4j.reliability;

import java.util.Random;

/**
 * The seed of every random choice in this module: {@code -Ddmabuf4j.seed=N} replays a run; otherwise a fresh seed,
 * printed so that a failure can be replayed.
 */
final class Seeds {
    private Seeds() {
    }

    /**
     * The seed for one suite, printed with the suite's name.
     *
     * @param suite the suite's name, printed with the seed
     * @return the seed
     */
    static long seed(String suite) {
        String p = System.getProperty("dmabuf4j.seed", "").trim();
        long seed = p.isEmpty() ? new Random().nextLong() : Long.parseLong(p);
        System.out.println("[" + suite + "] seed " + seed + " (replay with -Ddmabuf4j.seed=" + seed + ")");
        return seed;
    }
}
