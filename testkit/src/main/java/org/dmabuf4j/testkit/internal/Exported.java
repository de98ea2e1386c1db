package org.dmabuf4j.testkit.internal;

import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportedBuffer;

/**
 * A buffer the kit exported through the fixture.
 *
 * @param exported the exporter's capability
 * @param handle its first handle, owned by the kit
 * @param observer the observer of its exporter, or null if the fixture did not export through the system's export
 * @param what a description for messages: buffer id, size, exporter
 */
public record Exported(ExportedBuffer exported, DmaBuf handle, ObservedExporter observer, String what) {
    /**
     * The buffer's size.
     *
     * @return bytes
     */
    public long size() {
        return handle.size();
    }
}
