package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.Campaign;
import org.dmabuf4j.testkit.ConformanceError;
import org.dmabuf4j.testkit.ExporterFixtures;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The campaign harness: seeds are printed and replayable, failures are shrunk to short readable sequences. */
class CampaignTest {
    private static final Pattern SEED = Pattern.compile("seed=(-?\\d+)");
    private static final Pattern STEPS = Pattern.compile("minimal sequence \\((\\d+) steps\\)");

    private static ConformanceError failingRun(Campaign campaign) {
        return assertThrows(ConformanceError.class, campaign::run);
    }

    /** A correct exporter survives a campaign, and every run prints its seed. */
    @Test
    @DisplayName("MAP-10: a campaign against a correct exporter passes and prints the seed of every run")
    void aCampaignAgainstACorrectExporterPassesAndPrintsItsSeeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Campaign.forExporter(ExporterFixtures.deviceMemory()).runs(3).steps(50)
                .printTo(new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(3, printed.lines().filter(l -> SEED.matcher(l).find()).count(), printed);
        assertTrue(printed.contains("-D" + Campaign.SEED_PROPERTY + "="), printed);
    }

    /** A broken exporter fails with its seed, its rule and a shrunk sequence; the seed replays the same failure. */
    @Test
    @DisplayName("MOVE-3: a campaign against an exporter that moves without notifying fails on MOVE-3 with a short,"
            + " replayable sequence")
    void aBrokenExporterFailsWithAShortReplayableSequence() {
        Campaign campaign = Campaign.forExporter(new BrokenFixture(Flaw.MOVES_WITHOUT_NOTIFY)).runs(5).steps(80)
                .printTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        ConformanceError first = failingRun(campaign);
        assertTrue(first.rule() == Rule.MOVE_3 || first.rule() == Rule.MOVE_5, first::getMessage);
        Matcher seed = SEED.matcher(first.getMessage());
        Matcher steps = STEPS.matcher(first.getMessage());
        assertTrue(seed.find() && steps.find(), first::getMessage);
        int shrunk = Integer.parseInt(steps.group(1));
        assertTrue(shrunk <= 8, () -> "the sequence was not shrunk to at most 8 steps: " + first.getMessage());
        assertTrue(first.getMessage().contains("1: export a buffer"), first::getMessage);

        String previous = System.getProperty(Campaign.SEED_PROPERTY);
        System.setProperty(Campaign.SEED_PROPERTY, seed.group(1));
        try {
            ConformanceError replayed = failingRun(Campaign.forExporter(new BrokenFixture(Flaw.MOVES_WITHOUT_NOTIFY))
                    .steps(80).printTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
            assertEquals(first.rule(), replayed.rule(), replayed::getMessage);
            Matcher again = STEPS.matcher(replayed.getMessage());
            assertTrue(again.find() && again.group(1).equals(steps.group(1)), replayed::getMessage);
        } finally {
            if (previous == null) {
                System.clearProperty(Campaign.SEED_PROPERTY);
            } else {
                System.setProperty(Campaign.SEED_PROPERTY, previous);
            }
        }
    }
}
