package org.dmabuf4j.core;

import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Keeps the build output readable (issue #16 item 9): while a test runs, the records of core's loggers (System.Logger
 * "org.dmabuf4j" and below, backed by java.util.logging) are captured instead of printed. After the test, the records
 * its {@link ExpectedLogs} names are dropped silently; every other one is printed to the console as before, prefixed
 * with the test's name, so an unexpected warning stays loud. A test that must see a record takes a {@link Records}
 * parameter and asserts on it.
 */
@SuppressWarnings("exports") // a test fixture, public only for the tests of core's other packages
public final class LogCapture implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LogCapture.class);
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger would lose the handler. */
    private static final Logger ROOT = Logger.getLogger("org.dmabuf4j");
    private static final PrintStream CONSOLE = System.err;

    /** Created by JUnit. */
    public LogCapture() {
    }

    /** The records captured during one test. */
    public static final class Records extends Handler {
        private final List<LogRecord> records = new ArrayList<>();

        Records() {
        }

        @Override
        public synchronized void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        /**
         * The messages captured so far at {@code level} or above.
         *
         * @param level the least level
         * @return the messages
         */
        public synchronized List<String> messages(Level level) {
            List<String> out = new ArrayList<>();
            for (LogRecord r : records) {
                if (r.getLevel().intValue() >= level.intValue()) {
                    out.add(r.getMessage());
                }
            }
            return out;
        }

        /**
         * Whether a record at {@code level} or above contains every one of {@code parts}.
         *
         * @param level the least level
         * @param parts substrings of one message
         * @return true if one record has them all
         */
        public boolean contains(Level level, String... parts) {
            for (String m : messages(level)) {
                boolean all = m != null;
                for (String p : parts) {
                    all &= all && m.contains(p);
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }

        synchronized List<LogRecord> all() {
            return List.copyOf(records);
        }
    }

    @Override
    public void beforeEach(ExtensionContext c) {
        Records r = records(c);
        ROOT.addHandler(r);
        ROOT.setUseParentHandlers(false);
    }

    @Override
    public void afterEach(ExtensionContext c) {
        Records r = c.getStore(NS).remove("records", Records.class);
        if (r == null) {
            return;
        }
        ROOT.removeHandler(r);
        ROOT.setUseParentHandlers(true);
        List<String> expected = expected(c);
        SimpleFormatter f = new SimpleFormatter();
        for (LogRecord rec : r.all()) {
            String m = rec.getMessage();
            if (m != null && expected.stream().anyMatch(m::contains)) {
                continue;
            }
            CONSOLE.print("[unexpected log in " + c.getDisplayName() + "] " + f.format(rec));
        }
    }

    private static Records records(ExtensionContext c) {
        return c.getStore(NS).getOrComputeIfAbsent("records", k -> new Records(), Records.class);
    }

    private static List<String> expected(ExtensionContext c) {
        List<String> out = new ArrayList<>();
        Optional<ExpectedLogs> m = c.getTestMethod().map(x -> x.getAnnotation(ExpectedLogs.class));
        m.ifPresent(e -> out.addAll(List.of(e.value())));
        for (Optional<Class<?>> cls = c.getTestClass(); cls.isPresent(); cls = Optional.ofNullable(
                cls.get().getEnclosingClass())) {
            AnnotatedElement e = cls.get();
            ExpectedLogs a = e.getAnnotation(ExpectedLogs.class);
            if (a != null) {
                out.addAll(List.of(a.value()));
            }
        }
        return out;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Records.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return records(c);
    }
}
