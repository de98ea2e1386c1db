package org.dmabuf4j.core.debug;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: an exporter moved a buffer's memory (a move, an eviction or a migration), from notification to queued copy. */
@Name("org.dmabuf4j.Move")
@Label("Move")
@Category({"dmabuf4j", "Moves"})
@Description("A dma-buf's memory moved: its importers were notified and the copy was queued as a KERNEL fence")
public final class MoveEvent extends jdk.jfr.Event {
    /** The buffer id. */
    @Label("Buffer Id")
    public long bufferId;
    /** The heap, {@code vram@<device>}. */
    @Label("Heap")
    public String heap;
    /** "move", "eviction" or "migration". */
    @Label("Kind")
    public String kind;
    /** "device" or "system". */
    @Label("From")
    public String from;
    /** "device" or "system". */
    @Label("To")
    public String to;
    /** The bytes copied. */
    @Label("Size")
    @DataAmount
    public long size;
    /** The seqno of the copy's fence on its engine's timeline. */
    @Label("Copy Fence Seqno")
    public long seqno;
}
