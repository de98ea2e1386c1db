package org.dmabuf4j.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The log records a test (or every test of a class) provokes on purpose: records of core's loggers whose message
 * contains one of {@link #value()} are captured silently by {@link LogCapture}; every other record is printed, loud,
 * with the test's name. A test that must see a record asserts it through {@link LogCapture.Records}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ExpectedLogs {
    /**
     * Substrings of the expected messages.
     *
     * @return the substrings
     */
    String[] value();
}
