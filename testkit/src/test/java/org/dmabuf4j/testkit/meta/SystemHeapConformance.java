package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFixture;
import org.dmabuf4j.testkit.ExporterFixtures;

/** The kit against core's system heap. */
public class SystemHeapConformance extends ExporterConformance {
    @Override
    protected ExporterFixture fixture() {
        return ExporterFixtures.systemHeap();
    }
}
