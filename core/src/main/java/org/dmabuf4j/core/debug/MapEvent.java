package org.dmabuf4j.core.debug;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a mapping was made or removed (map/unmap, invalidation). */
@Name("org.dmabuf4j.Map")
@Label("Map")
@Category({"dmabuf4j", "Mappings"})
@Description("A dma-buf was mapped into (or unmapped from) a device's address space")
public final class MapEvent extends jdk.jfr.Event {
    /** The buffer id. */
    @Label("Buffer Id")
    public long bufferId;
    /** The device's name. */
    @Label("Device")
    public String device;
    /** The direction. */
    @Label("Direction")
    public String direction;
    /** "map", "unmap" or "invalidate". */
    @Label("Operation")
    public String operation;
    /** Whether it is the attachment's cached mapping. */
    @Label("Cached")
    public boolean cached;
    /** The number of entries. */
    @Label("Entries")
    public int entries;
    /** The mapped bytes. */
    @Label("Size")
    @DataAmount
    public long size;
}
