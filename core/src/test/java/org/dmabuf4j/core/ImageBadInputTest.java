package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.ImageAccess;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image findings of the bad-input sweep (issue #10 extended to the image api): devices of a request are checked
 * before anything is allocated, and a closed CPU access hands out no window. The reliability module's sweep covers
 * every public method; these pin each fix to its rule.
 */
@ExtendWith(SystemExtension.class)
class ImageBadInputTest {
    private static ImageRequest linear() {
        return ImageRequest.of(DrmFormat.XRGB8888, 16, 16, FormatModifier.LINEAR);
    }

    private static void assertNothingAllocated(SimulatedSystem sys, Class<? extends DmaBufException> type, Rule rule,
            org.junit.jupiter.api.function.Executable call) {
        long exports = sys.counters().exports();
        assertEquals(rule, assertThrows(type, call).rule());
        assertEquals(exports, sys.counters().exports(), "nothing was allocated (and released again)");
    }

    @Test
    @DisplayName("NEG-4: an allocation for another system's device is refused before anything is allocated")
    void allocationForAnotherSystemsDeviceIsRefused(SimulatedSystem sys) {
        try (SimulatedSystem other = DmaBufs.newSystem()) {
            SimulatedDevice foreign = other.newDevice("foreign").build();
            assertNothingAllocated(sys, RuleViolationException.class, Rule.NEG_4, () -> sys.images().allocate(
                    linear().withTargets(new ImageTarget(foreign, ImageUsage.SAMPLE))));
        }
    }

    @Test
    @DisplayName("NEG-4: an allocation for a closed device is refused before anything is allocated")
    void allocationForAClosedDeviceIsRefused(SimulatedSystem sys) {
        SimulatedDevice gone = sys.newDevice("unplugged").build();
        gone.close();
        assertNothingAllocated(sys, ClosedException.class, Rule.NEG_4, () -> sys.images().allocate(
                linear().withTargets(new ImageTarget(gone, ImageUsage.SAMPLE))));
    }

    @Test
    @DisplayName("NEG-5: a negotiation with another system's or a closed device is refused before any candidate")
    void negotiationWithForeignOrClosedDevicesIsRefused(SimulatedSystem sys) {
        SimulatedDevice producer = sys.newDevice("producer").build();
        SimulatedDevice consumer = sys.newDevice("consumer").build();
        SimulatedDevice gone = sys.newDevice("unplugged").build();
        gone.close();
        try (SimulatedSystem other = DmaBufs.newSystem()) {
            SimulatedDevice foreign = other.newDevice("foreign").build();
            assertNothingAllocated(sys, RuleViolationException.class, Rule.NEG_5, () -> sys.images().negotiate(
                    NegotiationRequest.of(DrmFormat.XRGB8888, 16, 16, foreign.tranche(ImageUsage.RENDER),
                            consumer.tranche(ImageUsage.SAMPLE))));
            assertNothingAllocated(sys, ClosedException.class, Rule.NEG_5, () -> sys.images().negotiate(
                    NegotiationRequest.of(DrmFormat.XRGB8888, 16, 16, producer.tranche(ImageUsage.RENDER),
                            gone.tranche(ImageUsage.SAMPLE))));
            assertNothingAllocated(sys, RuleViolationException.class, Rule.NEG_5, () -> sys.images().negotiate(
                    NegotiationRequest.of(DrmFormat.XRGB8888, 16, 16, producer.tranche(ImageUsage.RENDER),
                            consumer.tranche(ImageUsage.SAMPLE)).withBlitters(foreign)));
        }
    }

    @Test
    @DisplayName("CPU-4: a closed image access hands out no plane window")
    void aClosedImageAccessHandsOutNoWindow(SimulatedSystem sys) {
        try (var image = sys.images().allocate(linear())) {
            ImageAccess access = image.beginCpuAccess(Access.READ_WRITE);
            access.close();
            assertEquals(Rule.CPU_4, assertThrows(ClosedException.class, () -> access.plane(0)).rule());
            assertEquals(Rule.CPU_4, assertThrows(ClosedException.class, access::planes).rule());
        }
    }

    @Test
    @DisplayName("BUF-9: closing an image attachment with a buffer's lock held detaches nothing and stays closable")
    void closingWithTheLockHeldChangesNothing(SimulatedSystem sys) {
        SimulatedDevice gpu = sys.newDevice("gpu").build();
        try (var image = sys.images().allocate(linear())) {
            var attachment = image.attach(gpu, ImageUsage.RENDER);
            var reservation = image.buffers().get(0).reservation();
            long releases = sys.counters().releases();
            reservation.lock();
            try {
                assertEquals(Rule.BUF_9, assertThrows(RuleViolationException.class, attachment::close).rule());
                assertEquals(true, attachment.isAttached(), "still attached: the refused close changed nothing");
            } finally {
                reservation.unlock();
            }
            attachment.close();
            assertEquals(false, attachment.isAttached());
            assertEquals(releases, sys.counters().releases());
        }
        assertEquals(0, sys.counters().liveBuffers(), "the buffer was released with its last attachment and handle");
    }

    @Test
    @DisplayName("BUF-9: closing an image with a buffer's lock held closes no handle and the image stays closable")
    void closingAnImageWithTheLockHeldChangesNothing(SimulatedSystem sys) {
        var image = sys.images().allocate(linear());
        var reservation = image.buffers().get(0).reservation();
        reservation.lock();
        try {
            assertEquals(Rule.BUF_9, assertThrows(RuleViolationException.class, image::close).rule());
            assertEquals(true, image.isOpen(), "still open: the refused close changed nothing");
        } finally {
            reservation.unlock();
        }
        image.close();
        assertEquals(0, sys.counters().liveBuffers());
    }

    @Test
    @DisplayName("MAP-1: closing an image mapping with a buffer's lock held unmaps nothing and stays closable")
    void closingAMappingWithTheLockHeldChangesNothing(SimulatedSystem sys) {
        SimulatedDevice gpu = sys.newDevice("gpu").build();
        try (var image = sys.images().allocate(linear());
                var attachment = image.attach(gpu, ImageUsage.RENDER)) {
            var mapping = attachment.mapUnlocked(org.dmabuf4j.api.Direction.BIDIRECTIONAL);
            long translations = gpu.liveTranslations();
            var reservation = image.buffers().get(0).reservation();
            reservation.lock();
            try {
                assertEquals(Rule.MAP_1, assertThrows(RuleViolationException.class, mapping::close).rule());
                assertEquals(true, mapping.isValid(), "still mapped: the refused close changed nothing");
                assertEquals(translations, gpu.liveTranslations());
            } finally {
                reservation.unlock();
            }
            mapping.close();
            assertEquals(false, mapping.isValid());
            assertEquals(0, gpu.liveTranslations());
        }
    }
}
