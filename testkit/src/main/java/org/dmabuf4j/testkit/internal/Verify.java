package org.dmabuf4j.testkit.internal;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.ExporterFaultException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.testkit.ConformanceError;

/** The kit's only way to fail: every failure names its rule and carries a hint. */
public final class Verify {
    private Verify() {
    }

    /** An action that may throw anything. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the action.
         *
         * @throws Exception anything
         */
        void run() throws Exception;
    }

    /**
     * A failure.
     *
     * @param rule the rule
     * @param observed what was seen
     * @param hint where to look
     * @return the error, to throw
     */
    public static ConformanceError failure(Rule rule, String observed, String hint) {
        return new ConformanceError(rule, observed, hint);
    }

    /**
     * A failure with a cause.
     *
     * @param rule the rule
     * @param observed what was seen
     * @param hint where to look
     * @param cause what revealed it
     * @return the error, to throw
     */
    public static ConformanceError failure(Rule rule, String observed, String hint, Throwable cause) {
        return new ConformanceError(rule, observed, hint, cause);
    }

    /**
     * Fails unless {@code ok}.
     *
     * @param ok the condition
     * @param rule the rule
     * @param observed what was seen, computed only on failure
     * @param hint where to look
     */
    public static void that(boolean ok, Rule rule, Supplier<String> observed, String hint) {
        if (!ok) {
            throw failure(rule, observed.get(), hint);
        }
    }

    /**
     * Runs an operation that must succeed. A DmaBufException thrown by it is reported on its own rule unless that rule
     * binds the framework (see {@link #blame}), else on {@code rule}.
     *
     * @param rule the rule the operation checks
     * @param what what the operation is, for the message
     * @param hint where to look
     * @param op the operation
     * @param <T> its result type
     * @return its result
     */
    public static <T> T succeeds(Rule rule, String what, String hint, Callable<T> op) {
        try {
            return op.call();
        } catch (ConformanceError e) {
            throw e;
        } catch (DmaBufException e) {
            Rule reported = blame(e, rule);
            if (reported != rule) {
                throw failure(reported, what + " threw " + describe(e) + ": " + elsewhere(reported, e),
                        hintFor(reported, e), e);
            }
            throw failure(reported, what + " threw " + describe(e), hint, e);
        } catch (Exception e) {
            throw failure(rule, what + " threw " + describe(e), hint, e);
        }
    }

    /**
     * Runs an action that must succeed; see {@link #succeeds(Rule, String, String, Callable)}.
     *
     * @param rule the rule the action checks
     * @param what what it is
     * @param hint where to look
     * @param op the action
     */
    public static void runs(Rule rule, String what, String hint, Action op) {
        succeeds(rule, what, hint, () -> {
            op.run();
            return null;
        });
    }

    /**
     * Runs an operation that must be refused with {@code type} carrying {@code expected}.
     *
     * @param type the exception type expected
     * @param expected the rule the exception must carry
     * @param reported the rule to report a failure on
     * @param what what the operation is
     * @param hint where to look
     * @param op the operation
     * @param <E> the exception type
     * @return the exception
     */
    public static <E extends DmaBufException> E refuses(Class<E> type, Rule expected, Rule reported, String what,
            String hint, Action op) {
        try {
            op.run();
        } catch (ConformanceError e) {
            throw e;
        } catch (Exception e) {
            if (type.isInstance(e) && ((DmaBufException) e).rule() == expected) {
                return type.cast(e);
            }
            throw failure(reported, what + " threw " + describe(e) + " instead of " + type.getSimpleName() + " ["
                    + expected.id() + "]", hint, e);
        }
        throw failure(reported, what + " succeeded instead of failing with " + type.getSimpleName() + " ["
                + expected.id() + "]", hint);
    }

    /**
     * The rule a failure is filed under: the rule the framework named when it refused a call of the code under test
     * (exporter- and importer-side rules alike: an exporter that calls {@code addFence} without
     * {@code reserveFences} breaks RESV-1 even though RESV-1 is marked "importer"), else {@code fallback}. A
     * framework-side rule in an exception (an IOMMU fault, DEV-1) is a symptom, not the broken rule, so it falls back.
     *
     * @param t what was thrown
     * @param fallback the rule of the test or step
     * @return the rule to report
     */
    public static Rule blame(Throwable t, Rule fallback) {
        if (t instanceof ExporterFaultException) {
            // the framework touched memory the exporter had already freed: the exporter's lifetime bug
            return Rule.SAFE_1;
        }
        if (t instanceof DmaBufException d && d.rule() == Rule.MOVE_7 && d.getCause() instanceof DmaBufException c
                && (c.rule().binds() != Rule.Party.FRAMEWORK || c instanceof ExporterFaultException)) {
            // "an importer's moveNotify failed": what it called failed, and that call's rule is the precise one
            return blame(c, fallback);
        }
        return t instanceof DmaBufException d && d.rule().binds() != Rule.Party.FRAMEWORK ? d.rule() : fallback;
    }

    /** Why a failure is filed under another rule than the step's: completes "X threw Y: ...". */
    private static String elsewhere(Rule reported, DmaBufException e) {
        if (reported == Rule.SAFE_1) {
            return "the framework touched memory of the exporter that was already freed";
        }
        return e.rule() == reported && e.rule().binds() == Rule.Party.IMPORTER
                ? "the code under test itself made a call that breaks " + reported.id() + " and the framework refused it"
                : "the exception names " + reported.id() + ", the rule at fault";
    }

    /**
     * The hint for a failure the framework named: the most likely cause of that rule's refusal.
     *
     * @param reported the rule the failure is filed under
     * @param e what the framework threw
     * @return the hint, completing "if this fails, check ..."
     */
    public static String hintFor(Rule reported, Throwable e) {
        if (reported == Rule.SAFE_1) {
            return "most likely the exporter frees, closes or unmaps its memory before release() (when the last"
                    + " attachment detaches, the last mapping is unmapped, or in endCpuAccess/vunmap of memory still in"
                    + " use): free it in release() only";
        }
        return "the call or step named in the exception (" + reported.id() + ": " + reported.statement() + ")";
    }

    /**
     * A one-line description of an exception.
     *
     * @param t the exception
     * @return its simple class name and message
     */
    public static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
