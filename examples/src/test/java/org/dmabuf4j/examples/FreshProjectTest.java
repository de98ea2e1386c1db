package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A new user's first build: a fresh Maven project, outside this reactor, depends on the installed
 * {@code dmabuf4j-core} and runs the README's quick start, once on the class path and once on the module path.
 *
 * <p>What it does, all under {@code examples/target/fresh-project} (never the shared {@code ~/.m2}):
 * <ol>
 *   <li>installs this build's parent POM and the api and core jars with {@code install:install-file} into a private
 *       local repository {@code repo}, exactly as {@code ./mvnw install} would lay them out; the build's own local
 *       repository is only read, as a tail repository, so that plugins need not be downloaded again;</li>
 *   <li>writes a two-module Maven project whose main class is the README's quick-start block, pasted into a method
 *       ({@code classpath-app} without a {@code module-info}, {@code module-app} with {@code requires
 *       org.dmabuf4j.core}), with the Maven wrapper copied from this repository, and builds it with {@code package};</li>
 *   <li>runs each app with the JDK's {@code java}: {@code -cp} with {@code --enable-native-access=ALL-UNNAMED}, and
 *       {@code -p ... -m} with {@code --enable-native-access=org.dmabuf4j.core}, as the README says, and checks the
 *       output: the overlay pixel, no warning on standard error.</li>
 * </ol>
 *
 * <p>It needs the jars, so it runs in {@code ./mvnw verify} (and anything up to {@code package} of api and core); a
 * build that stops before {@code package} puts class directories on the test class path, and the test is skipped with
 * that reason. Every process is bounded in time. The Maven logs and the apps' output stay in {@code target/fresh-project}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreshProjectTest {
    private static final Duration MAVEN_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration JAVA_TIMEOUT = Duration.ofMinutes(1);
    private static final String EXPECTED = "overlay pixel = 0xff, background = 0x20";

    private final Path root = MarkdownBlock.root();
    private final Path work = Path.of("target", "fresh-project").toAbsolutePath();
    private final Path repo = work.resolve("repo");
    private final String version = System.getProperty("dmabuf4j.version", "");
    private Path apiJar;
    private Path coreJar;

    @BeforeAll
    void installAndBuild() throws IOException, InterruptedException {
        Path builtApi = reactorJar("dmabuf4j-api");
        Path builtCore = reactorJar("dmabuf4j-core");
        Assumptions.assumeTrue(builtApi != null && builtCore != null, "FreshProjectTest needs the api and core jars"
                + " on the test class path, which a build gives from the package phase on: run ./mvnw -B -ntp verify");
        deleteRecursively(work.resolve("app"));
        deleteRecursively(repo.resolve("org/dmabuf4j"));
        Files.createDirectories(work);

        writeInstaller(builtApi, builtCore);
        maven(work.resolve("installer"), "install.log", "validate");
        apiJar = installed("dmabuf4j-api", "jar");
        coreJar = installed("dmabuf4j-core", "jar");
        assertTrue(Files.isRegularFile(installed("dmabuf4j-parent", "pom")), "the parent POM was installed");

        writeApp();
        maven(work.resolve("app"), "build.log", "package");
    }

    @Test
    @DisplayName("the README's quick start, built against the installed jars, runs on the class path")
    void quickStartRunsOnTheClassPath() throws IOException, InterruptedException {
        Path app = work.resolve("app/classpath-app/target/classpath-app-1.0.jar");
        String classPath = String.join(File.pathSeparator, app.toString(), coreJar.toString(), apiJar.toString());
        Result r = java("classpath", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, "app.QuickStartApp");
        r.check("class path");
    }

    @Test
    @DisplayName("the README's quick start, built against the installed jars, runs on the module path")
    void quickStartRunsOnTheModulePath() throws IOException, InterruptedException {
        Path app = work.resolve("app/module-app/target/module-app-1.0.jar");
        String modulePath = String.join(File.pathSeparator, app.toString(), coreJar.toString(), apiJar.toString());
        Result r = java("modulepath", "--enable-native-access=org.dmabuf4j.core", "-p", modulePath, "-m",
                "quickstart.app/app.QuickStartApp");
        r.check("module path");
    }

    // ---- set-up --------------------------------------------------------------------------------------------------

    /** The jar of a reactor module on the test class path, or null when the class path has its classes directory. */
    private Path reactorJar(String artifact) {
        String name = artifact + "-" + version + ".jar";
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().equals(name) && Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private Path installed(String artifact, String extension) {
        return repo.resolve("org/dmabuf4j/" + artifact + "/" + version + "/" + artifact + "-" + version + "."
                + extension);
    }

    /** A POM whose only work is three install:install-file executions, run at validate. */
    private void writeInstaller(Path builtApi, Path builtCore) throws IOException {
        String executions = execution("parent", root.resolve("pom.xml"), root.resolve("pom.xml"), "pom")
                + execution("api", builtApi, root.resolve("api/pom.xml"), "jar")
                + execution("core", builtCore, root.resolve("core/pom.xml"), "jar");
        write(work.resolve("installer/pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>local.fresh</groupId>
                  <artifactId>installer</artifactId>
                  <version>1.0</version>
                  <packaging>pom</packaging>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-install-plugin</artifactId>
                        <version>%s</version>
                        <executions>
                %s        </executions>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(property("install-plugin.version"), executions));
        copyWrapper(work.resolve("installer"));
    }

    private static String execution(String id, Path file, Path pom, String packaging) {
        return """
                          <execution>
                            <id>%s</id>
                            <phase>validate</phase>
                            <goals><goal>install-file</goal></goals>
                            <configuration>
                              <file>%s</file>
                              <pomFile>%s</pomFile>
                              <packaging>%s</packaging>
                            </configuration>
                          </execution>
                """.formatted(id, file, pom, packaging);
    }

    /** The fresh project: an aggregator and two apps whose main method is the README's quick start. */
    private void writeApp() throws IOException {
        Path app = work.resolve("app");
        String plugins = """
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>%s</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>%s</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>%s</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>%s</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-clean-plugin</artifactId><version>%s</version></plugin>
                """.formatted(property("compiler-plugin.version"), property("resources-plugin.version"),
                property("jar-plugin.version"), property("surefire-plugin.version"), property("clean-plugin.version"));
        write(app.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>local.fresh</groupId>
                  <artifactId>fresh</artifactId>
                  <version>1.0</version>
                  <packaging>pom</packaging>
                  <modules>
                    <module>classpath-app</module>
                    <module>module-app</module>
                  </modules>
                  <properties>
                    <maven.compiler.release>25</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <!-- as the README says: core brings the api -->
                    <dependency>
                      <groupId>org.dmabuf4j</groupId>
                      <artifactId>dmabuf4j-core</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                  <build>
                    <pluginManagement>
                      <plugins>
                %s      </plugins>
                    </pluginManagement>
                  </build>
                </project>
                """.formatted(version, plugins));
        String main = quickStartClass();
        for (String module : List.of("classpath-app", "module-app")) {
            write(app.resolve(module + "/pom.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <project xmlns="http://maven.apache.org/POM/4.0.0">
                      <modelVersion>4.0.0</modelVersion>
                      <parent>
                        <groupId>local.fresh</groupId>
                        <artifactId>fresh</artifactId>
                        <version>1.0</version>
                      </parent>
                      <artifactId>%s</artifactId>
                    </project>
                    """.formatted(module));
            write(app.resolve(module + "/src/main/java/app/QuickStartApp.java"), main);
        }
        write(app.resolve("module-app/src/main/java/module-info.java"), """
                module quickstart.app {
                    requires org.dmabuf4j.core;
                }
                """);
        copyWrapper(app);
    }

    /** The README's quick-start block, as the body of {@code run(PrintStream)}, with the imports the README names. */
    private String quickStartClass() {
        List<MarkdownBlock> quickStarts = new ArrayList<>();
        for (MarkdownBlock b : MarkdownBlock.read(root.resolve("README.md"))) {
            if (b.language().equals("java") && b.text().contains("try (SimulatedSystem system = DmaBufs.newSystem())")
                    && b.text().contains("beginCpuAccess")) {
                quickStarts.add(b);
            }
        }
        assertEquals(1, quickStarts.size(), "README.md has one quick-start block (try (SimulatedSystem system = "
                + "DmaBufs.newSystem()) ... beginCpuAccess)");
        String body = quickStarts.getFirst().text().indent(8);
        return """
                package app;

                import static java.lang.foreign.ValueLayout.JAVA_BYTE;

                import java.io.PrintStream;
                import java.lang.foreign.Arena;
                import java.lang.foreign.MemorySegment;
                import org.dmabuf4j.api.*;
                import org.dmabuf4j.core.DmaBufs;
                import org.dmabuf4j.core.Job;
                import org.dmabuf4j.core.SimulatedDevice;
                import org.dmabuf4j.core.SimulatedSystem;

                public final class QuickStartApp {
                    public static void main(String[] args) {
                        byte pixel = run(System.out);
                        System.exit(pixel == (byte) 0xff ? 0 : 3);
                    }

                    static byte run(PrintStream out) {
                %s    }
                }
                """.formatted(body);
    }

    private void copyWrapper(Path project) throws IOException {
        Path wrapper = project.resolve(".mvn/wrapper");
        Files.createDirectories(wrapper);
        Files.copy(root.resolve(".mvn/wrapper/maven-wrapper.properties"), wrapper.resolve("maven-wrapper.properties"),
                StandardCopyOption.REPLACE_EXISTING);
        Path mvnw = project.resolve("mvnw");
        Files.copy(root.resolve("mvnw"), mvnw, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void maven(Path project, String log, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(project.resolve("mvnw").toString(), "-B", "-ntp",
                "-Dmaven.repo.local=" + repo));
        String tail = System.getProperty("dmabuf4j.localRepository", "");
        if (!tail.isBlank() && Files.isDirectory(Path.of(tail))) {
            command.add("-Dmaven.repo.local.tail=" + tail);
        }
        command.addAll(List.of(goals));
        Path logFile = work.resolve(log);
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(logFile.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("MAVEN_OPTS");
        env.remove("MAVEN_ARGS");
        env.remove("MAVEN_CONFIG");
        int exit = run(pb, MAVEN_TIMEOUT, String.join(" ", command));
        if (exit != 0) {
            List<String> lines = Files.readAllLines(logFile);
            throw new AssertionError("'" + String.join(" ", goals) + "' of the fresh project " + project.getFileName()
                    + " failed with exit " + exit + "; the end of " + logFile + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
        }
    }

    private Result java(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        Path out = work.resolve("run-" + name + ".out");
        Path err = work.resolve("run-" + name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        int exit = run(pb, JAVA_TIMEOUT, String.join(" ", command));
        return new Result(String.join(" ", command), exit, Files.readString(out), Files.readString(err));
    }

    private static int run(ProcessBuilder pb, Duration timeout, String what) throws IOException, InterruptedException {
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("'" + what + "' did not finish within " + timeout + "; killed");
        }
        return p.exitValue();
    }

    private static String property(String name) {
        String value = System.getProperty("dmabuf4j." + name);
        assertTrue(value != null && !value.isBlank(), "surefire passes dmabuf4j." + name + " (examples/pom.xml)");
        return value;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private record Result(String command, int exit, String out, String err) {
        void check(String how) {
            String all = "'" + command + "' (" + how + ") exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
            assertEquals(0, exit, all);
            assertTrue(out.contains(EXPECTED), "the quick start printed no '" + EXPECTED + "': " + all);
            assertTrue(out.contains("'frame-0'"), "the bufinfo dump names the frame: " + all);
            assertFalse(err.contains("WARNING"), "the JVM warned (is the README's native-access option right?): "
                    + all);
        }
    }
}
