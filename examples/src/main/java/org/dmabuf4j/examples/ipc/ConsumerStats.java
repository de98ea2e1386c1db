package org.dmabuf4j.examples.ipc;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a consumer of the ipc examples measures: per frame, whether it was intact and the latency from the end of its
 * rendering (a {@code System.nanoTime()} the producer wrote into the frame: both processes read the same clock) to the
 * consumer having checked it.
 */
final class ConsumerStats {
    private long[] latencies = new long[256];
    private int frames;
    private int bad;
    private long first;
    private long last;

    /**
     * Records one checked frame.
     *
     * @param renderedNanos the producer's {@code System.nanoTime()} at the end of rendering
     * @param intact whether every checked sample was right
     */
    void frame(long renderedNanos, boolean intact) {
        long now = System.nanoTime();
        if (frames == latencies.length) {
            latencies = Arrays.copyOf(latencies, frames * 2);
        }
        latencies[frames++] = now - renderedNanos;
        if (!intact) {
            bad++;
        }
        if (first == 0) {
            first = now;
        }
        last = now;
    }

    /**
     * The consumer's exit code.
     *
     * @return 0 if at least one frame arrived and every frame was intact, else 1
     */
    int exitCode() {
        return bad == 0 && frames > 0 ? 0 : 1;
    }

    /**
     * The summary line's figures: {@code N frames[ of WHAT], B bad[ (HOW)], F frames/s; latency render->checked p50,
     * p99, max}.
     *
     * @param what what the frames were (e.g. their format), or empty
     * @param how how they were checked, or empty
     * @return the line
     */
    String summary(String what, String how) {
        long[] sorted = Arrays.copyOf(latencies, frames);
        Arrays.sort(sorted);
        double seconds = Math.max(1e-9, (last - first) / 1e9);
        return String.format(Locale.ROOT, "%d frames%s, %d bad%s, %.1f frames/s; latency render->checked p50 %.1f us,"
                + " p99 %.1f us, max %.1f us", frames, what.isEmpty() ? "" : " of " + what, bad,
                how.isEmpty() ? "" : " (" + how + ")", frames > 1 ? (frames - 1) / seconds : 0.0,
                percentile(sorted, 0.50) / 1e3, percentile(sorted, 0.99) / 1e3,
                frames == 0 ? 0.0 : sorted[frames - 1] / 1e3);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
