package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuickStartTest {
    @Test
    @DisplayName("CPU-2, CPU-9: the quick start sees the camera's fill and the CPU overlay through the encoder")
    void quickStartRuns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte pixel;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            pixel = QuickStart.run(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals((byte) 0xff, pixel, text);
        assertTrue(text.contains("overlay pixel = 0xff, background = 0x20"), text);
        assertTrue(text.contains("'frame-0'"), text);
    }

    @Test
    @DisplayName("the README shows the quick start exactly as it is compiled and run here")
    void readmeQuotesTheQuickStart() throws IOException {
        Path root = Path.of(System.getProperty("dmabuf4j.root", "..")).toAbsolutePath().normalize();
        String source = Files.readString(root.resolve("examples/src/main/java/org/dmabuf4j/examples/QuickStart.java"));
        String marker = "// --8<-- [quickstart]\n";
        int from = source.indexOf(marker) + marker.length();
        int to = source.indexOf("        " + marker, from);
        String snippet = source.substring(from, to + 8).stripIndent(); // the end marker's indent sets the margin
        String readme = Files.readString(root.resolve("README.md"));
        assertTrue(readme.contains(snippet),
                "README.md's quick start differs from QuickStart.java; paste this block into README.md:\n" + snippet);
    }
}
