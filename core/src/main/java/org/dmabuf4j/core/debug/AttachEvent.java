package org.dmabuf4j.core.debug;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a buffer was attached to a device, or detached. */
@Name("org.dmabuf4j.Attach")
@Label("Attach")
@Category({"dmabuf4j", "Attachments"})
@Description("A dma-buf was attached to a device (or detached from it)")
public final class AttachEvent extends jdk.jfr.Event {
    /** The buffer id. */
    @Label("Buffer Id")
    public long bufferId;
    /** The device's name. */
    @Label("Device")
    public String device;
    /** Whether the importer is dynamic. */
    @Label("Dynamic")
    public boolean dynamic;
    /** True for attach, false for detach. */
    @Label("Attach")
    public boolean attach;
}
