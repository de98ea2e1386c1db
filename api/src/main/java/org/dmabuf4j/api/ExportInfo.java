package org.dmabuf4j.api;

import java.util.Optional;

/**
 * What an exporter passes to {@link DmaBufSystem#export(ExportInfo)}.
 *
 * @param exporterName the exporter's name, shown in dumps and messages; not blank ({@link Rule#BUF_7 BUF-7})
 * @param size the buffer size in bytes; a positive multiple of the page size ({@link Rule#BUF_1 BUF-1})
 * @param exporter the callbacks; not null
 * @param layout the 2-D layout, or empty; if present its minimum size fits in {@code size}
 * @see "struct dma_buf_export_info"
 */
public record ExportInfo(String exporterName, long size, Exporter exporter, Optional<BufferLayout> layout) {
    /**
     * Validates the information ({@link Rule#BUF_7 BUF-7}).
     *
     * @throws RuleViolationException ({@link Rule#BUF_7 BUF-7}, {@link Rule#BUF_1 BUF-1}, {@link Rule#CPU_7 CPU-7}) on
     *     a blank name, bad size, null exporter or a layout that does not fit
     */
    public ExportInfo {
        if (exporterName == null || exporterName.isBlank()) {
            throw new RuleViolationException(Rule.BUF_7, "exporter name is null or blank");
        }
        Check.positive(size, Rule.BUF_1, "size of a buffer of exporter '" + exporterName + "'");
        if (size % DmaConstraints.PAGE_SIZE != 0) {
            throw new RuleViolationException(Rule.BUF_1, "size " + size + " of a buffer of exporter '" + exporterName
                    + "' is not a multiple of the page size " + DmaConstraints.PAGE_SIZE + "; round it up");
        }
        Check.notNull(exporter, Rule.BUF_7, "exporter of '" + exporterName + "'");
        Check.notNull(layout, Rule.BUF_7, "layout (use Optional.empty())");
        if (layout.isPresent() && layout.get().minimumSize() > size) {
            throw new RuleViolationException(Rule.CPU_7, "layout " + layout.get() + " needs "
                    + layout.get().minimumSize() + " bytes, more than the size " + size);
        }
    }

    /**
     * Export information without a layout.
     *
     * @param exporterName the exporter's name; not blank
     * @param size bytes; a positive multiple of the page size
     * @param exporter the callbacks; not null
     * @return the information
     */
    public static ExportInfo of(String exporterName, long size, Exporter exporter) {
        return new ExportInfo(exporterName, size, exporter, Optional.empty());
    }

    /**
     * A copy with a layout.
     *
     * @param newLayout the layout; not null
     * @return the information
     * @throws RuleViolationException ({@link Rule#BUF_7 BUF-7}) if {@code newLayout} is null
     */
    public ExportInfo withLayout(BufferLayout newLayout) {
        Check.notNull(newLayout, Rule.BUF_7, "layout of a buffer of exporter '" + exporterName
                + "' (withLayout(null)); omit withLayout for a buffer without a layout");
        return new ExportInfo(exporterName, size, exporter, Optional.of(newLayout));
    }
}
