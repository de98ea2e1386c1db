package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ImageConformance;
import org.dmabuf4j.testkit.ImageFixture;

/**
 * Image exporters for the kit's meta-tests: core's allocator and a third-party pool (both correct), one that returns
 * the wrong size, and one whose CPU access reaches other memory than its device mappings.
 */
final class ImageExporters {
    private ImageExporters() {
    }

    static final FormatSet PAIRS = FormatSet.builder()
            .add(DrmFormat.NV12, FormatModifier.LINEAR, FormatModifier.SIM_TILED, FormatModifier.SIM_TILED_CCS)
            .add(DrmFormat.YUYV, FormatModifier.SIM_TILED).add(DrmFormat.XRGB8888, FormatModifier.SIM_TILED_CCS)
            .build();

    /** A third-party exporter of one buffer: memory from the system's exporter arena, or a CPU view of its own. */
    static final class PoolExporter implements Exporter {
        private final Arena arena;
        private final MemorySegment memory;
        private final Arena shadowArena;
        private final MemorySegment cpuView;

        PoolExporter(SimulatedSystem system, long size, boolean brokenCpuView) {
            this.arena = system.exporterArena();
            this.memory = arena.allocate(size, 4096);
            this.shadowArena = brokenCpuView ? Arena.ofShared() : null;
            this.cpuView = brokenCpuView ? shadowArena.allocate(size, 4096) : memory;
        }

        @Override
        public List<SgEntry> map(Attachment attachment, Direction direction) {
            return attachment.device().mapPages(List.of(memory), direction);
        }

        @Override
        public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
            attachment.device().unmap(entries);
        }

        @Override
        public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
            return cpuView; // the broken one: a CPU copy the devices never see
        }

        @Override
        public void release() {
            arena.close();
            if (shadowArena != null) {
                shadowArena.close();
            }
        }
    }

    /** Exports images from a pool's buffers, described with core's layout, imported with the explicit layout. */
    static class PoolImages implements ImageFixture {
        private final boolean broken;

        PoolImages(boolean broken) {
            this.broken = broken;
        }

        @Override
        public Image export(SimulatedSystem system, DrmFormat format, int width, int height,
                FormatModifier modifier) {
            ImageDescriptor d;
            List<Long> sizes = new ArrayList<>();
            // the pool uses the same layout rules as core (a real pool would compute its own)
            try (Image probe = system.images().allocate(ImageRequest.of(format, width, height, modifier))) {
                d = probe.descriptor();
                for (DmaBuf b : probe.buffers()) {
                    sizes.add(b.size());
                }
            }
            List<DmaBuf> buffers = new ArrayList<>();
            try {
                for (long size : sizes) {
                    buffers.add(system.export(ExportInfo.of("pool", size, new PoolExporter(system, size, broken)))
                            .handle());
                }
                return system.images().importImage(d, buffers);
            } finally {
                buffers.forEach(DmaBuf::close);
            }
        }

        @Override
        public FormatSet formats() {
            return PAIRS;
        }
    }

    /** Core's allocator: passes. */
    static final class CoreImages extends ImageConformance {
        @Override
        protected ImageFixture fixture() {
            return new ImageFixture() {
                @Override
                public Image export(SimulatedSystem system, DrmFormat format, int width, int height,
                        FormatModifier modifier) {
                    return system.images().allocate(ImageRequest.of(format, width, height, modifier));
                }

                @Override
                public FormatSet formats() {
                    return PAIRS;
                }
            };
        }
    }

    /** A third-party pool with correct memory: passes. */
    static final class ThirdPartyImages extends ImageConformance {
        @Override
        protected ImageFixture fixture() {
            return new PoolImages(false);
        }
    }

    /** A pool whose CPU access reaches a shadow copy: the layout round trip catches it (FMT-10). */
    static final class ShadowCpuImages extends ImageConformance {
        @Override
        protected ImageFixture fixture() {
            return new PoolImages(true);
        }
    }

    /** An exporter that pads the width it was asked for: FMT-7. */
    static final class WrongSizeImages extends ImageConformance {
        @Override
        protected ImageFixture fixture() {
            return new ImageFixture() {
                @Override
                public Image export(SimulatedSystem system, DrmFormat format, int width, int height,
                        FormatModifier modifier) {
                    return system.images().allocate(ImageRequest.of(format, width + 2, height, modifier));
                }

                @Override
                public FormatSet formats() {
                    return FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR);
                }
            };
        }
    }
}
