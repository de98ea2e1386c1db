package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    static {
        Warnings.install();
    }

    /** Runs a campaign that must fail: its code is broken on purpose, so its warnings are expected. */
    private static ConformanceError failingRun(Campaign campaign) {
        return Subjects.with(Subjects.BROKEN, () -> assertThrows(ConformanceError.class, campaign::run));
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

    private static Campaign quiet(Campaign c) {
        return c.printTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** A fence that never signals fails the step that waits for it within the fence timeout, and is shrunk. */
    @Test
    @DisplayName("FENCE-7: a move's fence that never signals fails within the campaign's fence timeout, and the"
            + " failure is shrunk like any other")
    void aFenceThatNeverSignalsFailsInTimeAndIsShrunk() {
        ConformanceError e = failingRun(quiet(Campaign.forExporter(new BrokenFixture(Flaw.HUNG_FENCE)).runs(3)
                .steps(60).fenceTimeout(Duration.ofMillis(200))));
        assertEquals(Rule.FENCE_7, e.rule(), e::getMessage);
        assertTrue(e.getMessage().contains("did not signal in 200 ms"), e::getMessage);
        Matcher steps = STEPS.matcher(e.getMessage());
        assertTrue(steps.find() && !e.getMessage().contains("not shrunk"), e::getMessage);
        assertTrue(Integer.parseInt(steps.group(1)) <= 6, () -> "not shrunk to a few steps: " + e.getMessage());
        assertTrue(e.getMessage().contains("move handle"), e::getMessage);
    }

    /**
     * An exporter whose move fence has WRITE usage makes readiness wait for it: that is the exporter's MOVE-8, not
     * the framework's SYNC-4.
     */
    @Test
    @DisplayName("MOVE-8: a campaign against an exporter that publishes its move's copy as a WRITE fence fails on"
            + " MOVE-8, not on the framework's readiness (SYNC-4)")
    void aWriteUsageMoveFenceIsTheExportersMove8() {
        ConformanceError e = failingRun(quiet(Campaign.forExporter(new GpuExporter.Fixture(
                GpuExporter.Bug.MOVE_FENCE_OF_WRITE_USAGE)).runs(4).steps(60)));
        assertEquals(Rule.MOVE_8, e.rule(), e::getMessage);
        assertTrue(e.getMessage().contains("usage WRITE") && e.getMessage().contains("KERNEL"), e::getMessage);
    }

    /** A content mismatch names the fact and the cause that produces it, not always "buffer order". */
    @Test
    @DisplayName("MOVE-6: a campaign content mismatch after a move that lost a page says the copy lost it, not that"
            + " the buffer is out of order")
    void aContentMismatchIsDiagnosedByItsFact() {
        ConformanceError e = failingRun(quiet(Campaign.forExporter(new GpuExporter.Fixture(
                GpuExporter.Bug.COPIES_ONE_PAGE_SHORT)).runs(8).steps(80)));
        assertEquals(Rule.MOVE_6, e.rule(), e::getMessage);
        assertTrue(e.getMessage().contains("all zero") && e.getMessage().contains("copy"), e::getMessage);
        assertTrue(!e.getMessage().contains("buffer order"), e::getMessage);
    }
}
