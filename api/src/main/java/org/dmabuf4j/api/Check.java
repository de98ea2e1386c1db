package org.dmabuf4j.api;

/** Argument checks that report the rule whose precondition a bad argument breaks. */
final class Check {
    private Check() {
    }

    static <T> T notNull(T value, Rule rule, String what) {
        if (value == null) {
            throw new RuleViolationException(rule, what + " is null");
        }
        return value;
    }

    static long positive(long value, Rule rule, String what) {
        if (value <= 0) {
            throw new RuleViolationException(rule, what + " must be positive, was " + value);
        }
        return value;
    }

    static long notNegative(long value, Rule rule, String what) {
        if (value < 0) {
            throw new RuleViolationException(rule, what + " must not be negative, was " + value);
        }
        return value;
    }
}
