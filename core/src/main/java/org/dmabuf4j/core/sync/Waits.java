package org.dmabuf4j.core.sync;

import java.time.Duration;

import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/** Timeout conversion and the spin-then-park policy shared by every blocking wait of the package. */
final class Waits {
    /**
     * Busy-wait iterations before parking. Idle vCPUs halt, so a wake-up after park costs tens of microseconds;
     * a short spin catches signals that arrive within about a microsecond without burning a core for long.
     */
    static final int SPINS = Integer.getInteger("dmabuf4j.fence.spins", 100);

    private Waits() {
    }

    /**
     * A timeout in nanoseconds, saturated at {@link Long#MAX_VALUE}.
     *
     * @param timeout the timeout; not null, not negative
     * @param rule the rule named when the timeout is bad
     * @param what what is waited for, for the message
     * @return the nanoseconds
     */
    static long nanos(Duration timeout, Rule rule, String what) {
        if (timeout == null) {
            throw new RuleViolationException(rule, "timeout of the wait for " + what
                    + " is null: pass Duration.ZERO to poll or a positive duration");
        }
        if (timeout.isNegative()) {
            throw new RuleViolationException(rule, "timeout of the wait for " + what + " is negative (" + timeout
                    + "): pass Duration.ZERO to poll or a positive duration");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Backs off inside a CAS retry loop whose competitor holds a transient state for a few instructions.
     *
     * @param round how many times the caller has retried
     */
    static void backOff(int round) {
        if (round < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
