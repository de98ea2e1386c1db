package org.dmabuf4j.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The open file descriptors and memfd mappings of this process, from {@code /proc/self/fd} and
 * {@code /proc/self/maps}: what a leak check counts, and a table to print when one fails.
 *
 * <pre>
 *   fd   target                                   owner
 *   17   /memfd:dmabuf4j:frame-0 (deleted)         MEMFD memfd of buffer 'frame-0'
 *   18   socket:[40211]                           SOCKET channel 'producer' end
 * </pre>
 *
 * @param entries one entry per descriptor, by number (the directory descriptor used to list them excluded)
 * @param memfdMappings lines of /proc/self/maps that map a memfd
 */
public record FdReport(List<Entry> entries, List<String> memfdMappings) {
    /**
     * Copies the lists.
     */
    public FdReport {
        entries = List.copyOf(entries);
        memfdMappings = List.copyOf(memfdMappings);
    }

    /**
     * One descriptor.
     *
     * @param fd the number
     * @param target what /proc/self/fd/N links to: a path, {@code socket:[inode]}, {@code anon_inode:[eventfd]} ...
     * @param owner the {@link OwnedFd} owning it (kind and description), or empty if dmabuf4j does not own it
     */
    public record Entry(int fd, String target, Optional<String> owner) {
    }

    /**
     * Reads the report now.
     *
     * @return the report
     * @throws UncheckedIOException if /proc is not readable
     */
    public static FdReport current() {
        List<Entry> entries = new ArrayList<>();
        Path dir = Path.of("/proc/self/fd");
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            for (Path p : list) {
                int fd = Integer.parseInt(p.getFileName().toString());
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException gone) {
                    continue; // closed while listing, or the listing's own directory descriptor
                }
                if (target.equals("/proc/" + ProcessHandle.current().pid() + "/fd")) {
                    continue;
                }
                entries.add(new Entry(fd, target, Optional.ofNullable(OwnedFd.LIVE.get(fd))));
            }
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(l -> l.contains("/memfd:")).toList();
            entries.sort(Comparator.comparingInt(Entry::fd));
            return new FdReport(entries, maps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/fd or /proc/self/maps", e);
        }
    }

    /**
     * Descriptors whose target contains {@code text}.
     *
     * @param text e.g. {@code "memfd:"}, {@code "socket:"}, {@code "anon_inode:[eventfd]"}
     * @return the count
     */
    public long count(String text) {
        return entries.stream().filter(e -> e.target().contains(text)).count();
    }

    /**
     * Descriptors owned by dmabuf4j.
     *
     * @return the count
     */
    public long owned() {
        return entries.stream().filter(e -> e.owner().isPresent()).count();
    }

    /**
     * The kinds of descriptor a leak check compares: memfds, sockets, eventfds, pidfds and owned descriptors, and
     * memfd mappings.
     *
     * @return e.g. {@code "memfd=2 socket=3 eventfd=0 pidfd=0 owned=4 memfdMappings=2"}
     */
    public String summary() {
        return String.format(Locale.ROOT, "memfd=%d socket=%d eventfd=%d pidfd=%d owned=%d memfdMappings=%d",
                count("memfd:"), count("socket:"), count("[eventfd]"), count("[pidfd]"), owned(),
                memfdMappings.size());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-48s %s%n", "fd", "target", "owner"));
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, "%-5d %-48s %s%n", e.fd(), e.target(), e.owner().orElse("-")));
        }
        sb.append(entries.size()).append(" descriptors, ").append(memfdMappings.size()).append(" memfd mappings\n");
        for (String m : memfdMappings) {
            sb.append("  ").append(m).append('\n');
        }
        return sb.toString();
    }
}
