package org.dmabuf4j.api.image;

import static org.dmabuf4j.api.image.FormatModifier.INVALID;
import static org.dmabuf4j.api.image.FormatModifier.LINEAR;
import static org.dmabuf4j.api.image.FormatModifier.SIM_TILED;
import static org.dmabuf4j.api.image.FormatModifier.SIM_TILED_CCS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Format sets and their intersection (NEG-1). */
class FormatSetTest {
    @Test
    @DisplayName("NEG-1: the intersection keeps exactly the pairs both sets have, in the first set's order")
    void intersectionKeepsCommonPairsInOrder() {
        FormatSet camera = FormatSet.builder().add(DrmFormat.NV12, SIM_TILED, LINEAR)
                .add(DrmFormat.YUYV, LINEAR).build();
        FormatSet display = FormatSet.builder().add(DrmFormat.NV12, SIM_TILED_CCS, LINEAR, SIM_TILED)
                .add(DrmFormat.XRGB8888, SIM_TILED).build();
        assertEquals(FormatSet.of(DrmFormat.NV12, SIM_TILED, LINEAR), camera.intersect(display));
        assertEquals(List.of(LINEAR, SIM_TILED), display.intersect(camera).modifiers(DrmFormat.NV12),
                "the first set's preference order");
        assertTrue(camera.intersect(FormatSet.EMPTY).isEmpty());
        assertEquals(List.of(), camera.intersect(display).modifiers(DrmFormat.YUYV));
    }

    @Test
    @DisplayName("NEG-1: INVALID meets only INVALID: an implicit set and a LINEAR set share nothing")
    void implicitAndLinearDoNotMeet() {
        FormatSet implicitOnly = FormatSet.of(DrmFormat.NV12, INVALID);
        FormatSet linearOnly = FormatSet.of(DrmFormat.NV12, LINEAR);
        assertTrue(implicitOnly.intersect(linearOnly).isEmpty(), "INVALID is not LINEAR");
        assertTrue(linearOnly.intersect(implicitOnly).isEmpty());
        assertEquals(implicitOnly, implicitOnly.intersect(FormatSet.of(DrmFormat.NV12, LINEAR, INVALID)));
    }

    @Test
    @DisplayName("sets are values: duplicates collapse, union appends, equality is by content and order")
    void setsAreValues() {
        FormatSet a = FormatSet.builder().add(DrmFormat.NV12, LINEAR, LINEAR).add(DrmFormat.NV12, SIM_TILED)
                .build();
        assertEquals(2, a.size());
        assertEquals(List.of(new FormatModifierPair(DrmFormat.NV12, LINEAR),
                new FormatModifierPair(DrmFormat.NV12, SIM_TILED)), a.pairs());
        FormatSet u = a.union(FormatSet.of(DrmFormat.XRGB8888, LINEAR));
        assertEquals(List.of(DrmFormat.NV12, DrmFormat.XRGB8888), u.formats());
        assertTrue(u.contains(FormatModifierPair.parse("XR24")));
        assertFalse(u.contains(DrmFormat.XRGB8888, SIM_TILED));
        assertEquals("{NV12: [LINEAR, SIM_TILED]}", a.toString());
        assertEquals(DrmFormat.catalogue().size(), FormatSet.linear(DrmFormat.catalogue()).size());
        assertSame(Rule.NEG_1, assertThrows(RuleViolationException.class, () -> a.intersect(null)).rule());
        assertSame(Rule.NEG_1, assertThrows(RuleViolationException.class,
                () -> FormatSet.of(DrmFormat.NV12, LINEAR, null)).rule());
    }
}
