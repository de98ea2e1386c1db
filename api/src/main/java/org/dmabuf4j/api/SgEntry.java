package org.dmabuf4j.api;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * One entry of a {@link Mapping}: a run of the buffer as one device sees it.
 *
 * <p>The DMA address is valid for the mapping's device only ({@link Rule#MAP_9 MAP-9}) and only while the mapping lives
 * ({@link Rule#MAP_11 MAP-11}). The CPU view, where the memory has a CPU page, is a view scoped to the mapping: it
 * closes when the mapping dies ({@link Rule#MAP_12 MAP-12}). For memory an exporter allocated outside
 * {@link DmaBufSystem#exporterArena()} the view keeps the exporter's own scope instead, so that it can never outlive
 * that memory ({@link Rule#SAFE_1 SAFE-1}); it then dies with the memory, not the mapping. Device memory reached
 * peer-to-peer has no CPU page and so no view ({@link Rule#P2P_3 P2P-3}).
 *
 * @param dmaAddress the address in the device's DMA address space; page aligned ({@link Rule#MAP_3 MAP-3})
 * @param length bytes; a positive multiple of the page size ({@link Rule#MAP_3 MAP-3})
 * @param cpu the CPU view of the bytes, or empty for memory without a CPU page; not null
 * @see "struct scatterlist, sg_dma_address, sg_dma_len, sg_page"
 */
public record SgEntry(long dmaAddress, long length, Optional<MemorySegment> cpu) {
    /**
     * Validates the entry.
     *
     * @throws RuleViolationException ({@link Rule#MAP_3 MAP-3}) if the length is not positive or a present view's size
     *     differs from it
     */
    public SgEntry {
        Check.positive(length, Rule.MAP_3, "entry length");
        Check.notNull(cpu, Rule.MAP_3, "cpu view (use Optional.empty() for memory without CPU pages)");
        if (cpu.isPresent() && cpu.get().byteSize() != length) {
            throw new RuleViolationException(Rule.MAP_3, "entry at 0x" + Long.toHexString(dmaAddress) + " has length "
                    + length + " but its CPU view has " + cpu.get().byteSize() + " bytes");
        }
    }

    /**
     * An entry for memory without a CPU page (peer-to-peer device memory).
     *
     * @param dmaAddress the device address
     * @param length bytes
     * @return the entry
     */
    public static SgEntry withoutPage(long dmaAddress, long length) {
        return new SgEntry(dmaAddress, length, Optional.empty());
    }

    /**
     * Whether the memory has a CPU page.
     *
     * @return true if {@link #cpu()} is present
     */
    public boolean hasCpuPage() {
        return cpu.isPresent();
    }

    /**
     * The CPU view of the entry's bytes.
     *
     * @return the view, closed with the mapping
     * @throws NoCpuPageException ({@link Rule#P2P_3 P2P-3}) if the memory has no CPU page
     */
    public MemorySegment cpuSegment() {
        return cpu.orElseThrow(() -> new NoCpuPageException(Rule.P2P_3, "entry at device address 0x"
                + Long.toHexString(dmaAddress) + " (" + length + " bytes) has no CPU page: it is device memory"
                + " reached peer-to-peer; access it from a device, or CPU-access the buffer with beginCpuAccess"));
    }

    /**
     * Whether the entry's address and length are multiples of the page size ({@link Rule#MAP_3 MAP-3}).
     *
     * @return true if aligned
     */
    public boolean isPageAligned() {
        return dmaAddress % DmaConstraints.PAGE_SIZE == 0 && length % DmaConstraints.PAGE_SIZE == 0;
    }
}
