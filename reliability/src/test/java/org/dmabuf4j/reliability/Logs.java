package org.dmabuf4j.reliability;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps the suites' output readable (issue #16 item 9): during one case, the records of core's loggers (System.Logger
 * "org.dmabuf4j" and below, backed by java.util.logging) are captured instead of printed; when the case ends, the ones
 * the case provoked on purpose are dropped and every other one is printed, loud, with the case's name.
 */
final class Logs implements AutoCloseable {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger would lose the handler. */
    private static final Logger ROOT = Logger.getLogger("org.dmabuf4j");
    private static final PrintStream CONSOLE = System.err;

    private final String caseName;
    private final Predicate<LogRecord> expected;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (records) {
                records.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private Logs(String caseName, Predicate<LogRecord> expected) {
        this.caseName = caseName;
        this.expected = expected;
        ROOT.addHandler(handler);
        ROOT.setUseParentHandlers(false);
    }

    /**
     * Starts capturing.
     *
     * @param caseName names the case in what is printed
     * @param expected which records the case provokes on purpose
     * @return the capture; close it when the case ends
     */
    static Logs capture(String caseName, Predicate<LogRecord> expected) {
        return new Logs(caseName, expected);
    }

    /**
     * Records whose message contains one of {@code parts}.
     *
     * @param parts substrings
     * @return the predicate
     */
    static Predicate<LogRecord> containing(String... parts) {
        return r -> {
            String m = r.getMessage();
            for (String p : parts) {
                if (m != null && m.contains(p)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Records that carry a fault the suite injected ({@link Injector}): its throwable, a cause or a suppressed one has
     * a message starting with "injected ".
     *
     * @return the predicate
     */
    static Predicate<LogRecord> injected() {
        return r -> carriesInjected(r.getThrown(), 0);
    }

    private static boolean carriesInjected(Throwable t, int depth) {
        if (t == null || depth > 8) {
            return false;
        }
        if (t.getMessage() != null && t.getMessage().startsWith("injected ")) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (carriesInjected(s, depth + 1)) {
                return true;
            }
        }
        return carriesInjected(t.getCause(), depth + 1);
    }

    /** The records captured so far. */
    List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    @Override
    public void close() {
        ROOT.removeHandler(handler);
        ROOT.setUseParentHandlers(true);
        SimpleFormatter f = new SimpleFormatter();
        for (LogRecord r : records()) {
            if (!expected.test(r)) {
                CONSOLE.print("[unexpected log in " + caseName + "] " + f.format(r));
            }
        }
    }
}
