package org.dmabuf4j.testkit.meta;

import java.time.Duration;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.ImporterConformance;
import org.dmabuf4j.testkit.ImporterPuppet;

/** The importer suite against the {@link ImporterFlaw} set in {@link #flaw}; run through the EngineTestKit only. */
public class FlawedImporterConformance extends ImporterConformance {
    /** The flaw of the next run. */
    static volatile ImporterFlaw flaw = ImporterFlaw.NONE;

    @Override
    protected ImporterPuppet puppet(DmaBuf buffer, SimulatedDevice device) {
        return new FlawedImporter(buffer, device, flaw);
    }

    @Override
    protected Duration fenceTimeout() {
        return Duration.ofMillis(500);
    }
}
