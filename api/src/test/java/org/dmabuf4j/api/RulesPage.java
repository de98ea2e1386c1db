package org.dmabuf4j.api;

import java.util.EnumMap;
import java.util.Map;

/** Renders docs/RULES.md from the {@link Rule} enum, the catalogue's single source of truth. */
final class RulesPage {
    private static final Map<String, String> FAMILIES = Map.ofEntries(
            Map.entry("BUF", "Buffers and handles"),
            Map.entry("ATT", "Attachments"),
            Map.entry("MAP", "Mappings"),
            Map.entry("CPU", "CPU access"),
            Map.entry("RESV", "Reservations"),
            Map.entry("FENCE", "Fences"),
            Map.entry("SYNC", "Sync files, timelines and poll"),
            Map.entry("MOVE", "Moves"),
            Map.entry("PIN", "Pinning"),
            Map.entry("P2P", "Peer-to-peer memory"),
            Map.entry("REV", "Revocation"),
            Map.entry("HEAP", "Heaps"),
            Map.entry("DEV", "Devices"),
            Map.entry("SAFE", "Foreign-code safety"),
            Map.entry("FMT", "Image formats, modifiers and descriptors"),
            Map.entry("NEG", "Format negotiation"),
            Map.entry("SYNCOBJ", "Sync objects"),
            Map.entry("IPC", "Sharing across processes"));

    /** What a family's rules add up to, where a one-line title does not say it. */
    private static final Map<String, String> INTROS = Map.of(
            "SAFE", "What a buggy exporter, importer, fence callback or engine job can and cannot do to the\n"
                    + "framework. It cannot crash the JVM by freeing its memory early (SAFE-1), leave a reference,\n"
                    + "translation, lock, window or pending fence point behind by throwing or blocking (SAFE-2,\n"
                    + "SAFE-3, SAFE-5), or make cache maintenance lose a CPU write (SAFE-4); objects its user drops\n"
                    + "open are reported and given back (SAFE-6). It can still fail or block its own call (only the\n"
                    + "framework's own waits are bounded), return wrong bytes (the testkit catches that), and free\n"
                    + "memory through native code behind the JDK's back, which no JVM can detect.\n\n");

    private RulesPage() {
    }

    static String render() {
        Map<Rule.Level, Integer> counts = new EnumMap<>(Rule.Level.class);
        for (Rule r : Rule.values()) {
            counts.merge(r.level(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# dmabuf4j rules catalogue\n\n");
        sb.append("<!-- Generated from api/src/main/java/org/dmabuf4j/api/Rule.java by RulesCatalogueTest; do not edit.\n");
        sb.append("     Regenerate: ./mvnw -B -ntp -pl api test -Dtest=RulesCatalogueTest -Ddmabuf4j.rules.write=true -->\n\n");
        sb.append("Every rule of the contract has a stable ID. Exceptions thrown for a broken rule start with the ID in\n");
        sb.append("brackets (`[MAP-1] ...`) and carry it (`DmaBufException.rule()`); testkit failures name it; the api\n");
        sb.append("javadoc of each method lists the rules that apply. Levels follow RFC 2119. *Binds* says who must keep\n");
        sb.append("the rule: the **exporter** (code implementing `Exporter`), the **importer** (code that attaches, maps,\n");
        sb.append("locks or accesses buffers), or the **framework** (dmabuf4j itself, which enforces or guarantees it).\n\n");
        sb.append(Rule.values().length).append(" rules: ").append(counts.getOrDefault(Rule.Level.MUST, 0))
                .append(" MUST, ").append(counts.getOrDefault(Rule.Level.SHOULD, 0)).append(" SHOULD, ")
                .append(counts.getOrDefault(Rule.Level.MAY, 0)).append(" MAY.\n");
        String family = null;
        for (Rule r : Rule.values()) {
            if (!r.family().equals(family)) {
                family = r.family();
                sb.append("\n## ").append(family).append(" — ").append(FAMILIES.get(family)).append("\n\n");
                sb.append(INTROS.getOrDefault(family, ""));
                sb.append("| ID | Level | Binds | Rule | Source |\n|---|---|---|---|---|\n");
            }
            sb.append("| ").append(r.id()).append(" | ").append(r.level()).append(" | ")
                    .append(r.binds().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(r.statement().replace("|", "\\|")).append(" | ")
                    .append(r.source().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
