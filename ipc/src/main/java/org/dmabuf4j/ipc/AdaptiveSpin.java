package org.dmabuf4j.ipc;

/**
 * How long one waiting site spins before it sleeps in the kernel (a futex wait, a blocking recvmsg), learned from
 * how that site's recent waits went: the spin-then-park policy of adaptive mutexes, applied across processes.
 *
 * <p>A sleeping thread costs a wake-up when the other process answers, and on a VM a wake-up of an idle vCPU is tens
 * of microseconds (measured on the 2-vCPU build VM: a cross-process round trip of two futex wake-ups 20 µs, the same
 * with both sides spinning under 2 µs). Spinning pays only when the answer comes while the spinner still spins, i.e.
 * when the other process is running on another CPU; otherwise the spinner takes a CPU that the other process or
 * anyone else needs. So the budget follows the outcomes:
 *
 * <pre>
 *   answered while spinning   budget := max                                       (the peer is running: spin)
 *   had to sleep              budget := budget / 2, 0 below 1 µs                   (the peer is not: sleep at once)
 *   budget 0                  every 64th wait probes with max, so that a peer that starts answering fast is noticed
 * </pre>
 *
 * <p>The maximum is {@code -Ddmabuf4j.ipc.spinNanos} (default {@value #DEFAULT_MAX_NANOS} ns; 0 turns spinning off)
 * and 0 on a single CPU, where a spinner can only delay the process it waits for. Racy by design: the fields are a
 * heuristic, read and written without synchronisation by the site's waiters; a lost update costs one spin more or
 * less. Thread-safe in that sense.
 */
final class AdaptiveSpin {
    /** The default maximum spin: about one wake-up of an idle vCPU on the build VM. */
    static final long DEFAULT_MAX_NANOS = 30_000;
    /** The configured maximum of fence waits ({@code -Ddmabuf4j.ipc.spinNanos}). */
    static final long MAX_NANOS = configuredMax("dmabuf4j.ipc.spinNanos", DEFAULT_MAX_NANOS);
    /** The configured maximum of a channel reader's wait for the next message ({@code -Ddmabuf4j.ipc.readSpinNanos}). */
    static final long READ_MAX_NANOS = configuredMax("dmabuf4j.ipc.readSpinNanos", MAX_NANOS);
    private static final long MIN_NANOS = 1_000;
    /** Spinning longer than this yields between polls ({@link #pause}). */
    static final long YIELD_AFTER_NANOS = 5_000;
    private static final int PROBE_EVERY = 64;

    private final long max;
    private long budget;
    private int sleepsAtZero;

    /** A site with the configured maximum. */
    AdaptiveSpin() {
        this(MAX_NANOS);
    }

    /**
     * A site with its own maximum (tests).
     *
     * @param maxNanos the most it spins; 0 never spins
     */
    AdaptiveSpin(long maxNanos) {
        this.max = Math.max(0, maxNanos);
        this.budget = this.max;
    }

    private static long configuredMax(String property, long fallback) {
        long configured = Long.getLong(property, fallback);
        return Runtime.getRuntime().availableProcessors() < 2 ? 0 : Math.max(0, configured);
    }

    /**
     * How long the next wait may spin.
     *
     * @return nanoseconds; 0 to sleep at once
     */
    long budget() {
        long b = budget;
        if (b == 0 && max > 0 && ++sleepsAtZero >= PROBE_EVERY) {
            sleepsAtZero = 0;
            return max; // a probe as long as a real spin: a shorter one cannot see a peer that answers in time
        }
        return b;
    }

    /**
     * One pause of a spin loop: a CPU hint for the first {@value #YIELD_AFTER_NANOS} ns, then a yield. On a machine
     * with more runnable threads than CPUs, the thread that would answer may be queued behind this spinner on its own
     * CPU; a yield lets it run now instead of after the spinner's time slice.
     *
     * @param spunNanos how long this wait has spun so far
     */
    static void pause(long spunNanos) {
        if (spunNanos < YIELD_AFTER_NANOS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * The wait was answered while spinning: spin the full maximum next time. Not a gradual increase: when both sides
     * of a round trip sleep, each side's spin can pay only once the other spins too, so a success that raised the
     * budget by a little would be lost at the next wait and both would stay asleep.
     */
    void answered() {
        budget = max;
    }

    /** The wait had to sleep: spin half as long next time. */
    void slept() {
        long b = budget / 2;
        budget = b < MIN_NANOS ? 0 : b;
    }

    /**
     * The current budget, for reports and tests.
     *
     * @return nanoseconds
     */
    long current() {
        return budget;
    }

    @Override
    public String toString() {
        return "spin " + budget + " of " + max + " ns";
    }
}
