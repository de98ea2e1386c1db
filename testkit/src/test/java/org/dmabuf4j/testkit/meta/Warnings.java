package org.dmabuf4j.testkit.meta;

/**
 * Installs {@link ExpectedWarnings} from code that does not itself touch java.util.logging: the meta-tests run
 * patched into the module org.dmabuf4j.testkit, which does not read java.logging, so this module reads it first.
 */
final class Warnings {
    private static boolean done;

    private Warnings() {
    }

    static synchronized void install() {
        if (done) {
            return;
        }
        done = true;
        readJavaLogging();
        ExpectedWarnings.install();
    }

    /** Lets this module read java.logging, where the JDK's System.Logger backend lives. */
    static void readJavaLogging() {
        ModuleLayer.boot().findModule("java.logging").ifPresent(Warnings.class.getModule()::addReads);
    }
}
