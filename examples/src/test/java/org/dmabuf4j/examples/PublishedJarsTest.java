package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.dmabuf4j.api.Rule;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the published jars of api, core, ipc and testkit carry, read from the jars this build made (so it runs from the
 * {@code package} phase on, in {@code ./mvnw verify}; earlier it is skipped with that reason): the licence in every
 * jar, javadoc that links across the modules, the rule catalogue as the api javadoc's overview, and a footer that
 * states the licence.
 */
class PublishedJarsTest {
    private static final List<String> PUBLISHED = List.of("api", "core", "ipc", "testkit");
    private static final String API_DOCS = "https://javadoc.io/doc/org.dmabuf4j/dmabuf4j-api/";
    private static final String CORE_DOCS = "https://javadoc.io/doc/org.dmabuf4j/dmabuf4j-core/";

    private static Path jar(String module, String classifier) {
        String version = System.getProperty("dmabuf4j.version", "");
        Path p = MarkdownBlock.root().resolve(module).resolve("target")
                .resolve("dmabuf4j-" + module + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar");
        Assumptions.assumeTrue(Files.isRegularFile(p), p + " is not built yet: PublishedJarsTest reads the jars of the"
                + " package phase; run ./mvnw -B -ntp verify");
        return p;
    }

    private static String read(Path jar, String entry) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            ZipEntry e = j.getEntry(entry);
            assertNotNull(e, jar.getFileName() + " has no " + entry);
            try (InputStream in = j.getInputStream(e)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    @DisplayName("every published jar, sources and javadoc jar carries META-INF/LICENSE (Apache-2.0) and NOTICE")
    void everyJarCarriesTheLicence() throws IOException {
        List<String> checked = new ArrayList<>();
        for (String module : PUBLISHED) {
            for (String classifier : List.of("", "sources", "javadoc")) {
                Path jar = jar(module, classifier);
                assertTrue(read(jar, "META-INF/LICENSE").contains("Apache License"), jar + ": META-INF/LICENSE");
                assertTrue(read(jar, "META-INF/NOTICE").contains("dmabuf4j"), jar + ": META-INF/NOTICE");
                checked.add(jar.getFileName().toString());
            }
        }
        System.out.println("licence files present in " + checked);
    }

    @Test
    @DisplayName("core's javadoc links api types, and testkit's links api and core types")
    void javadocLinksAcrossModules() throws IOException {
        String system = read(jar("core", "javadoc"), "org.dmabuf4j.core/org/dmabuf4j/core/SimulatedSystem.html");
        assertTrue(system.contains("href=\"" + API_DOCS), "SimulatedSystem's page links no api type (DmaBufSystem)");
        String fixture = read(jar("testkit", "javadoc"),
                "org.dmabuf4j.testkit/org/dmabuf4j/testkit/ExporterFixture.html");
        assertTrue(fixture.contains("href=\"" + API_DOCS), "ExporterFixture's page links no api type (ExportedBuffer)");
        assertTrue(fixture.contains("href=\"" + CORE_DOCS), "ExporterFixture's page links no core type (SimulatedSystem)");
    }

    @Test
    @DisplayName("the api javadoc's overview is the rule catalogue, and rule IDs in method docs link to Rule")
    void apiJavadocPublishesTheRules() throws IOException {
        Path docs = jar("api", "javadoc");
        String overview = read(docs, "index.html");
        for (Rule r : Rule.values()) {
            assertTrue(overview.contains(r.id()), "the overview (docs/RULES.md) lacks " + r.id());
        }
        String attachment = read(docs, "org.dmabuf4j.api/org/dmabuf4j/api/Attachment.html");
        assertTrue(attachment.contains("href=\"Rule.html#MAP_1\""), "Attachment's page does not link MAP-1 to Rule");
    }

    @Test
    @DisplayName("every javadoc page's footer states the Apache licence, not 'All rights reserved'")
    void javadocFooterStatesTheLicence() throws IOException {
        for (String module : PUBLISHED) {
            String page = read(jar(module, "javadoc"), "org.dmabuf4j." + module + "/module-summary.html");
            assertTrue(page.contains("Apache License, Version 2.0"), module + " javadoc footer lacks the licence");
            assertFalse(page.contains("All rights reserved"), module + " javadoc footer says All rights reserved");
        }
    }
}
