package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SgEntryAndExportInfoTest {
    private static final Exporter NOTHING = new Exporter() {
        @Override
        public List<SgEntry> map(Attachment attachment, Direction direction) {
            throw new AssertionError("not called");
        }

        @Override
        public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        }

        @Override
        public void release() {
        }
    };

    @Test
    @DisplayName("P2P-3: an entry without a CPU page refuses to give a CPU segment, naming its address")
    void anEntryWithoutAPageHasNoCpuSegment() {
        SgEntry e = SgEntry.withoutPage(0x10_0000, 4096);
        assertFalse(e.hasCpuPage());
        var ex = assertThrows(NoCpuPageException.class, e::cpuSegment);
        assertEquals(Rule.P2P_3, ex.rule());
        assertTrue(ex.getMessage().contains("0x100000"), ex.getMessage());
    }

    @Test
    @DisplayName("MAP-3: an entry's CPU view has the entry's length")
    void anEntryViewMatchesItsLength() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(8192);
            assertEquals(s, new SgEntry(0x2000, 8192, Optional.of(s)).cpuSegment());
            assertThrows(RuleViolationException.class, () -> new SgEntry(0x2000, 4096, Optional.of(s)));
        }
        assertThrows(RuleViolationException.class, () -> new SgEntry(0, 0, Optional.empty()));
        assertThrows(RuleViolationException.class, () -> new SgEntry(0, 4096, null));
        assertTrue(SgEntry.withoutPage(4096, 8192).isPageAligned());
        assertFalse(SgEntry.withoutPage(4095, 8192).isPageAligned());
    }

    @Test
    @DisplayName("BUF-7, BUF-1: export information is validated before anything is created")
    void exportInfoIsValidated() {
        assertEquals(8192, ExportInfo.of("pool", 8192, NOTHING).size());
        assertEquals(Rule.BUF_7, assertThrows(RuleViolationException.class, () -> ExportInfo.of(" ", 4096, NOTHING)).rule());
        assertEquals(Rule.BUF_7, assertThrows(RuleViolationException.class, () -> ExportInfo.of(null, 4096, NOTHING)).rule());
        assertEquals(Rule.BUF_1, assertThrows(RuleViolationException.class, () -> ExportInfo.of("pool", 0, NOTHING)).rule());
        assertEquals(Rule.BUF_1, assertThrows(RuleViolationException.class, () -> ExportInfo.of("pool", -4096, NOTHING)).rule());
        var unaligned = assertThrows(RuleViolationException.class, () -> ExportInfo.of("pool", 100, NOTHING));
        assertTrue(unaligned.getMessage().contains("pool"), unaligned.getMessage());
        assertEquals(Rule.BUF_7, assertThrows(RuleViolationException.class, () -> ExportInfo.of("pool", 4096, null)).rule());
        assertEquals(Rule.CPU_7, assertThrows(RuleViolationException.class,
                () -> ExportInfo.of("pool", 4096, NOTHING).withLayout(BufferLayout.linear(64, 64, 4))).rule());
    }

    @Test
    @DisplayName("CPU-12, PIN-2, CPU-14: an exporter's optional features refuse cleanly by default")
    void optionalExporterFeaturesRefuseByDefault() {
        assertFalse(NOTHING.isDynamic());
        assertEquals(Rule.CPU_12, assertThrows(UnsupportedFeatureException.class,
                () -> NOTHING.beginCpuAccess(Access.READ, List.of(new Span(0, 1)))).rule());
        assertEquals(Rule.PIN_2, assertThrows(UnsupportedFeatureException.class, () -> NOTHING.pin(null)).rule());
        assertEquals(Rule.CPU_14, assertThrows(UnsupportedFeatureException.class, NOTHING::vmap).rule());
    }
}
