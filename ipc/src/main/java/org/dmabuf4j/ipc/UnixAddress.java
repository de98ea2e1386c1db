package org.dmabuf4j.ipc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * Where a {@link BufferChannel} listens: an abstract AF_UNIX name (Linux only; no file, gone with the last socket) or
 * a filesystem path.
 *
 * @param name the abstract name, or the path as a string
 * @param isAbstract whether {@code name} is an abstract name
 * @see "unix(7): abstract sockets"
 */
public record UnixAddress(String name, boolean isAbstract) {
    /**
     * Validates the address.
     *
     * @throws RuleViolationException ({@link Rule#IPC_7 IPC-7}) on a null, empty or too long name (107 bytes for a
     *     path, 106 for an abstract name), or a path with a NUL byte (an abstract name may hold any byte)
     */
    public UnixAddress {
        if (name == null || name.isEmpty()) {
            throw new RuleViolationException(Rule.IPC_7, "a unix socket address needs a name");
        }
        if (!isAbstract && name.indexOf('\0') >= 0) {
            throw new RuleViolationException(Rule.IPC_7, "unix socket path '" + name.replace('\0', '?') + "' contains"
                    + " a NUL byte, which ends a path; only an abstract name may hold one");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > (isAbstract ? 106 : 107)) {
            throw new RuleViolationException(Rule.IPC_7, "unix socket address '" + name + "' is " + bytes
                    + " bytes; sun_path holds at most " + (isAbstract ? 106 : 107));
        }
    }

    /**
     * An abstract name.
     *
     * @param name the name, e.g. {@code "dmabuf4j-camera"}
     * @return the address
     */
    public static UnixAddress abstractName(String name) {
        return new UnixAddress(name, true);
    }

    /**
     * A filesystem path; the listener creates the socket file and deletes it when closed.
     *
     * @param path the path
     * @return the address
     */
    public static UnixAddress path(Path path) {
        if (path == null) {
            throw new RuleViolationException(Rule.IPC_7, "a unix socket path is null");
        }
        return new UnixAddress(path.toString(), false);
    }

    @Override
    public String toString() {
        return isAbstract ? "@" + name : name;
    }
}
