package org.dmabuf4j.testkit.meta;

import org.dmabuf4j.api.Rule;

/** One way to break an importer, and the rule the importer kit must report; {@code rule == null}: correct. */
enum ImporterFlaw {
    /** A correct hand-written dynamic importer. */
    NONE(null, "a correct hand-written dynamic importer"),
    /** Attaches while holding the reservation lock. */
    ATTACHES_UNDER_LOCK(Rule.BUF_9, "attaches while holding the reservation lock"),
    /** Detaches without unmapping. */
    DETACHES_WITH_MAPPINGS(Rule.ATT_2, "detaches without unmapping its mapping"),
    /** Stops without detaching. */
    NEVER_DETACHES(Rule.ATT_2, "stops without detaching"),
    /** Calls the locked map without the lock. */
    MAPS_WITHOUT_LOCK(Rule.MAP_1, "calls map() without the reservation lock"),
    /** Unmaps each mapping twice. */
    UNMAPS_TWICE(Rule.MAP_10, "unmaps its mapping twice"),
    /** Keeps a CPU window's segment and reads it after close. */
    CPU_AFTER_CLOSE(Rule.CPU_1, "reads a CPU window's segment after closing the window"),
    /** Asks for a CPU region outside the buffer. */
    CPU_OUTSIDE_BUFFER(Rule.CPU_7, "asks for a CPU region that runs past the end of the buffer"),
    /** Begins CPU access with the reservation lock held. */
    CPU_UNDER_LOCK(Rule.CPU_8, "begins CPU access while holding the reservation lock"),
    /** vmaps without the lock. */
    VMAP_WITHOUT_LOCK(Rule.CPU_14, "calls vmap() without the reservation lock"),
    /** Reserves zero fence slots. */
    RESERVES_NO_SLOT(Rule.RESV_1, "reserves zero fence slots before adding its fence"),
    /** Reserves fence slots without the lock. */
    RESERVES_WITHOUT_LOCK(Rule.RESV_4, "reserves fence slots without the reservation lock"),
    /** Unlocks a lock it does not hold. */
    UNLOCKS_WITHOUT_HOLDING(Rule.RESV_11, "unlocks the reservation without holding it"),
    /** Ignores moveNotify and keeps using its old mapping. */
    IGNORES_NOTIFY(Rule.MOVE_7, "ignores moveNotify and keeps using its old mapping"),
    /** Takes the reservation lock in moveNotify. */
    LOCKS_IN_NOTIFY(Rule.MOVE_7, "takes the reservation lock inside moveNotify"),
    /** Does not wait for the KERNEL fence after re-mapping. */
    NO_FENCE_WAIT(Rule.MOVE_8, "touches the new memory without waiting for the move's KERNEL fence"),
    /** Pins without the lock. */
    PINS_WITHOUT_LOCK(Rule.PIN_1, "pins without the reservation lock"),
    /** Unpins twice. */
    UNPINS_TWICE(Rule.PIN_6, "unpins once more than it pinned"),
    /** On revocation, keeps its mapping until it can map again. */
    KEEPS_MAPPING_ON_REVOKE(Rule.REV_5, "keeps its mapping on revocation until it could map again");

    final Rule rule;
    final String description;

    ImporterFlaw(Rule rule, String description) {
        this.rule = rule;
        this.description = description;
    }
}
