package org.dmabuf4j.api;

import java.time.Duration;
import java.time.Instant;

/** Converts wall-clock deadlines to the {@link System#nanoTime()} clock that fences keep them on. */
final class Deadlines {
    private Deadlines() {
    }

    /**
     * The {@link System#nanoTime()} value at {@code deadline}, saturated for deadlines centuries away.
     *
     * @param deadline the instant; not null
     * @param where what the deadline is for, for the message
     * @return the nanoTime value
     * @throws RuleViolationException ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}) on a null deadline
     */
    static long toNanoTime(Instant deadline, Object where) {
        if (deadline == null) {
            throw new RuleViolationException(Rule.SYNCOBJ_8, "deadline for " + where + " is null: pass the Instant by "
                    + "which the result is needed");
        }
        long now = System.nanoTime();
        long delta;
        try {
            delta = Duration.between(Instant.now(), deadline).toNanos();
        } catch (ArithmeticException far) {
            delta = deadline.isAfter(Instant.now()) ? Long.MAX_VALUE / 4 : -(Long.MAX_VALUE / 4);
        }
        delta = Math.max(-(Long.MAX_VALUE / 4), Math.min(Long.MAX_VALUE / 4, delta));
        return now + delta;
    }
}
