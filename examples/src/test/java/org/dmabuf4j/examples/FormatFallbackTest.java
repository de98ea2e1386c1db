package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FormatFallbackTest {
    @Test
    @DisplayName("NEG-3, NEG-5, NEG-6: the failed negotiation is refused, recorded, and falls back to a blit and to"
            + " CPU copies that deliver every frame intact")
    void fallbacksRunAndReport() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ok = FormatFallback.run(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, text);
        assertTrue(text.contains("[NEG-3] import of image NV12:SIM_TILED_CCS 256x144"), text);
        assertTrue(text.contains("for NV12 it accepts [SIM_TILED]"), text);
        assertTrue(text.contains("route DEVICE_BLIT: producer NV12:SIM_TILED_CCS -> consumer NV12:SIM_TILED"
                + " (consumer tranche 0), converted by '2d-engine'"), text);
        assertTrue(text.contains("gave up tranche 0 (SCANOUT on 'display') [NEG-1]: no modifier of NV12 in common"),
                text);
        assertTrue(text.contains("gave up device blit on 'renderer' [NEG-3]"), text);
        assertTrue(text.contains("route CPU_COPY: producer NV12:SIM_TILED_CCS -> consumer NV12:SIM_TILED"), text);
        assertTrue(text.contains("never matches LINEAR"), text);
        assertTrue(text.contains("route CPU_COPY: producer NV12:LINEAR -> consumer NV12:INVALID"), text);
        assertTrue(text.contains("'legacy-encoder' imports NV12:INVALID for SAMPLE"), text);
        assertTrue(text.contains("3 negotiations") && text.contains("3 blits, 6 CPU copies"), text);
        assertTrue(text.contains("Every route delivered the frames intact."), text);
    }
}
