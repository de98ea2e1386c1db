package org.dmabuf4j.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** How {@link SystemExtension} builds the system of a test (method settings win over class settings). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
@interface SystemSettings {
    /**
     * The global ownership policy.
     *
     * @return the policy
     */
    OwnershipPolicy policy() default OwnershipPolicy.THROW;

    /**
     * The contiguous pool in KiB.
     *
     * @return the pool size
     */
    long contiguousPoolKiB() default 64 * 1024;

    /**
     * The system heap's capacity in KiB.
     *
     * @return the capacity
     */
    long systemHeapKiB() default 256 * 1024;

    /**
     * Whether the test leaks handles on purpose (the leak check is skipped).
     *
     * @return true to allow leak reports
     */
    boolean expectLeaks() default false;
}
