package org.dmabuf4j.core.debug;

import java.lang.ref.Cleaner;

/**
 * The one {@link Cleaner} of the library: it closes handles that became unreachable while open, and reports them
 * with the stack trace of their creation (BUF-8).
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

    /** Where a handle was created. */
    private static final class CreationSite extends Throwable {
        private static final long serialVersionUID = 1L;

        CreationSite(String what) {
            super("created: " + what, null, false, true);
        }
    }
}
