package org.dmabuf4j.ipc;

import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.ipc.linux.Errno;

/**
 * A Linux system call made by the ipc module failed ({@link Rule#IPC_2 IPC-2}). The message names the call, the errno
 * (number and symbolic name) and the objects involved; nothing the failed operation was building is left behind.
 *
 * <pre>
 *   [IPC-2] memfd_create("dmabuf4j:frame") failed: EMFILE (errno 24) while allocating a 8294400-byte buffer ...
 * </pre>
 */
public class SyscallException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /** The call that failed. */
    private final String call;
    /** The errno it set. */
    private final int errno;

    /**
     * Creates the exception.
     *
     * @param call the system call or libc function, e.g. {@code "sendmsg"}
     * @param errno the errno it set
     * @param context what was being done, with the objects involved, and what to do about it
     */
    public SyscallException(String call, int errno, String context) {
        this(Rule.IPC_2, call, errno, context);
    }

    /**
     * Creates the exception for another rule than {@link Rule#IPC_2 IPC-2} (a call whose failure breaks a more specific
     * rule).
     *
     * @param rule the rule; not null
     * @param call the system call or libc function
     * @param errno the errno it set
     * @param context what was being done, with the objects involved, and what to do about it
     */
    public SyscallException(Rule rule, String call, int errno, String context) {
        super(rule, call + " failed: " + Errno.name(errno) + " (errno " + errno + ") " + context);
        this.call = call;
        this.errno = errno;
    }

    /**
     * The call that failed.
     *
     * @return e.g. {@code "recvmsg"}
     */
    public String call() {
        return call;
    }

    /**
     * The errno the call set.
     *
     * @return the value, see {@link #errnoName()}
     */
    public int errno() {
        return errno;
    }

    /**
     * The symbolic name of {@link #errno()}.
     *
     * @return e.g. {@code "EBADF"}
     */
    public String errnoName() {
        return Errno.name(errno);
    }
}
