package org.dmabuf4j.testkit;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.dmabuf4j.testkit.internal.KitSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The kit's own lines on the console, whatever the build tool's reporter prints: each failed test by its display name
 * ({@code MAP-4: every entry respects ...}) with the first line of its message, each skipped test with its reason
 * (which build tools otherwise keep in their XML reports), and, after the suite, one line with its counts and the
 * rules that failed: the count covers the tests of every {@code @Nested} group, which some reporters attribute to the
 * groups and not to the suite class.
 *
 * <pre>
 *   [dmabuf4j kit] SKIP MOVE-2: a pinned buffer is not moved, ... — fixture pool declares no DYNAMIC_MOVE: ...
 *   [dmabuf4j kit] FAIL MAP-4: every entry respects ... — [MAP-4] map of exporter 'pool' (buffer #1, ...
 *   [dmabuf4j kit] MyExporterConformanceTest, fixture pool: 41 tests, 39 passed, 1 failed (MAP-4), 1 skipped
 * </pre>
 *
 * <p>Set the JUnit configuration parameter (or system property) {@code dmabuf4j.kit.console} to {@code false} to
 * silence it.
 */
final class KitReport implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    /** The configuration parameter and system property that turn the lines off with "false". */
    static final String CONSOLE = "dmabuf4j.kit.console";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KitReport.class);
    private static final int LINE = 300;

    /** The counts of one suite run. Updated from the test thread only (Jupiter runs a suite's tests in order). */
    private static final class Tally {
        int passed;
        int failed;
        int skipped;
        final Set<String> rules = new TreeSet<>();
        String fixture;
    }

    KitReport() {
    }

    /** The context of the suite class itself: the class context right under the engine's. */
    private static Optional<ExtensionContext> suite(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && c.getParent().get().getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c.getParent().isPresent() ? Optional.of(c) : Optional.empty();
    }

    private static boolean on(ExtensionContext context) {
        return !"false".equalsIgnoreCase(context.getConfigurationParameter(CONSOLE)
                .orElse(System.getProperty(CONSOLE, "true")));
    }

    private static Tally tally(ExtensionContext context) {
        return suite(context).map(s -> s.getStore(NS).getOrComputeIfAbsent(Tally.class, k -> new Tally(),
                Tally.class)).orElseGet(Tally::new);
    }

    private static PrintStream out() {
        return System.out;
    }

    private static String oneLine(String s) {
        String first = s == null ? "" : s.lines().findFirst().orElse("");
        return first.length() > LINE ? first.substring(0, LINE - 3) + "..." : first;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        tally(context);
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        Tally t = tally(context);
        t.passed++;
        noteFixture(context, t);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Tally t = tally(context);
        t.failed++;
        noteFixture(context, t);
        if (cause instanceof ConformanceError c) {
            t.rules.add(c.rule().id());
        }
        if (on(context)) {
            out().println("[dmabuf4j kit] FAIL " + context.getDisplayName() + " — " + oneLine(cause == null ? ""
                    : cause.getMessage()));
        }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        Tally t = tally(context);
        t.skipped++;
        noteFixture(context, t);
        if (on(context)) {
            String why = cause == null ? "" : oneLine(cause.getMessage()).replaceFirst("^Assumption failed: ", "");
            out().println("[dmabuf4j kit] SKIP " + context.getDisplayName() + " — " + why);
        }
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        Tally t = tally(context);
        t.skipped++;
        if (on(context)) {
            out().println("[dmabuf4j kit] SKIP " + context.getDisplayName() + " — " + reason.orElse("disabled"));
        }
    }

    private static void noteFixture(ExtensionContext context, Tally t) {
        if (t.fixture != null) {
            return;
        }
        KitSession s = KitExtension.sessionOf(context);
        if (s != null) {
            t.fixture = s.fixture().name();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Optional<ExtensionContext> suite = suite(context);
        if (suite.isEmpty() || suite.get() != context || !on(context)) {
            return;
        }
        Tally t = tally(context);
        List<String> parts = new ArrayList<>();
        parts.add(t.passed + " passed");
        parts.add(t.failed + " failed" + (t.rules.isEmpty() ? "" : " (" + String.join(", ", t.rules) + ")"));
        parts.add(t.skipped + " skipped");
        out().println("[dmabuf4j kit] " + context.getDisplayName() + (t.fixture == null ? "" : ", fixture "
                + t.fixture) + ": " + (t.passed + t.failed + t.skipped) + " tests, " + String.join(", ", parts));
    }
}
