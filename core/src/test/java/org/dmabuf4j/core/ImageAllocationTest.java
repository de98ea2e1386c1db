package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.Fallback;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.api.image.NegotiationFailedException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Image allocation: the choice of modifier, the layout, the targets and the constraints (FMT-7, NEG-4, NEG-2). */
@ExtendWith(SystemExtension.class)
class ImageAllocationTest {
    @Test
    @DisplayName("FMT-7: the allocator keeps format and size, takes the first usable modifier, and reports the layout")
    void theChoiceIsReadBack(SimulatedSystem sys) {
        SimulatedDevice display = sys.newDevice("display").formats(ImageUsage.SCANOUT,
                FormatSet.of(DrmFormat.NV12, FormatModifier.SIM_TILED, FormatModifier.LINEAR)).build();
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 1920, 1080,
                FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED, FormatModifier.LINEAR)
                .withTargets(new ImageTarget(display, ImageUsage.SCANOUT)))) {
            ImageDescriptor d = img.descriptor();
            assertEquals(DrmFormat.NV12, d.format());
            assertEquals(1920, d.width());
            assertEquals(1080, d.height());
            assertEquals(FormatModifier.SIM_TILED, d.modifier(), "CCS is not imported by the display");
            assertEquals(1920, d.planes().get(0).pitch());
            assertEquals(1920L * 1088, d.planes().get(1).offset(), "Y rows padded to whole tiles");
            assertEquals("contiguous", img.buffers().getFirst().exporterName(), "scanout memory is contiguous");
        }
    }

    @Test
    @DisplayName("FMT-7: padding for constraints appears only as pitch, offset and size")
    void constraintsBecomePitchAndOffsets(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 1000, 1080, FormatModifier.LINEAR)
                .withConstraints(new LayoutConstraints(256, 4096, 16)))) {
            ImageDescriptor d = img.descriptor();
            assertEquals(1024, d.planes().get(0).pitch());
            assertEquals(1080, d.height(), "the height stays the image's");
            assertEquals(1024L * 1088, d.planes().get(1).offset(), "room for 1088 decoder rows, page aligned");
            assertTrue(img.buffers().getFirst().size() >= 1024L * 1088 * 3 / 2);
            assertEquals(List.of(), new LayoutConstraints(256, 4096, 16).violations(d,
                    List.of(img.buffers().getFirst().size())));
        }
    }

    @Test
    @DisplayName("FMT-7, NEG-4: a modifier outside the list is never chosen: with none usable nothing is allocated")
    void nothingOutsideTheList(SimulatedSystem sys) {
        SimulatedDevice encoder = sys.newDevice("encoder").build(); // LINEAR only, by default
        NegotiationFailedException e = assertThrows(NegotiationFailedException.class, () -> sys.images().allocate(
                ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED, FormatModifier.SIM_TILED_CCS)
                        .withTargets(new ImageTarget(encoder, ImageUsage.SAMPLE))));
        assertSame(Rule.NEG_4, e.rule());
        assertEquals(2, e.attempts().size(), e.getMessage());
        assertTrue(e.attempts().getFirst().reason().contains("'encoder'"), e.getMessage());
        assertEquals(List.of(), sys.liveBufferIds(), "nothing was allocated");
    }

    @Test
    @DisplayName("NEG-4: every rejected candidate is reported with its own rule and reason")
    void rejectedCandidatesCarryTheirReasons(SimulatedSystem sys) {
        NegotiationFailedException e = assertThrows(NegotiationFailedException.class, () -> sys.images().allocate(
                ImageRequest.of(DrmFormat.YUV420, 64, 64, FormatModifier.SIM_TILED_CCS,
                        FormatModifier.parse("0x0100000000000002"))));
        List<Fallback> a = e.attempts();
        assertSame(Rule.FMT_2, a.get(0).rule(), "CCS would need 6 planes for YUV420");
        assertSame(Rule.NEG_4, a.get(1).rule(), "another vendor's layout is unknown here");
        assertTrue(e.getMessage().contains("YUV420:SIM_TILED_CCS"), e.getMessage());
    }

    @Test
    @SystemSettings(contiguousPoolKiB = 1024)
    @DisplayName("NEG-4: a scanout allocation takes contiguous memory and fails cleanly when the pool cannot hold it")
    void scanoutNeedsContiguousMemory(SimulatedSystem sys) {
        SimulatedDevice display = sys.newDevice("display").build();
        ImageRequest small = ImageRequest.of(DrmFormat.XRGB8888, 64, 64, FormatModifier.LINEAR)
                .withTargets(new ImageTarget(display, ImageUsage.SCANOUT));
        try (Image probe = sys.images().allocate(small)) {
            assertEquals("contiguous", probe.buffers().getFirst().exporterName());
        }
        NegotiationFailedException e = assertThrows(NegotiationFailedException.class, () -> sys.images().allocate(
                ImageRequest.of(DrmFormat.XRGB8888, 1920, 1080, FormatModifier.LINEAR)
                        .withTargets(new ImageTarget(display, ImageUsage.SCANOUT))));
        assertTrue(e.attempts().getFirst().reason().contains("contiguous"), e.getMessage());
        assertTrue(e.attempts().getFirst().rule().family().equals("HEAP"), e.getMessage());
        try (Image sampled = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 1920, 1080,
                FormatModifier.LINEAR).withTargets(new ImageTarget(display, ImageUsage.SAMPLE)))) {
            assertEquals("system", sampled.buffers().getFirst().exporterName(), "other usages take the system heap");
        }
    }

    @Test
    @DisplayName("NEG-2: an implicit allocation takes the targets' implicit layout, and needs them to agree")
    void implicitAllocationsUseTheDriversLayout(SimulatedSystem sys) {
        FormatSet implicit = FormatSet.of(DrmFormat.XRGB8888, FormatModifier.INVALID);
        SimulatedDevice gpu = sys.newDevice("gpu").formats(ImageUsage.RENDER, implicit)
                .implicitModifier(FormatModifier.SIM_TILED).build();
        SimulatedDevice gpu2 = sys.newDevice("gpu2").formats(ImageUsage.SAMPLE, implicit)
                .implicitModifier(FormatModifier.SIM_TILED).build();
        SimulatedDevice legacy = sys.newDevice("legacy").formats(ImageUsage.SAMPLE, implicit).build();
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 300, 40, FormatModifier.INVALID)
                .withTargets(new ImageTarget(gpu, ImageUsage.RENDER), new ImageTarget(gpu2, ImageUsage.SAMPLE)))) {
            assertEquals(FormatModifier.INVALID, img.descriptor().modifier());
            assertEquals(FormatModifier.SIM_TILED, img.layoutModifier());
            assertEquals(1280, img.descriptor().planes().getFirst().pitch(), "laid out in tiles");
        }
        NegotiationFailedException e = assertThrows(NegotiationFailedException.class, () -> sys.images().allocate(
                ImageRequest.of(DrmFormat.XRGB8888, 300, 40, FormatModifier.INVALID).withTargets(
                        new ImageTarget(gpu, ImageUsage.RENDER), new ImageTarget(legacy, ImageUsage.SAMPLE))));
        assertSame(Rule.NEG_2, e.attempts().getFirst().rule(), e.getMessage());
        assertTrue(e.getMessage().contains("'legacy' LINEAR"), e.getMessage());
        assertFails(RuleViolationException.class, Rule.NEG_2, () -> sys.newDevice("bad")
                .implicitModifier(FormatModifier.SIM_TILED_CCS));
    }

    @Test
    @DisplayName("FMT-7: disjoint planes get a buffer each; a single linear plane gets a buffer layout for plain 2-D windows")
    void bufferArrangement(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.YUV420, 64, 64, FormatModifier.LINEAR)
                .withDisjointPlanes(true))) {
            assertEquals(3, img.buffers().size());
            assertEquals(List.of(0, 1, 2), img.descriptor().planes().stream().map(ImageDescriptor.Plane::buffer)
                    .toList());
        }
        try (Image rgb = sys.images().allocate(ImageRequest.of(DrmFormat.ARGB8888, 640, 480, FormatModifier.LINEAR))) {
            assertEquals(640, rgb.buffers().getFirst().layout().orElseThrow().width());
            try (CpuAccess w = rgb.buffers().getFirst().beginCpuAccess(Access.WRITE, Region.rect(5, 5, 1, 1))) {
                w.segment().set(ValueLayout.JAVA_INT, 0, 0x11223344);
            }
            try (var r = rgb.beginCpuAccess(Access.READ, Region.rect(5, 5, 1, 1))) {
                assertEquals(0x11223344, r.plane(0).segment().get(ValueLayout.JAVA_INT, 0));
            }
        }
    }

    @Test
    @DisplayName("FMT-7, BUF-3: a null request is refused, and a closed system allocates nothing")
    void badRequests(SimulatedSystem sys) {
        assertFails(RuleViolationException.class, Rule.FMT_7, () -> sys.images().allocate(null));
        assertFails(RuleViolationException.class, Rule.FMT_7, () -> ImageRequest.of(DrmFormat.NV12, 4, 4));
        SimulatedSystem other = DmaBufs.newSystem();
        other.close();
        assertFails(org.dmabuf4j.api.ClosedException.class, Rule.BUF_3, () -> other.images().allocate(
                ImageRequest.of(DrmFormat.NV12, 4, 4, FormatModifier.LINEAR)));
        ImageCounters c = sys.images().counters();
        assertEquals(0, c.allocations());
    }
    @Test
    @DisplayName("NEG-4: an allocation from a given heap takes every buffer from it and lays the image out as usual")
    void aGivenHeapProvidesEveryBuffer(SimulatedSystem sys) {
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED)
                .withDisjointPlanes(true), sys.contiguousHeap());
             Image plain = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED)
                     .withDisjointPlanes(true))) {
            assertEquals(2, img.buffers().size());
            for (var b : img.buffers()) {
                assertEquals("contiguous", b.exporterName(), "every buffer from the given heap");
            }
            assertEquals(plain.descriptor(), img.descriptor(), "the layout does not depend on the heap");
            assertEquals("system", plain.buffers().getFirst().exporterName());
        }
    }

    @Test
    @DisplayName("NEG-4: a SCANOUT target refuses every candidate from a heap that is not the contiguous heap")
    void scanoutNeedsTheContiguousHeapEvenWhenAHeapIsGiven(SimulatedSystem sys) {
        SimulatedDevice display = sys.newDevice("display").formats(ImageUsage.SCANOUT,
                FormatSet.of(DrmFormat.NV12, FormatModifier.LINEAR)).build();
        NegotiationFailedException e = assertThrows(NegotiationFailedException.class, () -> sys.images().allocate(
                ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.LINEAR)
                        .withTargets(new ImageTarget(display, ImageUsage.SCANOUT)), sys.systemHeap()));
        assertSame(Rule.NEG_4, e.rule());
        assertTrue(e.attempts().getFirst().reason().contains("contiguous"), e.getMessage());
        assertTrue(e.getMessage().contains("heap 'system'"), e.getMessage());
        assertEquals(List.of(), sys.liveBufferIds(), "nothing was allocated");
        try (Image ok = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.LINEAR)
                .withTargets(new ImageTarget(display, ImageUsage.SCANOUT)), sys.contiguousHeap())) {
            assertEquals("contiguous", ok.buffers().getFirst().exporterName());
        }
    }

    @Test
    @DisplayName("NEG-4: a null heap, or a heap of another system, is refused and nothing stays allocated")
    void aForeignHeapIsRefused(SimulatedSystem sys) {
        ImageRequest request = ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.LINEAR);
        assertFails(RuleViolationException.class, Rule.NEG_4, () -> sys.images().allocate(request, null));
        try (SimulatedSystem other = DmaBufs.newSystem()) {
            RuleViolationException e = assertFails(RuleViolationException.class, Rule.NEG_4,
                    () -> sys.images().allocate(request, other.systemHeap()));
            assertTrue(e.getMessage().contains("not a buffer of"), e.getMessage());
            assertEquals(List.of(), other.liveBufferIds(), "the other system's buffer was closed");
        }
        assertEquals(List.of(), sys.liveBufferIds());
    }
}
