package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFixture;
import org.dmabuf4j.testkit.ExporterFixtures;

/** The kit against core's deviceMemory exporter. */
public class DeviceMemoryConformance extends ExporterConformance {
    @Override
    protected ExporterFixture fixture() {
        return ExporterFixtures.deviceMemory();
    }
}
