package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code java} code blocks of the READMEs compile, as pasted, against the api, core and testkit; and the
 * dependency snippets name artifacts and the version this build makes.
 *
 * <p>How a block is compiled: a block that declares a type (it starts with {@code class}, {@code record},
 * {@code interface}, ... after modifiers or annotations) is a compilation unit of its own; any other block is a list of
 * statements, compiled as the body of a method whose parameters {@code out} (a {@code PrintStream}) and
 * {@code fixture} (an {@code ExporterFixture}) it may use, returning {@code Object} if it returns a value. Each gets
 * the imports a reader would add: {@code org.dmabuf4j.api.*}, {@code org.dmabuf4j.core.*},
 * {@code org.dmabuf4j.testkit.*}, {@code java.lang.foreign.*}, {@code java.util.*}, {@code java.time.*},
 * {@code java.io.*} and the static {@code ValueLayout} constants. The classes a block leaves to the reader
 * ({@code MyExporter}, {@code MyImporter}) are stubs below. A block meant as a fragment is marked with the line
 * {@code <!-- not compiled: reason -->} before it; the test prints the reasons.
 */
class ReadmeSnippetsTest {
    private static final List<String> DOCUMENTS = List.of("README.md", "testkit/README.md");

    private static final String IMPORTS = """
            import java.io.*;
            import java.lang.foreign.*;
            import java.time.*;
            import java.util.*;
            import org.dmabuf4j.api.*;
            import org.dmabuf4j.api.image.*;
            import org.dmabuf4j.core.*;
            import org.dmabuf4j.testkit.*;
            import static java.lang.foreign.ValueLayout.*;
            """;

