package org.dmabuf4j.core.debug;

import java.util.List;
import java.util.Locale;

/**
 * The bufinfo-style dump of a system's live buffers (/sys/kernel/debug/dma_buf/bufinfo): one line per buffer, then
 * its attachments with device and mapping state, then its fences.
 */
public final class BufInfo {
    private BufInfo() {
    }

    /**
     * One buffer of the dump.
     *
     * @param id the buffer id
     * @param size bytes
     * @param exporter the exporter's name
     * @param name the buffer's name
     * @param handles open handles
     * @param windows open CPU windows
     * @param vmaps vmap count
     * @param flags state flags such as "revoked", "cached" (CPU cache) or "pinned"
     * @param placement the exporter's description of its memory
     * @param attachments the attachments
     * @param fences the reservation's description, one line per fence
     */
    public record Buffer(long id, long size, String exporter, String name, int handles, int windows, int vmaps,
            String flags, String placement, List<Attachment> attachments, String fences) {
    }

    /**
     * One attachment of the dump.
     *
     * @param device the device's name
     * @param kind "static" or "dynamic"
     * @param pinned whether it pins the buffer
     * @param mappings one description per mapping
     */
    public record Attachment(String device, String kind, boolean pinned, List<String> mappings) {
    }

    /**
     * Formats the dump.
     *
     * @param buffers the live buffers, by id
     * @return the table
     */
    public static String format(List<Buffer> buffers) {
        StringBuilder sb = new StringBuilder("Dma-buf Objects:\n");
        sb.append(String.format(Locale.ROOT, "%-6s %-12s %-12s %-32s %-7s %-7s %-5s %s%n", "id", "size",
                "exporter", "name", "handles", "windows", "vmaps", "flags"));
        long total = 0;
        for (Buffer b : buffers) {
            total += b.size();
            sb.append(String.format(Locale.ROOT, "%-6d %-12d %-12s %-32s %-7d %-7d %-5d %s%n", b.id(), b.size(),
                    b.exporter(), b.name().isEmpty() ? "<unnamed>" : "'" + b.name() + "'", b.handles(), b.windows(),
                    b.vmaps(), b.flags().isEmpty() ? "-" : b.flags()));
            if (!b.placement().isEmpty()) {
                sb.append("\tMemory: ").append(b.placement()).append('\n');
            }
            sb.append("\tAttached Devices:");
            if (b.attachments().isEmpty()) {
                sb.append(" none");
            }
            sb.append('\n');
            for (Attachment a : b.attachments()) {
                sb.append("\t\t").append(a.device()).append(" (").append(a.kind()).append(a.pinned() ? ", pinned" : "")
                        .append(")");
                if (a.mappings().isEmpty()) {
                    sb.append(" unmapped");
                }
                sb.append('\n');
                for (String m : a.mappings()) {
                    sb.append("\t\t\t").append(m).append('\n');
                }
            }
            if (!b.fences().isBlank()) {
                sb.append("\tFences:\n");
                for (String line : b.fences().strip().split("\n")) {
                    sb.append("\t\t").append(line).append('\n');
                }
            }
        }
        sb.append("\nTotal ").append(buffers.size()).append(" objects, ").append(total).append(" bytes\n");
        return sb.toString();
    }
}
