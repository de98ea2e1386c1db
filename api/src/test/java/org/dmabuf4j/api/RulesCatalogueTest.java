package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules catalogue stays the single source of truth: docs/RULES.md matches {@link Rule}, every rule ID written
 * anywhere in the project exists, and every MUST rule is stated in the api javadoc.
 */
class RulesCatalogueTest {
    /** Rule IDs as written in text ({@code MAP-1}) or code ({@code MAP_1}). */
    static final Pattern RULE_REF = Pattern.compile(
            "\\b(BUF|ATT|MAP|CPU|RESV|FENCE|SYNC|MOVE|PIN|P2P|REV|HEAP|DEV|SAFE|FMT|NEG|SYNCOBJ|IPC)[-_](\\d+)\\b");

    private static final Path ROOT = Path.of(System.getProperty("dmabuf4j.root", "..")).toAbsolutePath().normalize();

    @Test
    @DisplayName("docs/RULES.md is the rendering of the Rule enum")
    void rulesPageMatchesTheEnum() throws IOException {
        Path page = ROOT.resolve("docs/RULES.md");
        String expected = RulesPage.render();
        if (Boolean.getBoolean("dmabuf4j.rules.write")) {
            Files.createDirectories(page.getParent());
            Files.writeString(page, expected, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(page), "docs/RULES.md is missing; regenerate it with -Ddmabuf4j.rules.write=true");
        assertEquals(expected, Files.readString(page, StandardCharsets.UTF_8),
                "docs/RULES.md is out of date with Rule.java; regenerate: ./mvnw -B -ntp -pl api test "
                        + "-Dtest=RulesCatalogueTest -Ddmabuf4j.rules.write=true");
    }

    @Test
    @DisplayName("every rule ID used in code and docs exists in the catalogue")
    void everyRuleIdInTheProjectExists() {
        List<String> unknown = new ArrayList<>();
        for (Path file : projectFiles()) {
            unknown.addAll(unknownRuleIds(read(file)).stream().map(id -> ROOT.relativize(file) + ": " + id).toList());
        }
        if (!unknown.isEmpty()) {
            fail("rule IDs not in the catalogue (docs/RULES.md, Rule.java):\n  " + String.join("\n  ", unknown));
        }
    }

    @Test
    @DisplayName("the scan for unknown rule IDs catches a mistyped ID")
    void aMistypedRuleIdIsCaught() {
        String mistyped = "MAP" + "-" + (Rule.values().length + 1000);
        assertEquals(List.of(mistyped), unknownRuleIds("throws RuleViolationException (" + mistyped + ") MAP-1"));
        assertEquals(List.of(), unknownRuleIds("see MAP-1 and RESV_5 and DMA_BUF_SYNC_END"));
    }

    @Test
    @DisplayName("every MUST rule is referenced by the api javadoc (the ipc module's public package for IPC rules)")
    void everyMustRuleIsReferencedByTheApi() {
        Set<Rule> unreferenced = EnumSet.noneOf(Rule.class);
        for (Rule r : Rule.values()) {
            if (r.level() == Rule.Level.MUST) {
                unreferenced.add(r);
            }
        }
        List<Path> publicSources = new ArrayList<>(javaFiles(ROOT.resolve("api/src/main/java")));
        // the IPC family is the contract of the ipc module, whose exported package is its api
        Path ipc = ROOT.resolve("ipc/src/main/java/org/dmabuf4j/ipc");
        if (Files.isDirectory(ipc)) {
            try (Stream<Path> s = Files.list(ipc)) {
                s.filter(p -> p.toString().endsWith(".java")).forEach(publicSources::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (Path file : publicSources) {
            if (file.getFileName().toString().equals("Rule.java")) {
                continue;
            }
            Matcher m = RULE_REF.matcher(read(file));
            while (m.find()) {
                unreferenced.remove(Rule.byId(m.group(1) + "-" + m.group(2)));
            }
        }
        assertTrue(unreferenced.isEmpty(), "MUST rules no api javadoc mentions: " + unreferenced);
    }

    static List<String> unknownRuleIds(String text) {
        Set<String> unknown = new TreeSet<>();
        Matcher m = RULE_REF.matcher(text);
        while (m.find()) {
            String id = m.group(1) + "-" + m.group(2);
            try {
                Rule.byId(id);
            } catch (IllegalArgumentException e) {
                unknown.add(id);
            }
        }
        return List.copyOf(unknown);
    }

    private static List<Path> projectFiles() {
        List<Path> files = new ArrayList<>();
        for (String module : List.of("api", "core", "ipc", "testkit", "benchmarks", "examples")) {
            files.addAll(javaFiles(ROOT.resolve(module).resolve("src")));
        }
        try (Stream<Path> docs = Files.exists(ROOT.resolve("docs")) ? Files.list(ROOT.resolve("docs")) : Stream.of()) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.endsWith("RULES.md")).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String md : List.of("README.md", "testkit/README.md", "benchmarks/README.md")) {
            if (Files.exists(ROOT.resolve(md))) {
                files.add(ROOT.resolve(md));
            }
        }
        assertTrue(files.size() > 20, "found only " + files.size() + " files under " + ROOT + "; set -Ddmabuf4j.root");
        return files;
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
