package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Timeline;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PipelineTest {
    @Test
    @DisplayName("FMT-9, FMT-10, NEG-5, CPU-9: the NV12 pipeline negotiates a tiled layout, delivers every frame intact"
            + " in fence order, and prints the negotiation, the dump, the fence timeline and the counters")
    void pipelineRunsAndReports() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ok = Pipeline.run(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, text);
        assertTrue(text.contains("All 4 frames verified."), text);
        assertTrue(text.contains("route DIRECT: producer NV12:SIM_TILED (consumer tranche 0)"), text);
        assertTrue(text.contains("frame layout: NV12:SIM_TILED 320x240 [0: buffer 0 +0 pitch 384, 1: buffer 0 +98304"
                + " pitch 384]"), text);
        for (int f = 0; f < 4; f++) {
            // 64x32 Y samples and 32x16 UV samples of 2 bytes: 3072 bytes invalidated and 3072 cleaned, no more
            assertTrue(text.contains("frame " + f + ": camera wrote NV12:SIM_TILED, CPU inverted a 64x32 overlay on Y"
                    + " and UV (6144 bytes synced), encoder read 115200 bytes"), text);
        }
        assertTrue(text.contains("Dma-buf Objects:"), text);
        assertTrue(text.contains("'frame-3'") && text.contains("encoder (static)") && text.contains("cpu-cache"),
                text);
        assertTrue(text.contains("0 live; live native bytes 0"), text);
        assertTrue(text.contains("device camera"), text);
        assertTrue(text.contains("0 faults"), text);
        assertTrue(text.contains("1 negotiation(s)"), text);

        List<String> timeline = timeline(text);
        assertEquals(12, timeline.size(), () -> "12 job fences expected in the timeline:\n" + text);
        for (int f = 0; f < 4; f++) {
            int header = indexOf(timeline, "camera header rows of frame-" + f);
            int image = indexOf(timeline, "camera ISP copy into frame-" + f);
            int encode = indexOf(timeline, "encoder read of frame-" + f);
            assertTrue(header < image && image < encode, () -> "frame's jobs out of order:\n" + text);
            if (f >= 2) {
                int previousReader = indexOf(timeline, "encoder read of frame-" + (f - 2));
                assertTrue(previousReader < header, () -> "the camera overwrote a frame the encoder was still"
                        + " reading:\n" + text);
            }
        }
        assertTrue(timeline.stream().allMatch(l -> l.contains(" signaled ")), text);
        assertTrue(text.contains("name 'encoder-engine0 ") && text.contains("status signaled"), text);
    }

    @Test
    @DisplayName("the demo says a frame is queued at the encoder only while its encoder fence is pending")
    void theDumpHeaderTellsTheTruth() {
        try (SimulatedSystem sys = DmaBufs.newSystem()) {
            Timeline t = sys.fences().newTimeline("encoder");
            Fence pending = t.point(1);
            assertEquals("while frame 3 is queued at the encoder", Pipeline.when(pending, 3));
            t.advance(1);
            String after = Pipeline.when(pending, 3);
            assertFalse(after.contains("queued"), after);
            assertTrue(after.contains("may have finished"), after);
            t.close();
        }
    }

    private static List<String> timeline(String text) {
        String section = text.substring(text.indexOf("--- fence timeline"));
        section = section.substring(section.indexOf('\n') + 1, section.indexOf("\n\n"));
        return section.lines().toList();
    }

    private static int indexOf(List<String> lines, String what) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(what)) {
                return i;
            }
        }
        throw new AssertionError("no timeline line for " + what + " in " + lines);
    }
}
