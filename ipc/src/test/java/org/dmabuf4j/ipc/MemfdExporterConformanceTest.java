package org.dmabuf4j.ipc;

import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterConformance;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/** The conformance kit against the memfd exporter: the buffers that cross processes keep the whole contract. */
class MemfdExporterConformanceTest extends ExporterConformance {
    @Override
    protected ExporterFixture fixture() {
        return new ExporterFixture() {
            @Override
            public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                MemfdHeap heap = MemfdHeap.of(system);
                DmaBuf handle = heap.allocate(size, layout, "");
                return heap.backing(handle, "conformance").exported();
            }

            @Override
            public Set<ExporterFeature> features() {
                return EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D, ExporterFeature.REVOCATION,
                        ExporterFeature.HEAP);
            }

            @Override
            public OptionalLong liveBytes() {
                return OptionalLong.of(org.dmabuf4j.ipc.linux.Mman.mappedBytes());
            }

            @Override
            public String name() {
                return "memfd";
            }
        };
    }
}
