package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.api.Rule;

/**
 * One way to break an exporter, and the rule the kit must report for it. {@code rule == null}: a correct variant that
 * must pass.
 */
enum Flaw {
    /** Correct: dynamic, CPU access, 2-D regions, revocation. */
    NONE(Family.CORRECT, null, "a correct dynamic exporter"),
    /** Correct: static (not dynamic). */
    NONE_STATIC(Family.CORRECT, null, "a correct static exporter"),
    /** Correct: a pool of reused memory, zeroed on export. */
    NONE_HEAP(Family.CORRECT, null, "a correct pooled, heap-like exporter"),
    /** Correct: starts in device memory, migrates with notification for non-peer importers. */
    NONE_P2P(Family.CORRECT, null, "a correct exporter of device memory reached peer-to-peer"),
    /** Exports with a blank exporter name. */
    BLANK_NAME(Family.EXPORTS, Rule.BUF_7, "exports with a blank exporter name",
            java.util.Set.of(), "blank"),
    /** The fixture keeps a handle of its own, so the buffer is never released. */
    KEEPS_HANDLE(Family.EXPORTS, Rule.BUF_2, "keeps a shared handle of every buffer it exports, so none is ever released",
            java.util.Set.of(), "still live"),
    /** Moves buffers but does not declare itself dynamic. */
    NOT_DECLARED_DYNAMIC(Family.EXPORTS, Rule.BUF_10, "moves buffers but Exporter.isDynamic() returns false",
            java.util.Set.of(), "isDynamic"),
    /** map drops the last entry. */
    SHORT_MAPPING(Family.MAPPINGS, Rule.MAP_2, "map() drops the last entry",
            java.util.Set.of(), "cover"),
    /** map shifts every entry's address by one byte. */
    UNALIGNED(Family.MAPPINGS, Rule.MAP_3, "map() returns entries at unaligned addresses",
            java.util.Set.of(), "aligned"),
    /** map merges adjacent entries beyond the device's maximum segment size. */
    MERGED_SEGMENTS(Family.MAPPINGS, Rule.MAP_4, "map() merges contiguous entries, ignoring the device's maximum segment size",
            java.util.Set.of(), "segment"),
    /** map returns the entries of a mapping that is still mapped. */
    SAME_ENTRIES_TWICE(Family.MAPPINGS, Rule.MAP_5, "map() returns the same entries again while the first mapping is mapped",
            java.util.Set.of(), "same entr"),
    /** unmap does not remove the translations. */
    LEAKS_TRANSLATIONS(Family.MAPPINGS, Rule.DEV_9, "unmap() does not call device.unmap",
            java.util.Set.of(), "still translates"),
    /** beginCpuAccess throws IllegalStateException instead of the clean refusal. */
    UNCLEAN_CPU_REFUSAL(Family.EXPORTS, Rule.CPU_12, "has no CPU access and refuses it with IllegalStateException",
            java.util.Set.of(), "UnsupportedFeatureException"),
    /** Sets an error on its move fence after signaling it. */
    ERROR_AFTER_SIGNAL(Family.MOVES, Rule.FENCE_3, "sets an error on the move's fence after signaling it",
            java.util.Set.of(), "setError"),
    /** Signals its move fence only after taking the reservation lock. */
    SIGNALS_UNDER_LOCK(Family.FENCES, Rule.FENCE_4, "takes the reservation lock on the path that signals the move's fence",
            java.util.Set.of(), "takes the reservation lock"),
    /** Never signals its move fence. */
    HUNG_FENCE(Family.FENCES, Rule.FENCE_7, "never signals the move's fence",
            java.util.Set.of(), "did not signal"),
    /** Moves without taking the reservation lock. */
    MOVES_WITHOUT_LOCK(Family.MOVES, Rule.MOVE_1, "moves without taking the reservation lock",
            java.util.Set.of(), "lock"),
    /** Moves without checking whether the buffer is pinned. */
    MOVES_WHILE_PINNED(Family.MOVES, Rule.MOVE_2, "moves without checking ExportedBuffer.isPinned()",
            java.util.Set.of(), "pinned"),
    /** Moves without invalidating the mappings. */
    MOVES_WITHOUT_NOTIFY(Family.MOVES, Rule.MOVE_3, "moves without calling invalidateMappings()",
            java.util.Set.of(), "notified 0 times"),
    /** Loses the data in a move. */
    LOSES_DATA_ON_MOVE(Family.MOVES, Rule.MOVE_6, "does not copy the data when it moves",
            java.util.Set.of(), "copy"),
    /** Refuses to map after a move. */
    UNMAPPABLE_AFTER_MOVE(Family.MOVES, Rule.MOVE_6, "refuses every map after a move",
            java.util.Set.of(), "after a move"),
    /** Publishes no fence for a move. */
    NO_MOVE_FENCE(Family.MOVES, Rule.MOVE_8, "does not publish the move's copy as a KERNEL fence",
            java.util.Set.of(), "KERNEL"),
    /** Moves the memory of a pinned buffer behind its mappings' backs. */
    MOVES_PINNED_SILENTLY(Family.MOVES, Rule.PIN_3, "silently moves the memory of a pinned buffer, leaving its mappings on the old",
            java.util.Set.of(), "pinned"),
    /** Gives entries without CPU pages to importers that do not allow peer-to-peer. */
    NO_PAGES_FOR_ANYONE(Family.MAPPINGS, Rule.P2P_1, "gives entries without CPU pages to every importer",
            java.util.Set.of(), "CPU page"),
    /** Migrates device memory for a non-peer importer without notifying the peer importers. */
    MIGRATES_WITHOUT_NOTIFY(Family.MAPPINGS, Rule.P2P_2, "migrates device memory for a non-peer importer without notifying",
            java.util.Set.of(), "invalidateMappings"),
    /** Revokes by invalidating only: maps keep working and nothing is waited for. */
    REVOKES_BY_INVALIDATING(Family.MOVES, Rule.REV_1, "revokes by invalidating only: maps keep working, fences are not awaited",
            java.util.Set.of(), "revoke"),
    /** Reuses pooled memory without zeroing it. */
    POOL_NOT_ZEROED(Family.EXPORTS, Rule.HEAP_1, "reuses pooled memory without zeroing it",
            java.util.Set.of(), "previous user"),
    /** Never returns memory on release. */
    KEEPS_MEMORY(Family.EXPORTS, Rule.HEAP_5, "keeps the memory of released buffers",
            java.util.Set.of(), "release");

