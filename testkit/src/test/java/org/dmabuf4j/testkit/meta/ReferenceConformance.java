package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFixture;
import org.dmabuf4j.testkit.internal.AdversarialFixture;

/** The kit against its own reference exporter: dynamic, CPU access, 2-D regions, revocation. */
public class ReferenceConformance extends ExporterConformance {
    @Override
    protected ExporterFixture fixture() {
        return new AdversarialFixture(false);
    }
}
