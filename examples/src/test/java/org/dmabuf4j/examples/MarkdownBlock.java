package org.dmabuf4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One fenced code block of a Markdown file (a README), as the tests that check the documents see it.
 *
 * <p>A block opens with a line of three backticks and a language tag (indented or not: list items indent theirs) and
 * closes with three backticks at the same indentation; the indentation is removed from the text. A line
 * {@code <!-- not compiled: reason -->} right before the opening line marks a {@code java} block that is meant as a
 * fragment, which {@link ReadmeSnippetsTest} then skips (the reason is printed).
 *
 * @param file the Markdown file
 * @param line the 1-based line of the opening backticks
 * @param language the tag after the backticks, e.g. {@code java}; empty for none
 * @param text the block's lines, without the indentation, each ending with a newline
 * @param notCompiledReason the reason of a {@code not compiled} marker, or null
 */
record MarkdownBlock(Path file, int line, String language, String text, String notCompiledReason) {
    private static final String FENCE = "```";
    private static final String NOT_COMPILED = "<!-- not compiled:";

    /** The root of the source tree: surefire passes it; the default is the parent of the module directory. */
    static Path root() {
        return Path.of(System.getProperty("dmabuf4j.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * Reads every fenced block of a Markdown file.
     *
     * @param file the file
     * @return the blocks in file order
     * @throws IllegalStateException if a block is not closed
     */
    static List<MarkdownBlock> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<MarkdownBlock> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String open = lines.get(i);
            String trimmed = open.stripLeading();
            if (!trimmed.startsWith(FENCE)) {
                continue;
            }
            String indent = open.substring(0, open.length() - trimmed.length());
            String language = trimmed.substring(FENCE.length()).strip();
            String previous = i > 0 ? lines.get(i - 1).strip() : "";
            String reason = previous.startsWith(NOT_COMPILED) && previous.endsWith("-->")
                    ? previous.substring(NOT_COMPILED.length(), previous.length() - 3).strip() : null;
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            for (; j < lines.size(); j++) {
                String l = lines.get(j);
                if (l.equals(indent + FENCE)) {
                    break;
                }
                text.append(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading()).append('\n');
            }
            if (j == lines.size()) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": the code block is not closed");
            }
            blocks.add(new MarkdownBlock(file, i + 1, language, text.toString(), reason));
            i = j;
        }
        return blocks;
    }

    /** Where the block is, for messages: {@code README.md:120}. */
    String where() {
        return root().relativize(file.toAbsolutePath().normalize()) + ":" + line;
    }
}
