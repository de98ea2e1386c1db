package org.dmabuf4j.testkit.scratch;

import org.dmabuf4j.testkit.Campaign;
import org.dmabuf4j.testkit.ExporterFixtures;
import org.dmabuf4j.testkit.internal.AdversarialFixture;
import org.junit.jupiter.api.Test;

class SoakTest {
    @org.junit.jupiter.api.Disabled @Test void reference() { Campaign.forExporter(new AdversarialFixture(false)).runs(30).steps(150).run(); }
    @org.junit.jupiter.api.Disabled @Test void pinRefusing() { Campaign.forExporter(new AdversarialFixture(true)).runs(30).steps(150).run(); }
    @org.junit.jupiter.api.Disabled @Test void systemHeap() { Campaign.forExporter(ExporterFixtures.systemHeap()).runs(30).steps(150).run(); }
    @org.junit.jupiter.api.Disabled @Test void contiguousHeap() { Campaign.forExporter(ExporterFixtures.contiguousHeap()).runs(30).steps(150).run(); }
    @org.junit.jupiter.api.Disabled @Test void tiledHeap() { Campaign.forExporter(ExporterFixtures.tiledHeap()).runs(30).steps(150).run(); }
    @Test void deviceMemory() { Campaign.forExporter(ExporterFixtures.deviceMemory()).runs(30).steps(150).run(); }
}
