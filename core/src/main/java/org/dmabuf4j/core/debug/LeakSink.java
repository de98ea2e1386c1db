package org.dmabuf4j.core.debug;

/**
 * Where objects of packages below the system (sync, device) report their leaks (SAFE-6): the system, which records
 * and logs them and decides whether creation sites are recorded.
 */
public interface LeakSink {
    /**
     * Whether creation sites are recorded and leaks reported.
     *
     * @return true with leak detection on
     */
    boolean leakDetection();

    /**
     * Records and logs one leak report.
     *
     * @param report the report, from {@link Leaks#report(String, String, Throwable)}
     */
    void leaked(String report);
}
