package org.dmabuf4j.examples.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameExchangeTest {
    @Test
    @DisplayName("IPC-9: a producer and a consumer process exchange 1920x1080 frames through a pool, every frame intact")
    void framesCrossIntact() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = FrameExchange.run(20, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, exit, () -> String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("producer: 20 frames of 1920x1080 (8294400 bytes)")),
                () -> String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("consumer: 20 frames, 0 bad")),
                () -> String.join("\n", lines));
    }
}
