package org.dmabuf4j.ipc;

import java.time.Duration;

/**
 * Timeouts of the module's waits in nanoseconds. A {@link Duration} may be far longer than a {@code long} of
 * nanoseconds holds ({@code Duration.ofSeconds(Long.MAX_VALUE)} is a legal "wait for ever"); {@link Duration#toNanos}
 * would throw {@link ArithmeticException} for it, so every wait of the module converts through here instead.
 */
final class Timeouts {
    /** About 36 years: long enough to be "for ever", short enough that {@code System.nanoTime() + it} never wraps. */
    static final long FOREVER_NANOS = Long.MAX_VALUE / 4;

    private Timeouts() {
    }

    /**
     * The timeout in nanoseconds, saturated at {@link #FOREVER_NANOS}.
     *
     * @param timeout a timeout the caller checked: not null, not negative
     * @return its nanoseconds, at most {@link #FOREVER_NANOS}
     */
    static long nanos(Duration timeout) {
        if (timeout.compareTo(Duration.ofNanos(FOREVER_NANOS)) >= 0) {
            return FOREVER_NANOS;
        }
        return timeout.toNanos();
    }
}
