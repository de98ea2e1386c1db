package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.api.Rule;

/** One way to break an importer, and the rule the importer kit must report; {@code rule == null}: correct. */
enum ImporterFlaw {
    /** A correct hand-written dynamic importer. */
    NONE(null, "a correct hand-written dynamic importer"),
    /** A correct static importer: attach(device), the framework's cached mapping, no moveNotify. */
    NONE_STATIC(null, "a correct static importer (attach(device), the cached mapping)"),
    /** A correct importer that pins for its whole life, as scanout does (PIN-5). */
    NONE_PINNING(null, "a correct dynamic importer that pins the buffer for its whole life (scanout)"),
    /** Attaches while holding the reservation lock. */
    ATTACHES_UNDER_LOCK(Rule.BUF_9, "attaches while holding the reservation lock",
            java.util.Set.of(), "holds its reservation"),
    /** Detaches without unmapping. */
    DETACHES_WITH_MAPPINGS(Rule.ATT_2, "detaches without unmapping its mapping",
            java.util.Set.of(), "unmap"),
    /** Stops without detaching. */
    NEVER_DETACHES(Rule.ATT_2, "stops without detaching",
            java.util.Set.of(), "still attached"),
    /** Calls the locked map without the lock. */
    MAPS_WITHOUT_LOCK(Rule.MAP_1, "calls map() without the reservation lock",
            java.util.Set.of(), "without its reservation lock"),
    /** Unmaps each mapping twice. */
    UNMAPS_TWICE(Rule.MAP_10, "unmaps its mapping twice",
            java.util.Set.of(), "already"),
    /** Keeps a CPU window's segment and reads it after close. */
    CPU_AFTER_CLOSE(Rule.CPU_1, "reads a CPU window's segment after closing the window",
            java.util.Set.of(), "closed"),
    /** Asks for a CPU region outside the buffer. */
    CPU_OUTSIDE_BUFFER(Rule.CPU_7, "asks for a CPU region that runs past the end of the buffer",
            java.util.Set.of(), "past the buffer"),
    /** Begins CPU access with the reservation lock held. */
    CPU_UNDER_LOCK(Rule.CPU_8, "begins CPU access while holding the reservation lock",
            java.util.Set.of(), "holds its r"),
    /** vmaps without the lock. */
    VMAP_WITHOUT_LOCK(Rule.CPU_14, "calls vmap() without the reservation lock",
            java.util.Set.of(), "without its reservation lock"),
    /** Reserves zero fence slots. */
    RESERVES_NO_SLOT(Rule.RESV_1, "reserves zero fence slots before adding its fence",
            java.util.Set.of(), "reserveFences(0)"),
    /** Reserves fence slots without the lock. */
    RESERVES_WITHOUT_LOCK(Rule.RESV_4, "reserves fence slots without the reservation lock",
            java.util.Set.of(), "reservation lock"),
    /** Unlocks a lock it does not hold. */
    UNLOCKS_WITHOUT_HOLDING(Rule.RESV_11, "unlocks the reservation without holding it",
            java.util.Set.of(), "unlock"),
    /** Ignores moveNotify and keeps using its old mapping. */
    IGNORES_NOTIFY(Rule.MOVE_7, "ignores moveNotify and keeps using its old mapping", java.util.Set.of(Rule.REV_5),
            "moveNotify"),
    /** Takes the reservation lock in moveNotify. */
    LOCKS_IN_NOTIFY(Rule.MOVE_7, "takes the reservation lock inside moveNotify", java.util.Set.of(Rule.REV_5),
            "moveNotify"),
    /** Does not wait for the KERNEL fence after re-mapping. */
    NO_FENCE_WAIT(Rule.MOVE_8, "touches the new memory without waiting for the move's KERNEL fence",
            java.util.Set.of(), "did not wait"),
    /** Pins without the lock. */
    PINS_WITHOUT_LOCK(Rule.PIN_1, "pins without the reservation lock",
            java.util.Set.of(), "without its reservation lock"),
    /** Unpins twice. */
    UNPINS_TWICE(Rule.PIN_6, "unpins once more than it pinned", java.util.Set.of(Rule.PIN_2), "unpin"),
    /** On revocation, keeps its mapping until it can map again. */
    KEEPS_MAPPING_ON_REVOKE(Rule.REV_5, "keeps its mapping on revocation until it could map again",
            java.util.Set.of(), "unmap"),
    /** Releases and re-takes the reservation lock inside moveNotify. */
    RELOCKS_IN_NOTIFY(Rule.MOVE_7, "releases and re-takes the reservation lock inside moveNotify",
            java.util.Set.of(), "released the reservation lock inside moveNotify"),
    /** Decides whether to re-map before taking the lock, so a move while it waits for the lock goes unseen. */
    CHECKS_STALE_BEFORE_LOCK(Rule.MOVE_7, "decides whether to map again before it takes the reservation lock",
            java.util.Set.of(), "before it takes"),
    /** Waits for the move's fence with a 50 ms timeout and proceeds when it expires. */
    GIVES_UP_WAITING(Rule.MOVE_8, "waits 50 ms for the move's KERNEL fence and then proceeds anyway",
            java.util.Set.of(), "stopped waiting"),
    /** Maps TO_DEVICE and lets the device write. */
    WRITES_THROUGH_TO_DEVICE(Rule.DEV_4, "maps TO_DEVICE and lets the device write through the mapping",
            java.util.Set.of(), "direction"),
    /** Keeps a shared handle of the buffer and never closes it. */
    LEAKS_SHARED_HANDLE(Rule.BUF_2, "share()s the buffer's handle for a worker and never closes it",
            java.util.Set.of(), "importer closes every handle"),
    /** Unmaps its mapping through a second attachment of its own. */
    UNMAPS_THROUGH_OTHER_ATTACHMENT(Rule.MAP_10, "unmaps its mapping through its other attachment of the buffer",
            java.util.Set.of(), "made by"),
    /** Marks its mapping stale in moveNotify but keeps it, and unmaps only the newest at stop. */
    // a mapping dropped without unmap is also a leak (BUF-8), reported once the garbage collector has seen it: when
    // that happens depends on the collector, so the kit may or may not have the report when it checks
    LEAKS_STALE_MAPPINGS(Rule.ATT_2, "drops its stale mapping without unmapping it after a move",
            java.util.Set.of(Rule.BUF_8), "unmap"),
    /** Checks each frame by reading what the device wrote through the mapping entry's CPU view, without a window. */
    CHECKS_FRAMES_THROUGH_ENTRY_VIEW(Rule.CPU_1, "checks each frame by reading what its device wrote through the"
            + " mapping entry's CPU view, without a CPU window", java.util.Set.of(), "non-coherent"),
    /** A pinning importer that unpins once more at stop. */
    PINNING_UNPINS_TWICE(Rule.PIN_6, "pins for its whole life and unpins twice at stop",
            java.util.Set.of(), "unpin");

    final Rule rule;
    final String description;
    /** Rules the flaw's consequences may break too. */
    final java.util.Set<Rule> collateral;
    /** Words the diagnosis on {@link #rule} must use. */
    final java.util.List<String> expect;

    /** How the importer attaches: dynamic with moveNotify, static, or dynamic and pinned for life. */
    enum Design {
        /** Dynamic: moveNotify, re-map on next use. */
        DYNAMIC,
        /** Static: attach(device) and the framework's cached mapping. */
        STATIC,
        /** Dynamic, pinned from attach to stop. */
        PINNING
    }

    Design design() {
        return switch (this) {
            case NONE_STATIC -> Design.STATIC;
            case NONE_PINNING, PINNING_UNPINS_TWICE -> Design.PINNING;
            default -> Design.DYNAMIC;
        };
    }

    ImporterFlaw(Rule rule, String description) {
        this(rule, description, java.util.Set.of());
    }

    ImporterFlaw(Rule rule, String description, java.util.Set<Rule> collateral, String... expect) {
        this.rule = rule;
        this.description = description;
        this.collateral = collateral;
        this.expect = java.util.List.of(expect);
    }
}
