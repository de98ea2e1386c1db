package org.dmabuf4j.testkit.meta;

import java.time.Duration;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.ImporterConformance;
import org.dmabuf4j.testkit.ImporterPuppet;

/** The importer suite against the current {@link ImporterSubject} of the thread; run only through {@link KitRun}. */
public class SubjectImporterConformance extends ImporterConformance {
    @Override
    protected ImporterPuppet puppet(DmaBuf buffer, SimulatedDevice device) {
        return Subjects.importer().puppet().apply(buffer, device);
    }

    @Override
    protected Duration fenceTimeout() {
        return Duration.ofMillis(500);
    }
}
