package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PipelineTest {
    @Test
    @DisplayName("CPU-9, CPU-3: the example pipeline delivers every frame intact and prints the dump and counters")
    void pipelineRunsAndReports() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ok = Pipeline.run(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, text);
        assertTrue(text.contains("All 4 frames verified."), text);
        for (int f = 0; f < 4; f++) {
            assertTrue(text.contains("frame " + f + ": camera wrote 307200 bytes, CPU drew a 64x32 overlay (16384"
                    + " bytes synced)"), text);
        }
        assertTrue(text.contains("Dma-buf Objects:"), text);
        assertTrue(text.contains("'frame-3'") && text.contains("encoder (static)") && text.contains("cpu-cache"),
                text);
        assertTrue(text.contains("buffers: 2 exported, 2 released, 0 live; live native bytes 0"), text);
        assertTrue(text.contains("device camera"), text);
        assertTrue(text.contains("0 faults"), text);
    }
}
