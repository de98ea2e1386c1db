package org.dmabuf4j.core;

import static org.dmabuf4j.core.BufferLifecycleTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dmabuf4j.api.AttachRefusedException;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Importing images into devices (NEG-2, NEG-3). */
@ExtendWith(SystemExtension.class)
class ImageAttachTest {
    @Test
    @DisplayName("NEG-3: a device refuses a pair it does not declare for the usage, naming the pairs it accepts")
    void undeclaredPairsAreRefused(SimulatedSystem sys) {
        SimulatedDevice display = sys.newDevice("display").formats(ImageUsage.SCANOUT, FormatSet.of(DrmFormat.NV12,
                FormatModifier.SIM_TILED_CCS, FormatModifier.SIM_TILED)).build();
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.LINEAR))) {
            long attaches = sys.counters().attaches();
            AttachRefusedException e = assertFails(AttachRefusedException.class, Rule.NEG_3,
                    () -> img.attach(display, ImageUsage.SCANOUT));
            assertTrue(e.getMessage().contains("[SIM_TILED_CCS, SIM_TILED]"), e.getMessage());
            assertTrue(e.getMessage().contains("'display'") && e.getMessage().contains("NV12:LINEAR"),
                    e.getMessage());
            assertEquals(attaches, sys.counters().attaches(), "nothing was attached");
            try (ImageAttachment sampled = img.attach(display, ImageUsage.SAMPLE)) {
                assertEquals(1, sampled.attachments().size(), "LINEAR is the default for sampling");
            }
        }
    }

    @Test
    @DisplayName("NEG-3: a pitch the device cannot take is refused although the pair is shared; allocating for it works")
    void importConstraintsBeyondModifiers(SimulatedSystem sys) {
        SimulatedDevice display = sys.newDevice("display")
                .importConstraints(LayoutConstraints.NONE.withPitchAlignment(256)).build();
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 1000, 16,
                FormatModifier.LINEAR))) {
            AttachRefusedException e = assertFails(AttachRefusedException.class, Rule.NEG_3,
                    () -> img.attach(display, ImageUsage.SCANOUT));
            assertTrue(e.getMessage().contains("pitch 4000"), e.getMessage());
        }
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 1000, 16, FormatModifier.LINEAR)
                .withTargets(new ImageTarget(display, ImageUsage.SCANOUT)));
             ImageAttachment a = img.attach(display, ImageUsage.SCANOUT)) {
            assertEquals(4096, img.descriptor().planes().getFirst().pitch());
            assertTrue(a.isAttached());
        }
    }

    @Test
    @DisplayName("NEG-3: an image attachment maps only in a direction its usage allows")
    void directionsFollowTheUsage(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", true);
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.NV12, 64, 64, FormatModifier.SIM_TILED));
             ImageAttachment a = img.attach(gpu, ImageUsage.SAMPLE)) {
            assertFails(RuleViolationException.class, Rule.NEG_3, () -> a.mapUnlocked(Direction.FROM_DEVICE));
            assertFails(RuleViolationException.class, Rule.NEG_3, () -> a.mapUnlocked(null));
            ImageMapping m = a.mapUnlocked(Direction.TO_DEVICE);
            assertTrue(m.isValid());
            assertEquals(1, m.mappings().size());
            // closing the attachment unmaps what is still mapped, then detaches (the test's leak check sees none)
        }
    }

    @Test
    @DisplayName("NEG-2: an implicit image attaches only to devices whose implicit layout is the allocation's")
    void implicitImagesStayWithTheirDriver(SimulatedSystem sys) {
        FormatSet implicit = FormatSet.of(DrmFormat.XRGB8888, FormatModifier.INVALID);
        SimulatedDevice gpu = sys.newDevice("gpu").formats(ImageUsage.RENDER, implicit)
                .formats(ImageUsage.SAMPLE, implicit).implicitModifier(FormatModifier.SIM_TILED).build();
        SimulatedDevice video = sys.newDevice("video").formats(ImageUsage.SAMPLE, implicit).build();
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 128, 32, FormatModifier.INVALID)
                .withTargets(new ImageTarget(gpu, ImageUsage.RENDER)))) {
            AttachRefusedException e = assertFails(AttachRefusedException.class, Rule.NEG_2,
                    () -> img.attach(video, ImageUsage.SAMPLE));
            assertTrue(e.getMessage().contains("SIM_TILED") && e.getMessage().contains("LINEAR"), e.getMessage());
            try (ImageAttachment same = img.attach(gpu, ImageUsage.SAMPLE)) {
                assertTrue(same.isAttached());
            }
        }
    }

    @Test
    @DisplayName("NEG-3: a closed image attachment has unmapped and detached every buffer")
    void closingDetachesEverything(SimulatedSystem sys) {
        SimulatedDevice gpu = Images.gpu(sys, "gpu", false);
        try (Image img = sys.images().allocate(ImageRequest.of(DrmFormat.YUV420, 64, 64, FormatModifier.LINEAR)
                .withDisjointPlanes(true))) {
            ImageAttachment a = img.attach(gpu, ImageUsage.RENDER);
            assertEquals(3, a.attachments().size());
            ImageMapping m = a.mapUnlocked(Direction.BIDIRECTIONAL);
            assertTrue(gpu.liveTranslations() > 0);
            a.close();
            a.close();
            assertFalse(a.isAttached());
            assertFalse(m.isValid());
            assertEquals(0, gpu.liveTranslations());
            assertEquals(List.of(false, false, false), a.attachments().stream().map(x -> x.isAttached()).toList());
        }
    }
}
