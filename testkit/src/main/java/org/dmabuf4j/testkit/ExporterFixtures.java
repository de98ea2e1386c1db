package org.dmabuf4j.testkit;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.internal.HandleOnlyBuffer;

/**
 * Ready-made fixtures for exporters that are not reached through {@code system.export}: the heaps of a system.
 *
 * <p>A heap keeps its exporter capability private, so the kit sees heap buffers only through their handles: the checks
 * that need the exporter's callbacks (lock state inside map, release count) are replaced by buffer-level checks
 * (mapping entries, device translations, live buffers and native bytes).
 */
public final class ExporterFixtures {
    private ExporterFixtures() {
    }

    /**
     * A fixture that allocates from a heap of the kit's system.
     *
     * @param heapName the heap's name, for example "system" or "contiguous"; not null
     * @param features what the heap offers; the standard heaps offer CPU access, 2-D regions and HEAP
     * @return the fixture
     */
    public static ExporterFixture heap(String heapName, Set<ExporterFeature> features) {
        Objects.requireNonNull(heapName, "heapName");
        Set<ExporterFeature> declared = Set.copyOf(features);
        return new ExporterFixture() {
            @Override
            public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                DmaBuf handle = layout.isPresent() ? system.heap(heapName).allocate(layout.get())
                        : system.heap(heapName).allocate(size);
                if (handle.size() != size) {
                    long got = handle.size();
                    handle.close();
                    throw new IllegalStateException("heap '" + heapName + "' allocated " + got + " bytes for a "
                            + size + "-byte request");
                }
                return new HandleOnlyBuffer(handle);
            }

            @Override
            public Set<ExporterFeature> features() {
                return declared;
            }

            @Override
            public String name() {
                return heapName + "-heap";
            }
        };
    }

    /**
     * The system heap ("system"): CPU access, 2-D regions, zeroed reusable memory.
     *
     * @return the fixture
     */
    public static ExporterFixture systemHeap() {
        return heap("system", EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                ExporterFeature.HEAP));
    }

    /**
     * The contiguous heap ("contiguous"): CPU access, 2-D regions, zeroed reusable memory.
     *
     * @return the fixture
     */
    public static ExporterFixture contiguousHeap() {
        return heap("contiguous", EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                ExporterFeature.HEAP));
    }
}
