package org.dmabuf4j.core.debug;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a buffer was released (its exporter's release ran, BUF-2). */
@Name("org.dmabuf4j.Release")
@Label("Release")
@Category({"dmabuf4j", "Buffers"})
@Description("A dma-buf was released after its last handle and attachment were gone")
public final class ReleaseEvent extends jdk.jfr.Event {
    /** The buffer id. */
    @Label("Buffer Id")
    public long bufferId;
    /** The buffer's name. */
    @Label("Name")
    public String name;
    /** The size. */
    @Label("Size")
    @DataAmount
    public long size;
}
