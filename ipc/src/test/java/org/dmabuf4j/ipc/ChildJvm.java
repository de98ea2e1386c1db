package org.dmabuf4j.ipc;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.File;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link ChildMain}: the same {@code java} as this one, on the class path made of this JVM's
 * module path and class path plus the module's main and test classes, with native access. Its standard output (and
 * error) is read line by line into a queue, so that the test waits for what the child says with a bound instead of
 * sleeping.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final Thread pump;

    private ChildJvm(Process process) {
        this.process = process;
        this.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("<child output unreadable: " + e + ">");
            }
        }, "child-output");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildJvm start(String... args) {
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        Set<String> cp = new LinkedHashSet<>();
        for (String p : new String[] {System.getProperty("dmabuf4j.ipc.testClasses"),
                System.getProperty("dmabuf4j.ipc.mainClasses"), System.getProperty("jdk.module.path"),
                System.getProperty("java.class.path")}) {
            if (p != null && !p.isBlank()) {
                for (String e : p.split(File.pathSeparator)) {
                    if (!e.isBlank()) {
                        cp.add(e);
                    }
                }
            }
        }
        List<String> cmd = new ArrayList<>(List.of(javaCmd, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", String.join(File.pathSeparator, cp),
                ChildMain.class.getName()));
        cmd.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM: " + cmd, e);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits for a line starting with {@code prefix}.
     *
     * @return the line
     */
    String expect(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("the child did not print '" + prefix + "...' within " + timeout + "; it printed:\n"
                            + output());
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the child did not exit within " + timeout + "; it printed:\n" + output());
            }
            pump.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(20));
    }

    String output() {
        synchronized (all) {
            return String.join("\n", all);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            process.getOutputStream().close();
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException ignored) {
            // the streams are pipes of a dead process
        }
    }
}
