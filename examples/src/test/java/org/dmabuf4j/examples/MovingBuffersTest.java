package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MovingBuffersTest {
    @Test
    @DisplayName("MOVE-6, P2P-2: the moving-buffers example keeps the frame intact through a move, an eviction and a"
            + " migration")
    void theExampleKeepsTheFrameIntact() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MovingBuffers.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(9, lines.size(), () -> String.join("\n", lines));
        assertTrue(lines.get(0).endsWith("resident=true"), lines.get(0));
        assertTrue(lines.get(1).contains("CPU pages=false"), lines.get(1));
        assertTrue(lines.get(2).contains("notified 1 time(s)"), lines.get(2));
        assertTrue(lines.get(3).contains("resident=false"), lines.get(3));
        assertTrue(lines.get(4).contains("resident=true"), lines.get(4));
        assertTrue(lines.get(5).contains("CPU pages=true, resident=false"), lines.get(5));
        for (String line : lines.subList(1, 7)) {
            assertTrue(line.endsWith("frame intact=true"), line);
            assertFalse(line.contains("intact=false"), line);
        }
        assertTrue(lines.get(7).contains("moves=2 evictions=1 migrations=1"), lines.get(7));
        assertEquals("live native bytes at the end: 0", lines.get(8));
    }
}
