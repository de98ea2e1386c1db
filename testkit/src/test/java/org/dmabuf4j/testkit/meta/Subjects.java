package org.dmabuf4j.testkit.meta;

import org.junit.jupiter.api.Assumptions;

/**
 * The subject the kit suites of the meta-tests run against, per thread: {@link KitRun} sets it around one run of a
 * suite through the EngineTestKit, which executes the suite's tests on the calling thread, so that several subjects
 * can run at once on different threads. Threads a test starts inherit it.
 */
final class Subjects {
    private static final InheritableThreadLocal<Object> CURRENT = new InheritableThreadLocal<>();

    private Subjects() {
    }

    /** The thread's exporter subject; a suite run without one (picked up directly) is skipped, not failed. */
    static ExporterSubject exporter() {
        if (CURRENT.get() instanceof ExporterSubject s) {
            return s;
        }
        Assumptions.abort("SubjectConformance runs only through KitRun, with a subject on the thread");
        return null;
    }

    /** The thread's importer subject; a suite run without one (picked up directly) is skipped, not failed. */
    static ImporterSubject importer() {
        if (CURRENT.get() instanceof ImporterSubject s) {
            return s;
        }
        Assumptions.abort("SubjectImporterConformance runs only through KitRun, with a subject on the thread");
        return null;
    }

    /** The subject of a run of broken code that is not one of the catalogues' (a campaign on a broken fixture). */
    static final Object BROKEN = new Object();

    /**
     * Whether this thread runs a broken subject, or one started by a thread that did: its warnings are expected.
     *
     * @return true for a broken subject or {@link #BROKEN}
     */
    static boolean brokenOnThisThread() {
        Object s = CURRENT.get();
        return s == BROKEN || s instanceof ExporterSubject e && !e.isCorrect()
                || s instanceof ImporterSubject i && !i.isCorrect();
    }

    /** Runs {@code action} with {@code subject} as the current subject of this thread. */
    static <T> T with(Object subject, java.util.function.Supplier<T> action) {
        Object previous = CURRENT.get();
        CURRENT.set(subject);
        try {
            return action.get();
        } finally {
            CURRENT.set(previous);
        }
    }
}
