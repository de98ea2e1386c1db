package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExplicitSyncTest {
    @Test
    @DisplayName("SYNCOBJ-11, SYNCOBJ-8: the explicit-sync frame loop scans out every frame intact, with its deadline hint at the client's gpu")
    void theFrameLoopScansOutEveryFrame() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ExplicitSync.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(10, lines.size(), () -> String.join("\n", lines));
        for (int frame = 1; frame <= 8; frame++) {
            String line = lines.get(frame - 1);
            assertTrue(line.startsWith("frame " + frame + ": buffer " + ((frame - 1) % 2) + ", acquire point " + frame
                    + ", release point " + frame), line);
            assertTrue(line.endsWith("deadline hint reached the client gpu=true, pixels ok=true"), line);
        }
        assertEquals("acquire timeline: last point 8, signaled up to 8", lines.get(8));
        assertEquals("release timeline: last point 8, signaled up to 8", lines.get(9));
    }
}
