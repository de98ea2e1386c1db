package org.dmabuf4j.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The ipc module's log records while a test provokes them on purpose: captured instead of printed, so the build output
 * shows only what nobody expected. A record that no expected part matches is printed at {@link #close()}, loud, with
 * the test's name; a test asserts the expected ones with {@link #assertLogged}.
 *
 * <pre>{@code
 * try (CapturedLog log = CapturedLog.expecting("a test name", "[IPC-12] the frame handler")) {
 *     ... provoke it, wait for its effect ...
 *     log.assertLogged("[IPC-12] the frame handler", "threw on");
 * }
 * }</pre>
 *
 * The code under test must log before it makes the effect the test waits for observable, or the record may arrive
 * after the capture ends (and be printed: loud, not lost).
 */
final class CapturedLog extends Handler implements AutoCloseable {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger would lose the handler. */
    private static final Logger IPC = Logger.getLogger("org.dmabuf4j.ipc");

    private final String test;
    private final List<String> expected;
    private final List<LogRecord> records = new ArrayList<>();

    private CapturedLog(String test, List<String> expected) {
        this.test = test;
        this.expected = expected;
    }

    /**
     * Starts capturing the records of "org.dmabuf4j.ipc".
     *
     * @param test the test's name, for records nobody expected
     * @param expected substrings of the records the test provokes
     * @return the capture; close it
     */
    static CapturedLog expecting(String test, String... expected) {
        CapturedLog log = new CapturedLog(test, List.of(expected));
        IPC.addHandler(log);
        IPC.setUseParentHandlers(false);
        return log;
    }

    @Override
    public synchronized void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    /**
     * Fails unless one record captured so far contains every part.
     *
     * @param parts substrings of one message
     */
    synchronized void assertLogged(String... parts) {
        for (LogRecord r : records) {
            String m = String.valueOf(r.getMessage());
            if (List.of(parts).stream().allMatch(m::contains)) {
                return;
            }
        }
        throw new AssertionError("no log record contains " + List.of(parts) + "; captured: "
                + records.stream().map(LogRecord::getMessage).toList());
    }

    @Override
    public void close() {
        IPC.removeHandler(this);
        IPC.setUseParentHandlers(true);
        SimpleFormatter f = new SimpleFormatter();
        synchronized (this) {
            for (LogRecord r : records) {
                String m = String.valueOf(r.getMessage());
                if (expected.stream().noneMatch(m::contains)) {
                    System.err.print("[unexpected log in " + test + "] " + f.format(r));
                }
            }
        }
    }
}
