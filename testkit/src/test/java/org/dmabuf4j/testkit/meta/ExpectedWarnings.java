package org.dmabuf4j.testkit.meta;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Silences the warnings the meta-tests provoke on purpose, and only those: a broken exporter or importer leaks handles
 * and leaves buffers open, and dmabuf4j says so (BUF-8 leak reports, "system closed with buffer ... still open").
 * A warning or error of a dmabuf4j logger is expected while a thread runs a broken subject (or a thread it started:
 * the subject is inherited, see {@link Subjects}), or when it names the code of a broken subject (a leak report,
 * written later by the garbage collector's thread, carries the stack where the leaked handle was created). Every
 * other record, among them every warning of a correct subject's run, reaches the console as configured in
 * {@code logging.properties}.
 */
final class ExpectedWarnings implements Filter {
    /** The classes whose creation sites in a leak report mark it as a broken subject's. */
    private static final String[] BROKEN_CODE = {".meta.BrokenFixture", ".meta.FlawedImporter", ".meta.PoolExporter",
        ".meta.LazyExporter", ".meta.FileExporter", ".meta.GpuExporter", ".meta.MovableExporter"};
    private static final AtomicLong SILENCED = new AtomicLong();

    private final Filter previous;

    private ExpectedWarnings(Filter previous) {
        this.previous = previous;
    }

    /** Installs the filter on the root logger's handlers, once. */
    static synchronized void install() {
        Warnings.readJavaLogging();
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (!(h.getFilter() instanceof ExpectedWarnings)) {
                h.setFilter(new ExpectedWarnings(h.getFilter()));
            }
        }
    }

    /**
     * The number of records silenced so far.
     *
     * @return the count
     */
    static long silenced() {
        return SILENCED.get();
    }

    static boolean expected(LogRecord r) {
        if (r.getLevel().intValue() < Level.WARNING.intValue() || r.getLoggerName() == null
                || !r.getLoggerName().startsWith("org.dmabuf4j")) {
            return false;
        }
        if (Subjects.brokenOnThisThread()) {
            return true;
        }
        String m = r.getMessage();
        if (m != null && m.contains("[BUF-8]")) {
            for (String code : BROKEN_CODE) {
                if (m.contains(code)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean isLoggable(LogRecord r) {
        if (expected(r)) {
            SILENCED.incrementAndGet();
            return false;
        }
        return previous == null || previous.isLoggable(r);
    }
}
