package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.time.Duration;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageDescriptor.Plane;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Explicit-layout import of existing buffers (FMT-5, FMT-6, FMT-8, NEG-2). */
@ExtendWith(SystemExtension.class)
class ImageImportTest {
    private static ImageDescriptor with(ImageDescriptor d, FormatModifier m) {
        return new ImageDescriptor(d.format(), m, d.width(), d.height(), d.planes());
    }

    @Test
    @DisplayName("FMT-8: an import that repeats the allocation's layout shares the buffers and sees the same pixels")
    void importingTheAllocatedLayoutWorks(SimulatedSystem sys) {
        Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 130, 70, FormatModifier.SIM_TILED_CCS));
        Images.writePattern(img, 4);
        Image imported = sys.images().importImage(img.descriptor(), img.buffers());
        img.close(); // the importer's shares keep the buffers alive
        assertEquals(FormatModifier.SIM_TILED_CCS, imported.layoutModifier());
        Images.checkPattern(imported, 4);
        imported.close();
        assertEquals(List.of(), sys.liveBufferIds());
        assertEquals(1, sys.images().counters().imports());
    }

    @Test
    @DisplayName("FMT-8: importing tiled buffers as LINEAR is refused, naming the allocated layout")
    void aDifferentModifierIsRefused(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 256, 64,
                FormatModifier.SIM_TILED))) {
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.FMT_8, () -> sys.images()
                    .importImage(with(img.descriptor(), FormatModifier.LINEAR), img.buffers()));
            assertTrue(e.getMessage().contains("XRGB8888:SIM_TILED 256x64"), e.getMessage());
            assertEquals(1, sys.images().counters().refusedImports());
        }
    }

    @Test
    @DisplayName("FMT-8: chroma placed by the unpadded height is refused when the allocation padded it (1080 vs 1088)")
    void heightPaddingIsNotGuessed(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 1920, 1080, FormatModifier.LINEAR)
                .withConstraints(LayoutConstraints.NONE.withHeightAlignment(16)))) {
            ImageDescriptor guessed = new ImageDescriptor(DrmFormat.NV12, FormatModifier.LINEAR, 1920, 1080,
                    List.of(new Plane(0, 0, 1920), new Plane(0, 1920L * 1080, 1920)));
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.FMT_8,
                    () -> sys.images().importImage(guessed, img.buffers()));
            assertTrue(e.getMessage().contains("offset " + 1920L * 1088), e.getMessage());
            try (Image right = sys.images().importImage(img.descriptor(), img.buffers())) {
                assertEquals(1920L * 1088, right.descriptor().planes().get(1).offset());
            }
        }
    }

    @Test
    @DisplayName("NEG-2: an explicitly allocated image is not imported as INVALID")
    void explicitIsNotImportedAsImplicit(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 64, 64, FormatModifier.LINEAR))) {
            assertFails(RuleViolationException.class, Rule.NEG_2, () -> sys.images().importImage(
                    with(img.descriptor(), FormatModifier.INVALID), img.buffers()));
        }
    }

    @Test
    @DisplayName("NEG-2, FMT-8: an implicit allocation imports as INVALID or its real layout, never as LINEAR")
    void implicitAllocationsAndTheLinearConfusion(SimulatedSystem sys) {
        SimulatedDevice gpu = sys.newDevice("gpu").formats(ImageUsage.RENDER, FormatSet.of(DrmFormat.XRGB8888,
                FormatModifier.INVALID)).implicitModifier(FormatModifier.SIM_TILED).build();
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 256, 64, FormatModifier.INVALID)
                .withTargets(new ImageTarget(gpu, ImageUsage.RENDER)))) {
            Images.writePattern(img, 2);
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.FMT_8, () -> sys.images()
                    .importImage(with(img.descriptor(), FormatModifier.LINEAR), img.buffers()));
            assertTrue(e.getMessage().contains("not \"no modifier\""), e.getMessage());
            try (Image implicit = sys.images().importImage(img.descriptor(), img.buffers());
                 Image upgraded = sys.images().importImage(with(img.descriptor(), FormatModifier.SIM_TILED),
                         img.buffers())) {
                assertEquals(FormatModifier.SIM_TILED, implicit.layoutModifier());
                assertEquals(FormatModifier.SIM_TILED, upgraded.descriptor().modifier(), "the upgrade to explicit");
                Images.checkPattern(implicit, 2);
                Images.checkPattern(upgraded, 2);
            }
        }
    }

    @Test
    @DisplayName("FMT-8: a third party's buffer imports with any fitting layout, and its windows detile by it")
    void thirdPartyBuffersTakeTheGivenLayout(SimulatedSystem sys) {
        TestExporter exp = new TestExporter(64 * 4096);
        DmaBuf buf = sys.export(ExportInfo.of("camera-pool", 64 * 4096, exp)).handle();
        ImageDescriptor d = new ImageDescriptor(DrmFormat.NV12, FormatModifier.SIM_TILED, 200, 100,
                List.of(new Plane(0, 0, 256), new Plane(0, 256L * 128, 256)));
        try (buf; Image img = sys.images().importImage(d, List.of(buf))) {
            Images.writePattern(img, 8);
            Images.checkRaw(img, 8);
            MemorySegment memory = exp.memory;
            long at = Images.stored(d, FormatModifier.SIM_TILED, 1, 33, 17);
            assertEquals(Images.pattern(8, 1, 33, 17), memory.get(ValueLayout.JAVA_BYTE, at),
                    "the exporter's own memory holds the UV sample where the tiles put it");
        }
        assertEquals(List.of(), sys.liveBufferIds());
    }

    @Test
    @DisplayName("FMT-8: a tiled heap buffer of 128 x 32 tiles is a SIM_TILED image: CPU and devices agree on it")
    void tiledHeapBuffersAreSimTiledImages(SimulatedSystem sys) throws Exception {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        BufferLayout tiled = BufferLayout.tiled(200, 40, 4, new Tiling.Tiled(128, 32));
        try (DmaBuf buf = sys.tiledHeap().allocate(tiled)) {
            ImageDescriptor d = new ImageDescriptor(DrmFormat.XRGB8888, FormatModifier.SIM_TILED, 200, 40,
                    List.of(new Plane(0, 0, tiled.stride())));
            try (CpuAccess w = buf.beginCpuAccess(Access.WRITE, Region.rect(150, 35, 1, 1))) {
                w.segment().set(ValueLayout.JAVA_INT, 0, 0x5eed);
            }
            try (Image img = sys.images().importImage(d, List.of(buf));
                 Image linear = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 200, 40,
                         FormatModifier.LINEAR))) {
                try (ImageAccess r = img.beginCpuAccess(Access.READ, Region.rect(150, 35, 1, 1))) {
                    assertEquals(0x5eed, r.plane(0).segment().get(ValueLayout.JAVA_INT, 0), "the CPU's view");
                }
                try (ImageAttachment in = img.attach(gpu, ImageUsage.SAMPLE);
                     ImageAttachment out = linear.attach(gpu, ImageUsage.RENDER)) {
                    gpu.engine().submit(Job.convert(in.mapUnlocked(Direction.TO_DEVICE),
                            out.mapUnlocked(Direction.FROM_DEVICE))).await(Duration.ofSeconds(30));
                }
                try (ImageAccess r = linear.beginCpuAccess(Access.READ, Region.rect(150, 35, 1, 1))) {
                    assertEquals(0x5eed, r.plane(0).segment().get(ValueLayout.JAVA_INT, 0),
                            "a device reading the tiles with SIM_TILED's geometry finds the same pixel");
                }
            }
            assertFails(RuleViolationException.class, Rule.FMT_8, () -> sys.images().importImage(
                    new ImageDescriptor(DrmFormat.XRGB8888, FormatModifier.LINEAR, 200, 40,
                            List.of(new Plane(0, 0, tiled.stride()))), List.of(buf)));
        }
    }

    @Test
    @DisplayName("FMT-5, FMT-6: the import checks the buffers: count, size, system and open handles")
    void buffersAreChecked(SimulatedSystem sys) {
        ImageDescriptor d = new ImageDescriptor(DrmFormat.NV12, FormatModifier.LINEAR, 64, 64,
                List.of(new Plane(0, 0, 64), new Plane(1, 0, 64)));
        DmaBuf a = sys.systemHeap().allocate(4096);
        DmaBuf small = sys.systemHeap().allocate(4096);
        try (a; small) {
            assertFails(RuleViolationException.class, Rule.FMT_6, () -> sys.images().importImage(d, List.of(a)));
            assertFails(RuleViolationException.class, Rule.FMT_5, () -> sys.images().importImage(
                    new ImageDescriptor(DrmFormat.NV12, FormatModifier.LINEAR, 128, 128,
                            List.of(new Plane(0, 0, 128), new Plane(1, 0, 128))), List.of(a, small)));
            try (SimulatedSystem other = DmaBufs.newSystem(); DmaBuf foreign = other.systemHeap().allocate(4096)) {
                assertFails(RuleViolationException.class, Rule.FMT_6, () -> sys.images().importImage(d,
                        List.of(a, foreign)));
            }
            DmaBuf closed = a.share();
            closed.close();
            assertFails(ClosedException.class, Rule.BUF_3, () -> sys.images().importImage(d, List.of(a, closed)));
            assertFails(RuleViolationException.class, Rule.FMT_6, () -> sys.images().importImage(null, List.of(a)));
            try (Image ok = sys.images().importImage(d, List.of(a, small))) {
                try (ImageAccess w = ok.beginCpuAccess(Access.WRITE)) {
                    w.plane(1).row(31).fill((byte) 9);
                }
                try (CpuAccess raw = small.beginCpuAccess(Access.READ)) {
                    assertEquals(9, raw.segment().get(ValueLayout.JAVA_BYTE, 31 * 64 + 63));
                }
            }
        }
    }
}
