package org.dmabuf4j.core.debug;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a buffer was exported (heap allocations included). */
@Name("org.dmabuf4j.Export")
@Label("Export")
@Category({"dmabuf4j", "Buffers"})
@Description("A dma-buf was exported")
public final class ExportEvent extends jdk.jfr.Event {
    /** The buffer id. */
    @Label("Buffer Id")
    public long bufferId;
    /** The exporter's name. */
    @Label("Exporter")
    public String exporter;
    /** The size. */
    @Label("Size")
    @DataAmount
    public long size;
}
