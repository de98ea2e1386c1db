package org.dmabuf4j.core.buffer;

import java.util.Arrays;
import java.util.List;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.SgEntry;

/**
 * The DMA address runs of a byte range of a mapping, for device engines, which program a job with device addresses
 * at submission and let the IOMMU judge them when the job runs (DEV-8). Reads the exporter's entries directly, so a
 * mapping used only by engines never pays for the CPU views of {@link Mapping#entries()}.
 */
public final class DmaRuns {
    private DmaRuns() {
    }

    /**
     * The runs of device addresses that cover {@code [offset, offset + length)} of a mapping, in buffer order: entries
     * whose addresses follow each other are merged into one run.
     *
     * @param mapping a live mapping; the caller has checked the range
     * @param offset the first byte
     * @param length the bytes; positive
     * @return pairs {@code (dmaAddress, length)}, flattened
     * @throws org.dmabuf4j.api.InvalidatedMappingException (MAP-11, MOVE-5) if the mapping is dead
     */
    public static long[] of(Mapping mapping, long offset, long length) {
        mapping.dmaAddress(offset); // fails on a dead mapping, with the mapping's own message
        MappingImpl m = UserMapping.unwrap(mapping);
        List<SgEntry> entries = m != null ? m.exporterEntries : mapping.entries();
        long[] runs = new long[8];
        int n = 0;
        long entryStart = 0;
        long end = offset + length;
        for (SgEntry e : entries) {
            long entryEnd = entryStart + e.length();
            if (entryEnd > offset && entryStart < end) {
                long from = Math.max(offset, entryStart);
                long to = Math.min(end, entryEnd);
                long address = e.dmaAddress() + (from - entryStart);
                if (n > 0 && runs[n - 2] + runs[n - 1] == address) {
                    runs[n - 1] += to - from;
                } else {
                    if (n == runs.length) {
                        runs = Arrays.copyOf(runs, n * 2);
                    }
                    runs[n++] = address;
                    runs[n++] = to - from;
                }
            }
            if (entryEnd >= end) {
                break;
            }
            entryStart = entryEnd;
        }
        return Arrays.copyOf(runs, n);
    }
}
