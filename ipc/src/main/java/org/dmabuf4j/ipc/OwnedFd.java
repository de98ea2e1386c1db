package org.dmabuf4j.ipc;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.ipc.linux.Fds;

/**
 * A file descriptor with exactly one owner ({@link Rule#IPC_1 IPC-1}): close-on-exec, closed exactly once, tracked.
 *
 * <p>Every descriptor the ipc module creates or receives is one of these. {@link #close()} is idempotent; while a
 * system call of the module is using the number (a blocked {@code recvmsg}, a {@code poll}), the close waits for the
 * call to end, so that the number can never be reused under it. An owner that becomes unreachable while open is
 * closed by a {@link Cleaner} and reported, with the stack trace of where it was created ({@link #leakReports()}).
 * The live count is {@link #liveCount()}; {@link FdReport} lists the process's descriptors.
 *
 * <pre>
 *   open ──use()...done()──► open ──close()──► closing (uses in flight) ──last done()──► closed
 *                                       └──── no use in flight ───────────────────────► closed
 * </pre>
 *
 * <p>Thread-safe.
 *
 * @see "close(2), O_CLOEXEC"
 */
public final class OwnedFd implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.dmabuf4j.ipc");
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "dmabuf4j-ipc-fd-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final boolean SITES = !"false".equals(System.getProperty("dmabuf4j.ipc.fdSites"));
    private static final AtomicLong CREATED = new AtomicLong();
    private static final AtomicLong CLOSED = new AtomicLong();
    private static final AtomicLong LEAKED = new AtomicLong();
    private static final List<String> LEAK_REPORTS = new ArrayList<>();
    private static final int MAX_REPORTS = 100;
    /** Live owned numbers and their descriptions, for {@link FdReport}. */
    static final java.util.concurrent.ConcurrentHashMap<Integer, String> LIVE =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final State state;
    private final Cleaner.Cleanable cleanable;

    /** Everything the cleaner needs; must not refer to the owner. */
    private static final class State implements Runnable {
        final int fd;
        final FdKind kind;
        final String what;
        final Throwable site;
        int uses;
        boolean closing;
        boolean closed;

        State(int fd, FdKind kind, String what, Throwable site) {
            this.fd = fd;
            this.kind = kind;
            this.what = what;
            this.site = site;
        }

        /** The cleaner: the owner became unreachable. */
        @Override
        public void run() {
            synchronized (this) {
                if (closing) {
                    return;
                }
                closing = true;
            }
            finish(this);
            String report = report(this);
            synchronized (LEAK_REPORTS) {
                if (LEAK_REPORTS.size() < MAX_REPORTS) {
                    LEAK_REPORTS.add(report);
                }
            }
            // logged before it is counted: whoever sees the count (a test, a monitor) finds the record already out
            LOG.log(System.Logger.Level.WARNING, report);
            LEAKED.incrementAndGet();
        }
    }

    private OwnedFd(int fd, FdKind kind, String what) {
        this.state = new State(fd, kind, what, SITES ? new CreationSite(fd, what) : null);
        this.cleanable = CLEANER.register(this, state);
        LIVE.put(fd, kind + " " + what);
        CREATED.incrementAndGet();
    }

    /**
     * Takes ownership of a descriptor number: from now on only the returned owner may close it.
     *
     * @param fd an open descriptor, close-on-exec; not negative
     * @param kind what it refers to
     * @param what a description for messages and reports, e.g. {@code "memfd of buffer 'frame-0'"}
     * @return the owner
     * @throws RuleViolationException (IPC-1) on a negative number
     */
    static OwnedFd adopt(int fd, FdKind kind, String what) {
        if (fd < 0) {
            throw new RuleViolationException(Rule.IPC_1, "cannot own descriptor " + fd + " (" + what
                    + "): not a descriptor number");
        }
        return new OwnedFd(fd, kind, what);
    }

    /**
     * Takes ownership of a descriptor that came from outside the module (native code, another library). It must be
     * close-on-exec already; nothing else may close it afterwards.
     *
     * @param fd an open descriptor
     * @param what a description for messages and reports; not null
     * @return the owner, of kind {@link FdKind#UNCHECKED}
     * @throws RuleViolationException ({@link Rule#IPC_1 IPC-1}) on a negative number, a null description, or a
     *     descriptor without FD_CLOEXEC (it would leak into every child process); the descriptor is left alone
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the number is not an open descriptor
     */
    public static OwnedFd adopt(int fd, String what) {
        if (what == null) {
            throw new RuleViolationException(Rule.IPC_1, "OwnedFd.adopt(" + fd + ", null): describe the descriptor");
        }
        if (fd < 0) {
            throw new RuleViolationException(Rule.IPC_1, "cannot own descriptor " + fd + " (" + what
                    + "): not a descriptor number");
        }
        int flags = Fds.descriptorFlags(fd, "checking descriptor " + fd + " (" + what + ") before owning it");
        if ((flags & Fds.FD_CLOEXEC) == 0) {
            throw new RuleViolationException(Rule.IPC_1, "descriptor " + fd + " (" + what + ") is not close-on-exec:"
                    + " open it with O_CLOEXEC (or set FD_CLOEXEC) before handing it to dmabuf4j");
        }
        return new OwnedFd(fd, FdKind.UNCHECKED, what);
    }

    /**
     * The descriptor number, for diagnostics and for handing to native code while this owner stays open.
     *
     * @return the number
     * @throws ClosedException ({@link Rule#IPC_1 IPC-1}) if closed
     */
    public int fd() {
        synchronized (state) {
            if (state.closing) {
                throw closed("fd()");
            }
            return state.fd;
        }
    }

    /**
     * What the descriptor refers to.
     *
     * @return the kind
     */
    public FdKind kind() {
        return state.kind;
    }

    /**
     * The description given at creation.
     *
     * @return e.g. {@code "memfd of buffer 'frame-0'"}
     */
    public String what() {
        return state.what;
    }

    /**
     * Whether this owner is open.
     *
     * @return false once {@link #close()} was called
     */
    public boolean isOpen() {
        synchronized (state) {
            return !state.closing;
        }
    }

    /**
     * Where this owner was created, if creation sites are recorded (the default; {@code -Ddmabuf4j.ipc.fdSites=false}
     * turns them off).
     *
     * @return the site
     */
    public Optional<Throwable> creationSite() {
        return Optional.ofNullable(state.site);
    }

    /**
     * Starts a use of the number by a system call: the number stays valid until {@link #done()}.
     *
     * @param op the operation, for the message
     * @return the number
     * @throws ClosedException (IPC-1) if closed or closing
     */
    int use(String op) {
        synchronized (state) {
            if (state.closing) {
                throw closed(op);
            }
            state.uses++;
            return state.fd;
        }
    }

    /** Ends a use begun by {@link #use}; the last one after a close closes the descriptor. */
    void done() {
        boolean now;
        synchronized (state) {
            now = --state.uses == 0 && state.closing && !state.closed;
        }
        if (now) {
            finish(state);
        }
    }

    /**
     * A new owner of a duplicate (F_DUPFD_CLOEXEC): the same open file, its own number, closed on its own.
     *
     * @param newWhat the description of the duplicate; not null
     * @return the duplicate's owner
     * @throws RuleViolationException ({@link Rule#IPC_1 IPC-1}) on a null description, before anything is made
     * @throws ClosedException ({@link Rule#IPC_1 IPC-1}) if closed
     * @throws SyscallException ({@link Rule#IPC_2 IPC-2}) if the duplicate cannot be made (EMFILE)
     */
    public OwnedFd dup(String newWhat) {
        if (newWhat == null) {
            throw new RuleViolationException(Rule.IPC_1, "dup(null) of " + this + ": describe the duplicate");
        }
        int n = use("dup");
        try {
            return adopt(Fds.dupCloexec(n, "duplicating " + this), state.kind, newWhat);
        } finally {
            done();
        }
    }

    /**
     * Closes the descriptor, exactly once ({@link Rule#IPC_1 IPC-1}); idempotent. If a system call of the module is
     * using it, the descriptor is closed when that call ends.
     */
    @Override
    public void close() {
        boolean now;
        synchronized (state) {
            if (state.closing) {
                return;
            }
            state.closing = true;
            now = state.uses == 0;
        }
        cleanable.clean();
        if (now) {
            finish(state);
        }
    }

    private static void finish(State s) {
        synchronized (s) {
            if (s.closed) {
                return;
            }
            s.closed = true;
        }
        CLOSED.incrementAndGet();
        LIVE.remove(s.fd);
        int err = Fds.close(s.fd);
        if (err != 0) {
            // the number was closed behind its owner's back: whatever now has it is not ours to touch
            LOG.log(System.Logger.Level.ERROR, new SyscallException(Rule.IPC_1, "close", err, "of descriptor "
                    + s.fd + " (" + s.what + "): it was closed behind its owner's back; close it only through its"
                    + " OwnedFd").getMessage());
        }
    }

    private ClosedException closed(String op) {
        return new ClosedException(Rule.IPC_1, op + " on closed descriptor " + state.fd + " (" + state.what
                + "): the owner was closed; keep it open while you use it, or dup() it");
    }

    private static String report(State s) {
        StringBuilder sb = new StringBuilder("[IPC-1] leaked descriptor ").append(s.fd).append(" (").append(s.what)
                .append(", ").append(s.kind).append(") became unreachable without close(); the garbage collector"
                        + " closed it.");
        if (s.site == null) {
            sb.append(" (creation sites are off: run without -Ddmabuf4j.ipc.fdSites=false to see where it was"
                    + " created)");
        } else {
            sb.append(" Created at:");
            for (StackTraceElement e : s.site.getStackTrace()) {
                sb.append("\n\tat ").append(e);
            }
        }
        return sb.toString();
    }

    /**
     * Descriptors owned by this process's {@code OwnedFd}s and not yet closed.
     *
     * @return the count
     */
    public static long liveCount() {
        return CREATED.get() - CLOSED.get();
    }

    /**
     * Counts since the JVM started.
     *
     * @return created, closed and leaked owners
     */
    public static FdCounters counters() {
        return new FdCounters(CREATED.get(), CLOSED.get(), LEAKED.get());
    }

    /**
     * The leak reports so far (at most the first 100), each with the creation site.
     *
     * @return an immutable snapshot
     */
    public static List<String> leakReports() {
        synchronized (LEAK_REPORTS) {
            return List.copyOf(LEAK_REPORTS);
        }
    }

    /**
     * Counts of owned descriptors since the JVM started.
     *
     * @param created owners created
     * @param closed owners whose descriptor was closed
     * @param leaked owners closed by the garbage collector (reported)
     */
    public record FdCounters(long created, long closed, long leaked) {
        /**
         * Owners still open.
         *
         * @return created minus closed
         */
        public long live() {
            return created - closed;
        }
    }

    @Override
    public String toString() {
        synchronized (state) {
            return "fd " + state.fd + " (" + state.what + ", " + state.kind + (state.closing ? ", closed" : "") + ")";
        }
    }

    /** Where an owner was created. */
    private static final class CreationSite extends Throwable {
        private static final long serialVersionUID = 1L;

        CreationSite(int fd, String what) {
            super("created: descriptor " + fd + " (" + what + ")", null, false, true);
        }
    }
}
