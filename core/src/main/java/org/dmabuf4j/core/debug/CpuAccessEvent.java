package org.dmabuf4j.core.debug;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a CPU window, from begin to end (its duration is the window's lifetime). */
@Name("org.dmabuf4j.CpuAccess")
@Label("CPU Access")
@Category({"dmabuf4j", "CPU Access"})
@Description("A CPU window on a dma-buf, from beginCpuAccess to close")
public final class CpuAccessEvent extends jdk.jfr.Event {
    /** The buffer id. */
    @Label("Buffer Id")
    public long bufferId;
    /** READ, WRITE or READ_WRITE. */
    @Label("Access")
    public String access;
    /** The region. */
    @Label("Region")
    public String region;
    /** The bytes of the region. */
    @Label("Region Bytes")
    @DataAmount
    public long regionBytes;
    /** Bytes copied for cache maintenance at begin and end. */
    @Label("Bytes Synced")
    @DataAmount
    public long bytesSynced;
}
