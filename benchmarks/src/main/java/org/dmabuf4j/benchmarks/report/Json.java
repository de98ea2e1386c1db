package org.dmabuf4j.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader, enough for JMH's result files: objects become {@code LinkedHashMap<String, Object>}, arrays
 * {@code List<Object>}, numbers {@code Double}, plus String, Boolean and null. Bare {@code NaN} and
 * {@code Infinity} are accepted as numbers (JMH quotes them, but other writers do not).
 *
 * <p>{@link #topLevelElements(String)} also keeps each element's source text, so that several result files can be
 * merged into one array without re-serialising anything.
 */
final class Json {
    /**
     * One element of a top-level array.
     *
     * @param value the parsed value
     * @param source the element's exact text in the input
     */
    record Element(Object value, String source) {
    }

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses a complete JSON document.
     *
     * @param text the document
     * @return the value
     * @throws IllegalArgumentException on malformed input, naming the offset
     */
    static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value();
        p.end();
        return v;
    }

    /**
     * Parses a document that must be an array, keeping each element's text.
     *
     * @param text the document
     * @return the elements, in order
     * @throws IllegalArgumentException if the document is not an array or is malformed
     */
    static List<Element> topLevelElements(String text) {
        Json p = new Json(text);
        p.skipSpace();
        p.expect('[');
        List<Element> out = new ArrayList<>();
        p.skipSpace();
        if (p.peek() == ']') {
            p.pos++;
        } else {
            while (true) {
                p.skipSpace();
                int start = p.pos;
                Object v = p.value();
                out.add(new Element(v, text.substring(start, p.pos)));
                p.skipSpace();
                char c = p.next();
                if (c == ']') {
                    break;
                }
                if (c != ',') {
                    throw p.error("expected ',' or ']' in the top-level array");
                }
            }
        }
        p.end();
        return out;
    }

    private void end() {
        skipSpace();
        if (pos != text.length()) {
            throw error("unexpected text after the JSON value");
        }
    }

    private Object value() {
        skipSpace();
        char c = peek();
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            case 'N' -> literal("NaN", Double.NaN);
            case 'I' -> literal("Infinity", Double.POSITIVE_INFINITY);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            String key = string();
            skipSpace();
            expect(':');
            out.put(key, value());
            skipSpace();
            char c = next();
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array() {
        expect('[');
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            out.add(value());
            skipSpace();
            char c = next();
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Double number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
            if (pos < text.length() && text.charAt(pos) == 'I') {
                literal("Infinity", null);
                return Double.NEGATIVE_INFINITY;
            }
        }
        while (pos < text.length() && "0123456789+-.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a JSON value");
        }
        try {
            return Double.valueOf(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number '" + text.substring(start, pos) + "'");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, pos - 20);
        int to = Math.min(text.length(), pos + 20);
        return new IllegalArgumentException("JSON: " + what + " at offset " + pos + " near '"
                + text.substring(from, to).replace('\n', ' ') + "'");
    }
}
