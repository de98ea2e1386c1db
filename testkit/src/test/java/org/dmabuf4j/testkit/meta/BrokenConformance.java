package org.dmabuf4j.testkit.meta;

import java.time.Duration;
import org.dmabuf4j.testkit.Campaign;
import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * The exporter suite against the {@link Flaw} set in {@link #flaw}; run only through the EngineTestKit by
 * {@link BrokenExporterRuns} (no Test suffix: surefire does not pick it up).
 */
public class BrokenConformance extends ExporterConformance {
    /** The flaw of the next run. */
    static volatile Flaw flaw = Flaw.NONE;

    @Override
    protected ExporterFixture fixture() {
        return new BrokenFixture(flaw);
    }

    @Override
    protected Duration fenceTimeout() {
        return Duration.ofMillis(250);
    }

    @Override
    protected Campaign campaign(ExporterFixture fixture) {
        return super.campaign(fixture).runs(2).steps(40).shrinkBudget(8);
    }
}
