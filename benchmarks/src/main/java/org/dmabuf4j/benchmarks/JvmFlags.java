package org.dmabuf4j.benchmarks;

/**
 * JVM flags for the forked benchmark JVMs, as constants so that {@code @Fork(jvmArgsAppend = ...)} can name them.
 *
 * <p>Every class gets {@link #NATIVE_ACCESS} (restricted FFM methods would warn, and the warning costs a stack walk on
 * first use) and {@link #UNSAFE_MEMORY_ACCESS} (JMH 1.37 itself uses {@code sun.misc.Unsafe}, which prints warnings on
 * JDK 24+). Only the class that uses Chronicle Bytes adds the Chronicle flags: they open JDK internals, which the other
 * measurements should not run with.
 */
final class JvmFlags {
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";

    static final String CHRONICLE_OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String CHRONICLE_EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String CHRONICLE_EXPORT_UTIL = "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED";
    static final String CHRONICLE_EXPORT_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Chronicle bundles an analytics component that would phone home; never in a measurement. */
    static final String CHRONICLE_NO_ANALYTICS = "-Dchronicle.analytics.disable=true";

    /** Agrona 2 reaches jdk.internal.misc.Unsafe (the cross-process ring-buffer peer only). */
    static final String AGRONA_EXPORT_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private JvmFlags() {
    }
}
