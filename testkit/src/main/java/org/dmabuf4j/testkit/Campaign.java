package org.dmabuf4j.testkit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.internal.CampaignRun;
import org.dmabuf4j.testkit.internal.Op;
import org.dmabuf4j.testkit.internal.Verify;

/**
 * A stateful campaign: seeded random sequences of operations (export, share, close, attach, detach, map, unmap, device
 * and CPU access, fences, polls, moves, pins, and deliberate misuse) applied to an exporter and checked against a model
 * after every step.
 *
 * <p>One line runs it with a budget that finishes in seconds:
 *
 * <pre>{@code
 * Campaign.forExporter(myFixture).run();
 * }</pre>
 *
 * <p>Each run prints {@code seed=<n>}; the system property {@code dmabuf4j.campaign.seed} replays that run exactly
 * ({@code -Ddmabuf4j.campaign.seed=<n>}), and {@code dmabuf4j.campaign.steps} overrides the number of steps. Without a
 * {@link #seed(long) seed} every campaign starts from a fresh one, to explore; {@code dmabuf4j.campaign.baseSeed} fixes
 * it for a whole build, for test suites that must see the same runs every time. A failing
 * run is shrunk (steps dropped in chunks, then one by one, each candidate re-run on a fresh system) to a minimal
 * sequence that fails on the same rule, and reported as a {@link ConformanceError} listing the steps.
 */
public final class Campaign {
    /** The system property that replays one run: its value is the printed seed. */
    public static final String SEED_PROPERTY = "dmabuf4j.campaign.seed";
    /** The system property that overrides the number of steps per run. */
    public static final String STEPS_PROPERTY = "dmabuf4j.campaign.steps";
    /** The system property that fixes the seed of every campaign without its own {@link #seed(long)}. */
    public static final String BASE_SEED_PROPERTY = "dmabuf4j.campaign.baseSeed";

    private final ExporterFixture fixture;
    private int steps = 60;
    private int runs = 4;
    private Long seed;
    private int shrinkBudget = 150;
    private long shrinkMillis = 20_000;
    private long stepTimeoutMillis = 20_000;
    private PrintStream out = System.out;
    private Duration fenceTimeout = Duration.ofSeconds(5);
    /** The steps the last replay applied (not skipped); read after execute returns. */
    private List<Op> lastApplied = List.of();

    private Campaign(ExporterFixture fixture) {
        this.fixture = Objects.requireNonNull(fixture, "fixture");
    }

    /**
     * A campaign against an exporter.
     *
     * @param fixture the exporter's fixture; not null
     * @return the campaign, with the default budget (4 runs of 60 steps)
     */
    public static Campaign forExporter(ExporterFixture fixture) {
        return new Campaign(fixture);
    }

