package org.dmabuf4j.examples.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Nv12ExchangeTest {
    @Test
    @DisplayName("IPC-18: the consumer's feedback picks the pool's layout before it exists, and NV12 frames cross intact")
    void nv12FramesCrossAfterNegotiation() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Nv12Exchange.run(12, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String all = String.join("\n", lines);
        assertEquals(0, exit, all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("producer: consumer feedback, best first: [SCANOUT on"
                + " 'display' {NV12: [SIM_TILED_CCS]}, SAMPLE on 'encoder'")), all);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("candidates, best first: [SIM_TILED, LINEAR]")),
                "the display's compressed layout is not one the camera renders: " + all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("producer: image pool of 3 x NV12:SIM_TILED 1920x1080")),
                all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("producer: 12 frames of NV12 1920x1080")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("consumer: 12 frames of NV12:0x"))
                || lines.stream().anyMatch(l -> l.startsWith("consumer: 12 frames of NV12:SIM_TILED, 0 bad")), all);
        assertTrue(lines.stream().anyMatch(l -> l.contains(", 0 bad")), all);
    }
}
