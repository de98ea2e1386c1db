package org.dmabuf4j.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The table a suite prints at its end: one row per case, then the count of each outcome. */
final class Summary {
    private final String title;
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Summary(String title, String... header) {
        this.title = title;
        this.header = header;
    }

    synchronized void add(String... row) {
        rows.add(row);
    }

    /**
     * Prints the table and the counts of the values of one column.
     *
     * @param countColumn the column whose values are counted
     */
    synchronized void print(int countColumn) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], Math.min(r[i].length(), 110));
            }
        }
        StringBuilder sb = new StringBuilder("\n==== ").append(title).append(" (").append(rows.size())
                .append(" cases) ====\n");
        line(sb, header, w);
        Map<String, Integer> counts = new TreeMap<>();
        for (String[] r : rows) {
            line(sb, r, w);
            counts.merge(r[countColumn], 1, Integer::sum);
        }
        sb.append("---- ").append(header[countColumn]).append(" counts: ").append(counts).append('\n');
        for (String[] r : rows) {
            if (!r[countColumn].startsWith("CONSISTENT") && !r[countColumn].startsWith("OK")) {
                sb.append("  * ").append(String.join(" | ", r).replace('\n', ' ')).append('\n');
            }
        }
        System.out.println(sb);
    }

    private static void line(StringBuilder sb, String[] r, int[] w) {
        for (int i = 0; i < r.length; i++) {
            String c = r[i].length() > 110 ? r[i].substring(0, 107) + "..." : r[i];
            sb.append(String.format("%-" + w[i] + "s", c)).append(i + 1 < r.length ? " | " : "\n");
        }
    }
}
