package org.dmabuf4j.benchmarks.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Picks results by benchmark and parameters, written as {@code Class.method[k=v1|v2,k2!=v3]}: {@code k=v1|v2} keeps
 * results whose parameter {@code k} is one of the values, {@code k!=v} drops those where it is.
 *
 * @param name {@code Class.method}
 * @param include parameter → allowed values
 * @param exclude parameter → excluded values
 */
record Selector(String name, Map<String, Set<String>> include, Map<String, Set<String>> exclude) {

    /**
     * Parses a selector.
     *
     * @param spec e.g. {@code CpuAccessBenchmark.coherentBeginEnd[windowSize=4096]}
     * @return the selector
     * @throws IllegalArgumentException if malformed
     */
    static Selector parse(String spec) {
        int open = spec.indexOf('[');
        if (open < 0) {
            return new Selector(checkName(spec, spec), Map.of(), Map.of());
        }
        if (!spec.endsWith("]")) {
            throw new IllegalArgumentException("selector " + spec + ": missing ']'");
        }
        Map<String, Set<String>> include = new LinkedHashMap<>();
        Map<String, Set<String>> exclude = new LinkedHashMap<>();
        for (String cond : spec.substring(open + 1, spec.length() - 1).split(",")) {
            int ne = cond.indexOf("!=");
            int eq = cond.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("selector " + spec + ": condition '" + cond + "' is not k=v or k!=v");
            }
            if (ne > 0) {
                exclude.put(cond.substring(0, ne).strip(), Set.of(cond.substring(ne + 2).strip().split("\\|")));
            } else {
                include.put(cond.substring(0, eq).strip(), Set.of(cond.substring(eq + 1).strip().split("\\|")));
            }
        }
        return new Selector(checkName(spec.substring(0, open), spec), Map.copyOf(include), Map.copyOf(exclude));
    }

    private static String checkName(String name, String spec) {
        int dot = name.indexOf('.');
        if (dot <= 0 || dot != name.lastIndexOf('.') || dot == name.length() - 1) {
            throw new IllegalArgumentException("selector " + spec + ": name must be Class.method");
        }
        return name;
    }

    /**
     * Whether a result is selected.
     *
     * @param r the result
     * @return true if its name matches and its parameters pass every condition
     */
    boolean matches(Result r) {
        if (!r.shortName().equals(name)) {
            return false;
        }
        for (var e : include.entrySet()) {
            if (!e.getValue().contains(r.params().get(e.getKey()))) {
                return false;
            }
        }
        for (var e : exclude.entrySet()) {
            if (e.getValue().contains(r.params().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The single value each included parameter is pinned to, for baseline overrides.
     *
     * @return parameter → value, for conditions with exactly one value
     */
    Map<String, String> overrides() {
        Map<String, String> out = new LinkedHashMap<>();
        include.forEach((k, v) -> {
            if (v.size() == 1) {
                out.put(k, v.iterator().next());
            }
        });
        return out;
    }
}