    /** What the testkit README's blocks expect the reader to have written: their own exporter and importer. */
    private static final Map<String, String> READER_CODE = Map.of(
            "MyExporter", """
                    final class MyExporter {
                        static ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                            throw new UnsupportedOperationException("the reader's exporter");
                        }
                    }
                    """,
            "MyImporter", """
                    final class MyImporter {
                        MyImporter(DmaBuf buffer, SimulatedDevice device) {
                        }
                        void start() {
                        }
                        void processOneFrame() {
                        }
                        void shutdown() {
                        }
                    }
                    """);

    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^(@\\w+(\\([^)]*\\))?\\s+)*((public|protected|private|abstract|final|static|sealed|non-sealed|strictfp)\\s+)*"
                    + "(class|interface|record|enum|@interface)\\s");
    private static final Pattern VALUE_RETURN = Pattern.compile("(?m)^\\s*return\\s+[^;\\s]");
    private static final Pattern MAVEN_DEPENDENCY = Pattern.compile(
            "<groupId>org\\.dmabuf4j</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>");
    private static final Pattern GRADLE_DEPENDENCY = Pattern.compile("\"org\\.dmabuf4j:([^:\"]+):([^\"]+)\"");

    @Test
    @DisplayName("every java block of README.md and testkit/README.md compiles as pasted")
    void everyJavaBlockCompiles() throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> failures = new ArrayList<>();
        int compiled = 0;
        Path out = Path.of("target", "readme-snippets").toAbsolutePath();
        deleteRecursively(out);
        Files.createDirectories(out);
        for (String document : DOCUMENTS) {
            int inDocument = 0;
            for (MarkdownBlock block : MarkdownBlock.read(MarkdownBlock.root().resolve(document))) {
                if (!block.language().equals("java")) {
                    continue;
                }
                if (block.notCompiledReason() != null) {
                    System.out.println("README snippets: " + block.where() + " not compiled: "
                            + block.notCompiledReason());
                    continue;
                }
                String failure = compile(javac, block, out.resolve("b" + compiled));
                if (failure != null) {
                    failures.add(failure);
                }
                compiled++;
                inDocument++;
            }
            // guards against a parser that finds nothing: both documents show code
            assertTrue(inDocument >= 2, document + " has " + inDocument + " compiled java blocks, expected at least 2");
        }
        System.out.println("README snippets: " + compiled + " java blocks compiled, " + failures.size() + " failed");
        if (!failures.isEmpty()) {
            fail(failures.size() + " README code block(s) do not compile as pasted; fix the README (or mark a fragment"
                    + " with <!-- not compiled: reason -->):\n\n" + String.join("\n", failures));
        }
    }

    @Test
    @DisplayName("the dependency snippets name published modules at the version this build makes")
    void dependencySnippetsNameThisVersion() {
        String version = System.getProperty("dmabuf4j.version");
        assertTrue(version != null && !version.isBlank(), "surefire passes dmabuf4j.version (examples/pom.xml)");
        int found = 0;
        for (String document : DOCUMENTS) {
            for (MarkdownBlock block : MarkdownBlock.read(MarkdownBlock.root().resolve(document))) {
                Pattern p = switch (block.language()) {
                    case "xml" -> MAVEN_DEPENDENCY;
                    case "kotlin", "groovy", "gradle" -> GRADLE_DEPENDENCY;
                    default -> null;
                };
                if (p == null) {
                    continue;
                }
                Matcher m = p.matcher(block.text());
                while (m.find()) {
                    found++;
                    String artifact = m.group(1);
                    assertEquals(version, m.group(2), block.where() + ": " + artifact + " is given version "
                            + m.group(2) + ", but this build makes " + version);
                    assertTrue(artifact.startsWith("dmabuf4j-") && Files.isRegularFile(MarkdownBlock.root()
                                    .resolve(artifact.substring("dmabuf4j-".length())).resolve("pom.xml")),
                            block.where() + ": " + artifact + " is not a module of this build");
                }
            }
        }
        // README.md: core and testkit for Maven and Gradle; testkit/README.md: the testkit
        assertTrue(found >= 5, "expected at least 5 dmabuf4j dependency declarations, found " + found);
    }

    private static String compile(JavaCompiler javac, MarkdownBlock block, Path classes) throws IOException {
        Files.createDirectories(classes);
        String code = block.text();
        boolean type = TYPE_DECLARATION.matcher(firstCodeLine(code)).find();
        String prefix;
        String suffix;
        if (type) {
            prefix = IMPORTS;
            suffix = "";
        } else {
            String returns = VALUE_RETURN.matcher(code).find() ? "Object" : "void";
            prefix = IMPORTS + "final class Snippet {\n    static " + returns
                    + " run(PrintStream out, ExporterFixture fixture) throws Exception {\n";
            suffix = "    }\n}\n";
        }
        int firstLine = (int) prefix.lines().count() + 1;
        String unit = type ? typeName(code) : "Snippet";
        List<JavaFileObject> sources = new ArrayList<>();
        sources.add(new Source(unit, prefix + code + suffix));
        READER_CODE.forEach((name, stub) -> sources.add(new Source(name, IMPORTS + stub)));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-proc:none", "-d", classes.toString(), "-classpath",
                    System.getProperty("java.class.path"));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, sources).call();
            if (ok) {
                return null;
            }
        }
        StringBuilder b = new StringBuilder(block.where() + ": the java block does not compile:\n");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String source = d.getSource() == null ? "?" : d.getSource().getName();
            boolean inBlock = source.endsWith("/" + unit + ".java");
            String at = inBlock ? "line " + (block.line() + d.getLineNumber() - firstLine + 1) : source;
            b.append("  ").append(at).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
        }
        return b.toString();
    }

    private static String firstCodeLine(String code) {
        return code.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*"))
                .findFirst().orElse("");
    }

    private static String typeName(String code) {
        Matcher m = Pattern.compile("\\b(class|interface|record|enum)\\s+(\\w+)").matcher(code);
        return m.find() ? m.group(2) : "Snippet";
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

    /** A source file held in memory. */
    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
