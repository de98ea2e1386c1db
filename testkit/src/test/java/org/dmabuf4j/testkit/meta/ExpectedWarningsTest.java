package org.dmabuf4j.testkit.meta;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The meta-tests silence the warnings their broken subjects provoke, and no other. */
class ExpectedWarningsTest {
    static {
        Warnings.install();
    }

    private static boolean expected(String logger, String level, String message) {
        java.util.logging.LogRecord r = new java.util.logging.LogRecord(java.util.logging.Level.parse(level),
                message);
        r.setLoggerName(logger);
        return ExpectedWarnings.expected(r);
    }

    @Test
    @DisplayName("BUF-8: a dmabuf4j warning outside a broken subject's run stays loud")
    void aWarningOutsideABrokenRunStaysLoud() {
        assertFalse(expected("org.dmabuf4j", "WARNING", "system closed with buffer #1 (exporter pool, 4096 bytes)"
                + " still open"));
        assertFalse(expected("org.dmabuf4j", "WARNING", "[BUF-8] leaked handle: a handle of buffer #1 ... Created"
                + " at:\n\tat org.dmabuf4j.testkit.internal.CampaignRun.share(CampaignRun.java:400)"));
        assertFalse(Subjects.with(ExporterCatalogue.pool().getFirst(), () -> expected("org.dmabuf4j", "WARNING",
                "system closed with buffer #1 still open")), "a correct subject's warnings stay loud");
    }

    @Test
    @DisplayName("BUF-8: a dmabuf4j warning of a broken subject's run, or of its leaked handles, is silenced")
    void aWarningOfABrokenRunIsSilenced() {
        assertTrue(Subjects.with(Subjects.BROKEN, () -> expected("org.dmabuf4j", "WARNING", "system closed with"
                + " buffer #1 still open")));
        assertTrue(Subjects.with(ExporterCatalogue.pool().get(1), () -> expected("org.dmabuf4j.core.sync",
                "SEVERE", "callback threw")));
        assertTrue(expected("org.dmabuf4j", "WARNING", "[BUF-8] leaked handle: a handle of buffer #1 ... Created at:"
                + "\n\tat org.dmabuf4j.testkit.meta.FlawedImporter.attach(FlawedImporter.java:50)"));
        assertFalse(Subjects.with(Subjects.BROKEN, () -> expected("com.example", "WARNING", "not dmabuf4j's")));
    }
}
