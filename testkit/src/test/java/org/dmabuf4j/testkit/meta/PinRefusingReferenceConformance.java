package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFixture;
import org.dmabuf4j.testkit.internal.AdversarialFixture;

/** The kit against its own reference exporter, refusing pins. */
public class PinRefusingReferenceConformance extends ExporterConformance {
    @Override
    protected ExporterFixture fixture() {
        return new AdversarialFixture(true);
    }
}
