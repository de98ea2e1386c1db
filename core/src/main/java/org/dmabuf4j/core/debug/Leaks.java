package org.dmabuf4j.core.debug;

import java.lang.ref.Cleaner;

/**
 * The one {@link Cleaner} of the library: it closes handles (BUF-8), CPU windows, mappings, vmap counts, attachments
 * and acquire contexts (SAFE-6) that became unreachable while open, and reports them with the stack trace of their
 * creation. Cleaning actions run on the cleaner's daemon thread; each survives what it calls (SAFE-2).
 */
public final class Leaks {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "dmabuf4j-leak-cleaner");
        t.setDaemon(true);
        return t;
    });

    private Leaks() {
    }

    /**
     * Registers an object: {@code action} runs once, when {@code owner} becomes phantom reachable or when the
     * returned cleanable is cleaned. The action must not refer to {@code owner}.
     *
     * @param owner the object to watch
     * @param action what to run
     * @return the registration
     */
    public static Cleaner.Cleanable register(Object owner, Runnable action) {
        return CLEANER.register(owner, action);
    }

    /**
     * The creation site of a handle, as a stack trace with a readable title.
     *
     * @param what describes the handle
     * @return the creation site
     */
    public static Throwable site(String what) {
        return new CreationSite(what);
    }

    /**
     * Formats a leak report.
     *
     * @param what describes the leaked handle
     * @param site where it was created, or null
     * @return the report: a title line, then the creation stack
     */
    public static String report(String what, Throwable site) {
        StringBuilder sb = new StringBuilder("[BUF-8] leaked handle: ").append(what)
                .append(" became unreachable without close(); it was closed by the garbage collector.");
        if (site == null) {
            sb.append(" (creation sites are not recorded: enable leak detection to see where it was created)");
        } else {
            sb.append(" Created at:");
            for (StackTraceElement e : site.getStackTrace()) {
                sb.append("\n\tat ").append(e);
            }
        }
        return sb.toString();
    }

    /**
     * Formats the leak report of an object that is not a handle (SAFE-6): a CPU window, a mapping, a vmap count, an
     * attachment or an acquire context.
     *
     * @param what describes the leaked object, e.g. "a READ_WRITE CPU window on WHOLE of buffer #3 (...)"
     * @param given what the framework did with what it held, e.g. "its writes were cleaned to memory and its
     *     reference dropped"
     * @param site where it was opened, or null
     * @return the report: a title line, then the creation stack
     */
    public static String report(String what, String given, Throwable site) {
        StringBuilder sb = new StringBuilder("[SAFE-6] leaked ").append(what)
                .append(": it became unreachable without close(); ").append(given).append('.');
        if (site == null) {
            sb.append(" (creation sites are not recorded: enable leak detection to see where it was created)");
        } else {
            sb.append(" Opened at:");
            for (StackTraceElement e : site.getStackTrace()) {
                sb.append("\n\tat ").append(e);
            }
        }
        return sb.toString();
    }

    /**
     * The user's frame of a creation site, for one-line summaries: the first frame outside the JDK, the api's default
     * methods and core's internal packages ({@code org.dmabuf4j.core.*.}).
     *
     * @param site the creation site, or null
     * @return e.g. "com.example.Decoder.frame(Decoder.java:42)", or a note that sites are not recorded
     */
    public static String where(Throwable site) {
        if (site == null) {
            return "(site not recorded: leak detection is off)";
        }
        StackTraceElement[] frames = site.getStackTrace();
        for (StackTraceElement e : frames) {
            String c = e.getClassName();
            boolean internal = c.startsWith("org.dmabuf4j.core.") && c.indexOf('.', "org.dmabuf4j.core.".length()) > 0;
            if (!internal && !c.startsWith("org.dmabuf4j.api.") && !c.startsWith("java.") && !c.startsWith("jdk.")) {
                return c + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
            }
        }
        return frames.length > 0 ? frames[0].toString() : "(unknown)";
    }

    /** Where a handle was created. */
    private static final class CreationSite extends Throwable {
        private static final long serialVersionUID = 1L;

        CreationSite(String what) {
            super("created: " + what, null, false, true);
        }
    }
}
