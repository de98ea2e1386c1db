package org.dmabuf4j.testkit.internal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/** The fixture of {@link AdversarialExporter}: dynamic, CPU access, 2-D regions, revocation. */
public final class AdversarialFixture implements ExporterFixture {
    private final Map<ExportedBuffer, AdversarialExporter> exporters = new ConcurrentHashMap<>();
    private final boolean refusePins;
    private volatile AdversarialExporter.MoveFence moveFence = AdversarialExporter.MoveFence.IMMEDIATE;

    /**
     * A fixture.
     *
     * @param refusePins whether the exporter refuses explicit pins
     */
    public AdversarialFixture(boolean refusePins) {
        this.refusePins = refusePins;
    }

    /**
     * Sets what the fence of the next moves does.
     *
     * @param fence the behaviour
     */
    public void moveFence(AdversarialExporter.MoveFence fence) {
        this.moveFence = fence;
    }

    /**
     * The exporter of a buffer this fixture exported.
     *
     * @param buffer the capability
     * @return the exporter
     */
    public AdversarialExporter exporterOf(ExportedBuffer buffer) {
        return exporters.get(buffer);
    }

    @Override
    public String name() {
        return refusePins ? "adversarial-pin-refusing" : "adversarial";
    }

    @Override
    public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
        AdversarialExporter ex = AdversarialExporter.export(system, "adversarial", size, layout, refusePins);
        exporters.put(ex.exported(), ex);
        return ex.exported();
    }

    @Override
    public Set<ExporterFeature> features() {
        EnumSet<ExporterFeature> f = EnumSet.of(ExporterFeature.DYNAMIC_MOVE, ExporterFeature.CPU_ACCESS,
                ExporterFeature.REGIONS_2D, ExporterFeature.REVOCATION);
        if (refusePins) {
            f.add(ExporterFeature.PIN_REFUSAL);
        }
        return f;
    }

    @Override
    public void move(ExportedBuffer buffer) {
        exporterOf(buffer).move(moveFence);
    }

    @Override
    public void revoke(ExportedBuffer buffer, Duration timeout) {
        exporterOf(buffer).revoke(timeout);
    }
}
