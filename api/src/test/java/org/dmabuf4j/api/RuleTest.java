package org.dmabuf4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleTest {
    @Test
    void idsAreLookedUpCaseInsensitively() {
        assertSame(Rule.MAP_1, Rule.byId("MAP-1"));
        assertSame(Rule.P2P_3, Rule.byId(" p2p-3 "));
        assertEquals("MAP", Rule.MAP_12.family());
        assertEquals("RESV-14", Rule.RESV_14.toString());
    }

    @Test
    void unknownIdsAreRefusedWithAPointerToTheCatalogue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Rule.byId("MAP" + "-999"));
        assertTrue(e.getMessage().contains("RULES.md"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rule.byId(null));
    }

    @Test
    void everyRuleHasAStatementASourceAndAUniqueStatement() {
        Set<String> statements = new HashSet<>();
        for (Rule r : Rule.values()) {
            assertTrue(r.statement().endsWith("."), r + " statement ends with a period");
            assertTrue(!r.source().isBlank(), r + " has a source");
            assertTrue(statements.add(r.statement()), r + " repeats another rule");
        }
        assertTrue(Rule.values().length > 50);
    }

    @Test
    void exceptionsStartWithTheRuleIdAndCarryTheRule() {
        var e = new IommuFaultException(Rule.DEV_1, "device 'cam' touched 0x1000");
        assertEquals("[DEV-1] device 'cam' touched 0x1000", e.getMessage());
        assertSame(Rule.DEV_1, e.rule());
        assertThrows(NullPointerException.class, () -> new RuleViolationException(null, "x"));
    }

    @Test
    void anInterruptedWaitRestoresTheInterruptStatus() {
        try {
            var e = new DmaInterruptedException(Rule.CPU_2, "waiting", new InterruptedException());
            assertTrue(Thread.currentThread().isInterrupted());
            assertSame(Rule.CPU_2, e.rule());
        } finally {
            Thread.interrupted();
        }
    }
}
