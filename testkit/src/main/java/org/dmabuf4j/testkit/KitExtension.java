package org.dmabuf4j.testkit;

import java.util.Optional;
import java.util.regex.Matcher;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.internal.KitSession;
import org.dmabuf4j.testkit.internal.Verify;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Ends every kit test: closes what the test left open and, if it passed, checks that nothing leaked. Turns every
 * failure into a {@link ConformanceError} on the test's rule (the ID its display name starts with), or on the more
 * precise rule of a violation seen inside the exporter's callbacks.
 */
final class KitExtension implements AfterEachCallback, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
    private static final java.util.regex.Pattern RULE_ID = java.util.regex.Pattern.compile("^\\s*([A-Z0-9]+-\\d+)");

    KitExtension() {
    }

    static KitSession sessionOf(ExtensionContext context) {
        Optional<org.junit.jupiter.api.extension.TestInstances> instances = context.getTestInstances();
        if (instances.isEmpty()) {
            return null;
        }
        for (Object o : instances.get().getAllInstances()) {
            if (o instanceof ExporterConformance e) {
                return e.session;
            }
            if (o instanceof ImporterConformance i) {
                return i.session;
            }
        }
        return null;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KitSession session = sessionOf(context);
        if (session != null) {
            try {
                session.finish(context.getExecutionException().orElse(null), ruleOf(context));
            } catch (ConformanceError e) {
                throw e;
            } catch (RuntimeException | AssertionError e) {
                Throwable tagged = tag(context, e);
                if (tagged instanceof Error err) {
                    throw err;
                }
                throw (RuntimeException) tagged;
            }
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw tag(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw tag(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw tag(context, throwable);
    }

    static Rule ruleOf(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Matcher m = RULE_ID.matcher(c.get().getDisplayName());
            if (m.find()) {
                try {
                    return Rule.byId(m.group(1));
                } catch (IllegalArgumentException ignored) {
                    // not a rule ID: look further up
                }
            }
        }
        return null;
    }

    private static Throwable tag(ExtensionContext context, Throwable t) {
        if (t instanceof TestAbortedException) {
            return t;
        }
        KitSession session = sessionOf(context);
        if (session != null) {
            var violations = session.recorder().violations();
            if (!violations.isEmpty()) {
                ConformanceError first = violations.getFirst();
                ConformanceError thrown = new ConformanceError(first.rule(), first.observed(), first.hint(),
                        t instanceof ConformanceError ? null : t);
                if (t instanceof ConformanceError && !t.getMessage().equals(first.getMessage())) {
                    thrown.addSuppressed(t);
                }
                violations.stream().skip(1).forEach(thrown::addSuppressed);
                return thrown;
            }
        }
        if (t instanceof ConformanceError) {
            return t;
        }
        Rule own = ruleOf(context);
        Rule rule = Verify.blame(t, own);
        if (rule == null) {
            return t;
        }
        return Verify.failure(rule, "unexpected " + Verify.describe(t) + " in '" + context.getDisplayName() + "'",
                rule == own ? "the rule: " + rule.statement() : Verify.hintFor(rule, t), t);
    }
}
