package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.dmabuf4j.api.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The image suite passes correct image exporters and catches broken ones by rule. */
class ImageExportersAreCheckedTest {
    @Test
    @DisplayName("FMT-9, FMT-10: core's allocator passes the image suite")
    void coreImagesPass() {
        KitRun run = KitRun.of(ImageExporters.CoreImages.class, "core images");
        assertEquals(0, run.failures().size(), run::summary);
        assertEquals(6, run.succeeded(), run::summary);
    }

    @Test
    @DisplayName("FMT-5, FMT-10: a third-party pool's buffers imported with an explicit layout pass the image suite")
    void thirdPartyImagesPass() {
        KitRun run = KitRun.of(ImageExporters.ThirdPartyImages.class, "third-party pool images");
        assertEquals(0, run.failures().size(), run::summary);
    }

    @Test
    @DisplayName("FMT-10: an exporter whose CPU access misses the memory devices see fails the layout round trip")
    void aShadowCpuViewIsCaught() {
        KitRun run = KitRun.of(ImageExporters.ShadowCpuImages.class, "shadow CPU view");
        assertEquals(EnumSet.of(Rule.FMT_10), run.failedRules(), run::summary);
        assertTrue(run.failures().getFirst().error().getMessage().contains("the bytes the device read"),
                run::summary);
    }

    @Test
    @DisplayName("FMT-7: an exporter that changes the requested size is caught")
    void aWrongSizeIsCaught() {
        KitRun run = KitRun.of(ImageExporters.WrongSizeImages.class, "wrong size");
        assertEquals(EnumSet.of(Rule.FMT_7), run.failedRules(), run::summary);
        assertEquals(1, run.failures().size(), run::summary);
    }
}
