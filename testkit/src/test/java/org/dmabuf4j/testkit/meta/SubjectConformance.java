package org.dmabuf4j.testkit.meta;

import java.time.Duration;
import org.dmabuf4j.testkit.Campaign;
import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * The exporter suite against the current {@link ExporterSubject} of the thread ({@link Subjects}); run only through
 * the EngineTestKit by {@link KitRun} (no Test suffix: surefire does not pick it up). A short fence timeout keeps
 * subjects whose fences never signal fast; the campaign runs twice 40 steps.
 */
public class SubjectConformance extends ExporterConformance {
    @Override
    protected ExporterFixture fixture() {
        return Subjects.exporter().fixture().get();
    }

    @Override
    protected Duration fenceTimeout() {
        // short, so that subjects whose fences never signal stay fast; long enough for a loaded machine
        return Duration.ofMillis(600);
    }

    @Override
    protected Campaign campaign(ExporterFixture fixture) {
        return super.campaign(fixture).runs(2).steps(40).shrinkBudget(8);
    }
}