    /**
     * Sets the number of steps per run.
     *
     * @param n positive
     * @return this
     */
    public Campaign steps(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("steps must be positive, was " + n);
        }
        this.steps = n;
        return this;
    }

    /**
     * Sets the number of runs, each with its own seed.
     *
     * @param n positive
     * @return this
     */
    public Campaign runs(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("runs must be positive, was " + n);
        }
        this.runs = n;
        return this;
    }

    /**
     * Fixes the seed of the first run (the others derive from it).
     *
     * @param s the seed
     * @return this
     */
    public Campaign seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * Sets how many re-runs shrinking may use.
     *
     * @param n not negative; 0 turns shrinking off
     * @return this
     */
    public Campaign shrinkBudget(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("shrink budget must not be negative, was " + n);
        }
        this.shrinkBudget = n;
        return this;
    }

    /**
     * Sets how long a step waits for the exporter's fences (a move's copy) before calling them hung
     * ({@link Rule#FENCE_7 FENCE-7}).
     *
     * @param timeout positive; 5 seconds by default
     * @return this
     */
    public Campaign fenceTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("fence timeout must be positive, was " + timeout);
        }
        this.fenceTimeout = timeout;
        return this;
    }

    /**
     * Sets where seeds and progress are printed.
     *
     * @param stream the stream; not null
     * @return this
     */
    public Campaign printTo(PrintStream stream) {
        this.out = Objects.requireNonNull(stream, "stream");
        return this;
    }

    /**
     * Runs the campaign.
     *
     * @throws ConformanceError on the first failing run, with its seed and the shrunk sequence of steps
     */
    public void run() {
        String replay = System.getProperty(SEED_PROPERTY);
        int n = Integer.getInteger(STEPS_PROPERTY, steps);
        if (replay != null && !replay.isBlank()) {
            runOne(Long.parseLong(replay.trim()), n, true);
            return;
        }
        Long first = seed != null ? seed : Long.getLong(BASE_SEED_PROPERTY);
        SplittableRandom master = new SplittableRandom(first != null ? first : System.nanoTime() ^ 0x5DEECE66DL);
        for (int i = 0; i < runs; i++) {
            long s = i == 0 && first != null ? first : master.nextLong();
            runOne(s, n, false);
        }
    }

    private void runOne(long s, int n, boolean replaying) {
        out.println("dmabuf4j campaign: fixture " + fixture.name() + " seed=" + s + " steps=" + n
                + (replaying ? " (replay)" : "") + "; replay with -D" + SEED_PROPERTY + "=" + s);
        List<Op> ops = new ArrayList<>();
        CampaignRun.Failure failure = execute(List.of(), s, n, ops);
        if (failure == null) {
            return;
        }
        int upTo = failure.step() < 0 ? ops.size() : failure.step() + 1;
        List<Op> prefix = new ArrayList<>(ops.subList(0, upTo));
        List<Op> minimal;
        CampaignRun.Failure shown;
        if (failure.hung()) {
            // a hung run leaves threads and locks behind: later runs in this JVM prove nothing, so no shrinking
            minimal = prefix;
            shown = failure;
        } else {
            List<Op> shrunk = shrink(prefix, failure);
            CampaignRun.Failure last = execute(shrunk, 0, 0, null);
            shown = last != null ? last : failure;
            minimal = last != null ? lastApplied : shrunk;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("campaign of fixture ").append(fixture.name()).append(" failed: seed=").append(s).append(", step ")
                .append(failure.step() < 0 ? "end of run" : failure.step() + 1).append(" of ").append(ops.size())
                .append(". ").append(shown.error().observed()).append("\n  ").append(failure.hung()
                ? "sequence up to the hung step, not shrunk" : "minimal sequence").append(" (").append(minimal.size())
                .append(" steps):");
        for (int i = 0; i < minimal.size(); i++) {
            sb.append("\n    ").append(i + 1).append(": ").append(minimal.get(i).describe());
        }
        sb.append("\n  replay: -D").append(SEED_PROPERTY).append('=').append(s).append(" -D").append(STEPS_PROPERTY)
                .append('=').append(n).append("\n ");
        throw Verify.failure(shown.error().rule(), sb.toString(), shown.error().hint(), shown.error());
    }

    private List<Op> shrink(List<Op> ops, CampaignRun.Failure original) {
        Rule target = original.error().rule();
        List<Op> current = ops;
        int budget = shrinkBudget;
        int chunks = 2;
        long deadline = System.nanoTime() + shrinkMillis * 1_000_000L;
        while (current.size() > 1 && budget > 0 && System.nanoTime() - deadline < 0) {
            int size = current.size();
            int chunk = (size + chunks - 1) / chunks;
            boolean progress = false;
            for (int start = 0; start < size && budget > 0 && System.nanoTime() - deadline < 0; start += chunk) {
                List<Op> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(size, start + chunk), size));
                if (candidate.isEmpty()) {
                    continue;
                }
                budget--;
                CampaignRun.Failure f = execute(candidate, 0, 0, null);
                if (f != null && f.error().rule() == target && !f.hung()) {
                    current = f.step() < 0 ? candidate : new ArrayList<>(candidate.subList(0, f.step() + 1));
                    chunks = Math.max(chunks - 1, 2);
                    progress = true;
                    break;
                }
            }
            if (!progress) {
                if (chunk == 1) {
                    break;
                }
                chunks = Math.min(size, chunks * 2);
            }
        }
        return current;
    }

    /**
     * Runs a sequence on a fresh system, in a thread of its own so that a hung step fails instead of hanging.
     * With {@code record} non-null, generates {@code n} steps from {@code s} and records them; otherwise replays
     * {@code ops}, skipping steps whose targets are gone.
     */
    private CampaignRun.Failure execute(List<Op> ops, long s, int n, List<Op> record) {
        AtomicReference<CampaignRun.Failure> result = new AtomicReference<>();
        AtomicInteger at = new AtomicInteger(-1);
        List<Op> applied = new ArrayList<>();
        Thread worker = new Thread(() -> {
            CampaignRun run = null;
            try {
                run = new CampaignRun(fixture, fenceTimeout);
                if (record != null) {
                    SplittableRandom rnd = new SplittableRandom(s);
                    for (int i = 0; i < n; i++) {
                        Op op = run.next(rnd);
                        record.add(op);
                        at.set(i);
                        run.apply(op);
                    }
                } else {
                    for (int i = 0; i < ops.size(); i++) {
                        at.set(i);
                        if (run.apply(ops.get(i))) {
                            applied.add(ops.get(i));
                        }
                    }
                }
                at.set(-1);
                run.finish();
            } catch (ConformanceError e) {
                result.set(new CampaignRun.Failure(at.get(), false, e));
            } catch (Throwable t) {
                Rule rule = t instanceof org.dmabuf4j.api.DmaBufException d ? d.rule() : Rule.BUF_7;
                result.set(new CampaignRun.Failure(at.get(), false, Verify.failure(rule, "unexpected "
                        + Verify.describe(t), "the rule: " + rule.statement(), t)));
            } finally {
                if (run != null) {
                    run.close();
                }
            }
        }, "dmabuf4j-campaign");
        worker.setDaemon(true);
        worker.start();
        long budget = stepTimeoutMillis + 100L * Math.max(n, ops.size()) + 4 * fenceTimeout.toMillis();
        try {
            worker.join(budget);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a campaign", e);
        }
        if (worker.isAlive()) {
            int step = at.get();
            List<Op> seq = record != null ? record : ops;
            Op op = step >= 0 && step < seq.size() ? seq.get(step) : null;
            return new CampaignRun.Failure(step, true, Verify.failure(Rule.FENCE_7, "step " + (step + 1) + " ("
                    + (op == null ? "end-of-run checks" : op.describe()) + ") did not finish in " + budget + " ms",
                    "for a deadlock or a fence that never signals in the exporter"));
        }
        CampaignRun.Failure f = result.get();
        if (record == null) {
            List<Op> done = new ArrayList<>(applied);
            if (f != null && f.step() >= 0 && f.step() < ops.size() && !done.contains(ops.get(f.step()))) {
                done.add(ops.get(f.step()));
            }
            lastApplied = done;
        }
        return f;
    }
}
