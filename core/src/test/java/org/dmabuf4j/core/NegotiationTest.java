package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.Fallback;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.api.image.NegotiatedImages;
import org.dmabuf4j.api.image.NegotiationFailedException;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.api.image.NegotiationResult;
import org.dmabuf4j.api.image.Route;
import org.dmabuf4j.api.image.Tranche;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Negotiation between a producer and a consumer's tranches (NEG-1, NEG-2, NEG-5, NEG-6), and the failure modes users
 * report: a modifier the consumer cannot import, a probe that succeeds where the real allocation fails, LINEAR
 * confused with INVALID, pitch and height constraints no modifier expresses.
 */
@ExtendWith(SystemExtension.class)
class NegotiationTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final FormatModifier LINEAR = FormatModifier.LINEAR;
    private static final FormatModifier TILED = FormatModifier.SIM_TILED;
    private static final FormatModifier CCS = FormatModifier.SIM_TILED_CCS;

    private static SimulatedDevice device(SimulatedSystem sys, String name, ImageUsage usage, FormatSet set) {
        return sys.newDevice(name).formats(usage, set).build();
    }

    @Test
    @DisplayName("NEG-5: the first tranche with a modifier in common wins, zero copy, and both devices import it")
    void firstWorkingTrancheWins(SimulatedSystem sys) {
        SimulatedDevice camera = device(sys, "camera", ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, TILED, LINEAR));
        SimulatedDevice display = device(sys, "display", ImageUsage.SCANOUT, FormatSet.of(DrmFormat.NV12, CCS, TILED));
        SimulatedDevice gpu = device(sys, "gpu", ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12, LINEAR, TILED));
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.NV12, 640, 480,
                camera.tranche(ImageUsage.RENDER), display.tranche(ImageUsage.SCANOUT),
                gpu.tranche(ImageUsage.SAMPLE)))) {
            NegotiationResult r = n.result();
            assertEquals(Route.DIRECT, r.route(), r::describe);
            assertEquals(0, r.tranche());
            assertEquals(TILED, r.producer().modifier(), "CCS is the display's best, but the camera cannot render it");
            assertEquals(List.of(), r.fallbacks());
            assertSame(n.producerImage(), n.consumerImage());
            try (ImageAttachment scan = n.consumerImage().attach(display, ImageUsage.SCANOUT);
                 ImageAttachment cap = n.producerImage().attach(camera, ImageUsage.RENDER)) {
                assertTrue(scan.isAttached() && cap.isAttached());
            }
            assertTrue(n.transfer().isSignaled(), "nothing to move on a zero-copy route");
        }
    }

    @Test
    @DisplayName("NEG-5: within a tranche the modifiers are tried in the tranche's order")
    void trancheOrderDecides(SimulatedSystem sys) {
        SimulatedDevice camera = device(sys, "camera", ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, TILED, LINEAR));
        SimulatedDevice gpu = device(sys, "gpu", ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12, LINEAR, TILED));
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.NV12, 64, 64,
                camera.tranche(ImageUsage.RENDER), gpu.tranche(ImageUsage.SAMPLE)))) {
            assertEquals(LINEAR, n.result().producer().modifier());
            assertEquals(Route.DIRECT, n.result().route(), "LINEAR as first choice is not a fallback");
        }
    }

    @Test
    @DisplayName("NEG-1, NEG-6: a modifier the consumer cannot import falls back to a device blit, byte for byte")
    void unimportableModifierFallsBackToABlit(SimulatedSystem sys) throws Exception {
        SimulatedDevice camera = device(sys, "camera", ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, CCS));
        SimulatedDevice display = device(sys, "display", ImageUsage.SCANOUT, FormatSet.of(DrmFormat.NV12, TILED));
        SimulatedDevice weak = device(sys, "weak", ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12, LINEAR));
        SimulatedDevice gpu = Images.gpu(sys, "gpu", false);
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.NV12, 200, 90,
                camera.tranche(ImageUsage.RENDER), display.tranche(ImageUsage.SCANOUT)).withBlitters(weak, gpu))) {
            NegotiationResult r = n.result();
            assertEquals(Route.DEVICE_BLIT, r.route(), r::describe);
            assertEquals(CCS, r.producer().modifier());
            assertEquals(TILED, r.consumer().modifier());
            assertEquals("gpu", r.blitter().orElseThrow());
            assertSame(Rule.NEG_1, r.fallbacks().getFirst().rule());
            assertTrue(r.fallbacks().getFirst().reason().contains("[SIM_TILED_CCS]"), r::describe);
            assertTrue(r.fallbacks().stream().anyMatch(f -> f.attempt().contains("'weak'")), r::describe);
            assertNotSame(n.producerImage(), n.consumerImage());
            Images.writePattern(n.producerImage(), 12);
            n.transfer().await(BOUND);
            Images.checkPattern(n.consumerImage(), 12);
            Images.checkRaw(n.consumerImage(), 12);
            assertEquals(1, sys.images().counters().blits());
            try (ImageAttachment scan = n.consumerImage().attach(display, ImageUsage.SCANOUT)) {
                assertTrue(scan.isAttached(), "the display imports the consumer image");
            }
        }
    }

    @Test
    @DisplayName("NEG-6: with no device that imports both layouts, the CPU copies each frame through plane windows")
    void withoutABlitterTheCpuCopies(SimulatedSystem sys) {
        SimulatedDevice camera = device(sys, "camera", ImageUsage.RENDER, FormatSet.of(DrmFormat.YUV420, TILED));
        SimulatedDevice encoder = device(sys, "encoder", ImageUsage.SAMPLE, FormatSet.of(DrmFormat.YUV420, LINEAR));
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.YUV420, 99, 51,
                camera.tranche(ImageUsage.RENDER), encoder.tranche(ImageUsage.SAMPLE)))) {
            NegotiationResult r = n.result();
            assertEquals(Route.CPU_COPY, r.route(), r::describe);
            assertEquals(0, r.tranche());
            assertTrue(r.fallbacks().stream().anyMatch(f -> f.rule() == Rule.NEG_6), r::describe);
            for (int frame = 0; frame < 3; frame++) {
                Images.writePattern(n.producerImage(), frame);
                assertTrue(n.transfer().isSignaled());
                Images.checkPattern(n.consumerImage(), frame);
            }
            assertEquals(3, sys.images().counters().cpuCopies());
        }
    }

    @Test
    @SystemSettings(contiguousPoolKiB = 1024)
    @DisplayName("NEG-5: a probe allocation proves nothing: the real one fails, is recorded, and the next tranche wins")
    void probesDoNotStandInForTheRealAllocation(SimulatedSystem sys) {
        FormatSet linear = FormatSet.of(DrmFormat.XRGB8888, LINEAR);
        SimulatedDevice gpu = sys.newDevice("gpu").formats(ImageUsage.RENDER, linear)
                .formats(ImageUsage.SAMPLE, linear).build();
        SimulatedDevice display = device(sys, "display", ImageUsage.SCANOUT, linear);
        try (Image probe = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 16, 16, LINEAR)
                .withTargets(new ImageTarget(display, ImageUsage.SCANOUT)))) {
            assertEquals("contiguous", probe.buffers().getFirst().exporterName(), "the probe fits");
        }
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.XRGB8888, 1920, 1080,
                gpu.tranche(ImageUsage.RENDER), display.tranche(ImageUsage.SCANOUT), gpu.tranche(ImageUsage.SAMPLE)))) {
            NegotiationResult r = n.result();
            assertEquals(Route.LINEAR, r.route(), r::describe);
            assertEquals(1, r.tranche(), "the sampling tranche: composited instead of scanned out");
            Fallback f = r.fallbacks().getFirst();
            assertTrue(f.attempt().startsWith("tranche 0 (SCANOUT on 'display')"), r::describe);
            assertTrue(f.reason().contains("contiguous"), r::describe);
            assertEquals("HEAP", f.rule().family());
            assertEquals("system", n.producerImage().buffers().getFirst().exporterName());
        }
        assertTrue(sys.images().counters().fallbacks() >= 1);
    }

    @Test
    @DisplayName("NEG-1: INVALID is not LINEAR: a legacy consumer without modifiers shares nothing with a LINEAR producer")
    void invalidIsNotLinear(SimulatedSystem sys) {
        SimulatedDevice producer = device(sys, "producer", ImageUsage.RENDER, FormatSet.of(DrmFormat.NV12, LINEAR));
        SimulatedDevice legacy = device(sys, "legacy", ImageUsage.SAMPLE,
                FormatSet.of(DrmFormat.NV12, FormatModifier.INVALID));
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.NV12, 64, 64,
                producer.tranche(ImageUsage.RENDER), legacy.tranche(ImageUsage.SAMPLE)))) {
            NegotiationResult r = n.result();
            assertEquals(Route.CPU_COPY, r.route(), r::describe);
            assertTrue(r.fallbacks().getFirst().reason().contains("never matches LINEAR"), r::describe);
            assertEquals(FormatModifier.INVALID, r.consumer().modifier());
            Images.writePattern(n.producerImage(), 3);
            n.transfer();
            Images.checkPattern(n.consumerImage(), 3);
            try (ImageAttachment a = n.consumerImage().attach(legacy, ImageUsage.SAMPLE)) {
                assertTrue(a.isAttached());
            }
        }
    }

    @Test
    @DisplayName("NEG-2: an all-implicit chain whose drivers lay out differently is not shared; the frames are copied")
    void implicitChainsAcrossDriversAreCopied(SimulatedSystem sys) {
        FormatSet implicit = FormatSet.of(DrmFormat.XRGB8888, FormatModifier.INVALID);
        SimulatedDevice gpu = sys.newDevice("gpu").formats(ImageUsage.RENDER, implicit)
                .implicitModifier(TILED).build();
        SimulatedDevice video = sys.newDevice("video").formats(ImageUsage.SAMPLE, implicit).build();
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.XRGB8888, 200, 40,
                gpu.tranche(ImageUsage.RENDER), video.tranche(ImageUsage.SAMPLE)))) {
            NegotiationResult r = n.result();
            assertEquals(Route.CPU_COPY, r.route(), r::describe);
            assertSame(Rule.NEG_2, r.fallbacks().getFirst().rule(), r::describe);
            assertEquals(TILED, n.producerImage().layoutModifier());
            assertEquals(LINEAR, n.consumerImage().layoutModifier());
            Images.writePattern(n.producerImage(), 5);
            n.transfer();
            Images.checkPattern(n.consumerImage(), 5);
            Images.checkRaw(n.consumerImage(), 5);
        }
    }

    @Test
    @DisplayName("NEG-4, NEG-5: the consumer's pitch and height constraints are met by the negotiated allocation")
    void constraintsAreMergedIntoTheAllocation(SimulatedSystem sys) {
        FormatSet nv12 = FormatSet.of(DrmFormat.NV12, LINEAR);
        SimulatedDevice decoder = sys.newDevice("decoder").formats(ImageUsage.RENDER, nv12)
                .importConstraints(LayoutConstraints.NONE.withHeightAlignment(16)).build();
        SimulatedDevice display = sys.newDevice("display").formats(ImageUsage.SCANOUT, nv12)
                .importConstraints(LayoutConstraints.NONE.withPitchAlignment(256)).build();
        try (NegotiatedImages n = sys.images().negotiate(NegotiationRequest.of(DrmFormat.NV12, 1000, 1080,
                decoder.tranche(ImageUsage.RENDER), display.tranche(ImageUsage.SCANOUT)))) {
            assertEquals(Route.DIRECT, n.result().route(), n.result()::describe);
            Image img = n.consumerImage();
            assertEquals(1024, img.descriptor().planes().get(0).pitch());
            assertEquals(1024L * 1088, img.descriptor().planes().get(1).offset());
            try (ImageAttachment out = img.attach(decoder, ImageUsage.RENDER);
                 ImageAttachment in = img.attach(display, ImageUsage.SCANOUT)) {
                assertTrue(out.isAttached() && in.isAttached());
            }
        }
    }

    @Test
    @DisplayName("NEG-5: a producer that renders nothing of the format fails the negotiation, allocating nothing")
    void nothingToNegotiate(SimulatedSystem sys) {
        SimulatedDevice camera = device(sys, "camera", ImageUsage.RENDER, FormatSet.of(DrmFormat.YUYV, LINEAR));
        SimulatedDevice gpu = device(sys, "gpu", ImageUsage.SAMPLE, FormatSet.of(DrmFormat.NV12, LINEAR));
        NegotiationFailedException e = assertThrows(NegotiationFailedException.class, () -> sys.images().negotiate(
                NegotiationRequest.of(DrmFormat.NV12, 64, 64, camera.tranche(ImageUsage.RENDER),
                        gpu.tranche(ImageUsage.SAMPLE))));
        assertSame(Rule.NEG_5, e.rule());
        assertTrue(e.getMessage().contains("YUYV"), e.getMessage());
        assertEquals(List.of(), sys.liveBufferIds());
        Tranche empty = new Tranche(gpu, ImageUsage.SAMPLE, FormatSet.EMPTY);
        NegotiationFailedException none = assertThrows(NegotiationFailedException.class, () -> sys.images()
                .negotiate(NegotiationRequest.of(DrmFormat.NV12, 64, 64, gpu.tranche(ImageUsage.SAMPLE), empty)));
        assertTrue(none.getMessage().contains("no consumer tranche"), none.getMessage());
        assertEquals(List.of(), sys.liveBufferIds(), "the producer's image was closed again");
    }
}
