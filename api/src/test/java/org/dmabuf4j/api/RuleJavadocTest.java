package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The javadoc of every {@link Rule} constant states the rule in full, not only a title: that page is what a user who
 * follows a rule link from a method or an exception reads. Checked on the source of {@code Rule.java}: the comment
 * before each constant, with its markup removed, must contain most of the words of the constant's statement (a
 * paraphrase passes, a title does not), and must cite no document a user does not have.
 */
class RuleJavadocTest {
    private static final Path RULE_SOURCE = Path.of(System.getProperty("dmabuf4j.root", ".."))
            .resolve("api/src/main/java/org/dmabuf4j/api/Rule.java");
    private static final Pattern CONSTANT = Pattern.compile(
            "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*\\n\\s*([A-Z0-9]+_\\d+)\\(Level\\.", Pattern.DOTALL);
    private static final Pattern WORD = Pattern.compile("[a-z][a-z-]{3,}");
    /** Share of the statement's words (4 letters or more) the javadoc must contain; titles alone reach about 0.1. */
    private static final double MIN_COVERAGE = 0.6;

    @Test
    @DisplayName("every Rule constant has a javadoc that states the rule, not just a title")
    void everyConstantsJavadocStatesTheRule() throws IOException {
        String source = Files.readString(RULE_SOURCE);
        Set<Rule> documented = EnumSet.noneOf(Rule.class);
        List<String> thin = new ArrayList<>();
        Matcher m = CONSTANT.matcher(source);
        while (m.find()) {
            Rule rule = Rule.valueOf(m.group(2));
            documented.add(rule);
            Set<String> statement = words(rule.statement());
            Set<String> javadoc = words(plain(m.group(1)));
            Set<String> covered = new HashSet<>(statement);
            covered.retainAll(javadoc);
            double coverage = statement.isEmpty() ? 1 : (double) covered.size() / statement.size();
            if (coverage < MIN_COVERAGE) {
                thin.add(rule.id() + String.format(Locale.ROOT, " (%.0f %% of the statement's words): ", 100 * coverage)
                        + plain(m.group(1)).strip());
            }
        }
        assertEquals(EnumSet.allOf(Rule.class), documented, "constants without a javadoc right before them");
        assertTrue(thin.isEmpty(), "these constants' javadoc is a title, not the rule; write 'Title: the rule in full"
                + " (the statement, with {@code} and {@link} markup)' as the SYNCOBJ constants do:\n  "
                + String.join("\n  ", thin));
    }

    @Test
    @DisplayName("no Rule javadoc or source cites a document users do not have (seeds, design sections)")
    void noRuleCitesAPrivateDocument() throws IOException {
        String source = Files.readString(RULE_SOURCE);
        Matcher m = Pattern.compile("seed \\d{3}|DESIGN §|kernel-semantics|§\\s?\\d").matcher(source);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group() + " at offset " + m.start());
        }
        assertTrue(found.isEmpty(), "cite kernel documents by name or say it in words: " + found);
    }

    private static String plain(String javadoc) {
        return javadoc.replaceAll("\\{@(?:code|literal) ([^}]*)}", "$1")
                .replaceAll("\\{@link(?:plain)? [^\\s}]+ ([^}]*)}", "$1")
                .replaceAll("\\{@link(?:plain)? ([^}]*)}", "$1")
                .replaceAll("<[^>]+>", "")
                .replaceAll("(?m)^\\s*\\*", " ")
                .replaceAll("\\s+", " ");
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