    /** Which meta-test class runs a flaw, so that each class stays short. */
    enum Family {
        /** The correct variants. */
        CORRECT,
        /** Export, release, CPU access and heap memory. */
        EXPORTS,
        /** The entries of mappings. */
        MAPPINGS,
        /** Moves, pins and revocation. */
        MOVES,
        /** The fences of moves. */
        FENCES
    }

    final Family family;
    final Rule rule;
    final String description;
    /** Rules the flaw's consequences may break too. */
    final java.util.Set<Rule> collateral;
    /** Words the diagnosis on {@link #rule} must use. */
    final java.util.List<String> expect;

    Flaw(Family family, Rule rule, String description) {
        this(family, rule, description, java.util.Set.of());
    }

    Flaw(Family family, Rule rule, String description, java.util.Set<Rule> collateral, String... expect) {
        this.family = family;
        this.rule = rule;
        this.description = description;
        this.collateral = collateral;
        this.expect = java.util.List.of(expect);
    }

    boolean heap() {
        return this == NONE_HEAP || this == POOL_NOT_ZEROED || this == KEEPS_MEMORY;
    }

    boolean p2p() {
        return this == NONE_P2P || this == MIGRATES_WITHOUT_NOTIFY;
    }

    boolean dynamic() {
        return this != NONE_STATIC;
    }
}
