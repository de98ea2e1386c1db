package org.dmabuf4j.testkit.internal;

import java.time.Duration;
import java.util.List;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * An ExportedBuffer for buffers whose exporter keeps its capability private (the core heaps): only the handle, the
 * reservation and the system's revocation are available, so the kit checks them at the buffer level only.
 */
public final class HandleOnlyBuffer implements ExportedBuffer {
    private final DmaBuf handle;
    private final Reservation reservation;
    private final SimulatedSystem system;

    /**
     * Wraps a handle.
     *
     * @param handle the first handle of a heap buffer
     * @param system the system it lives in, which revokes and moves it on the exporter's behalf
     */
    public HandleOnlyBuffer(DmaBuf handle, SimulatedSystem system) {
        this.handle = handle;
        this.reservation = handle.reservation();
        this.system = system;
    }

    /**
     * The system the buffer lives in.
     *
     * @return the system
     */
    public SimulatedSystem system() {
        return system;
    }

    private UnsupportedOperationException hidden(String what) {
        return new UnsupportedOperationException(what + " of buffer #" + handle.id() + " (exporter "
                + handle.exporterName() + "): a heap keeps its exporter capability private");
    }

    @Override
    public DmaBuf handle() {
        return handle;
    }

    @Override
    public Reservation reservation() {
        return reservation;
    }

    @Override
    public List<Attachment> attachments() {
        throw hidden("attachments()");
    }

    @Override
    public boolean isPinned() {
        throw hidden("isPinned()");
    }

    @Override
    public void invalidateMappings() {
        throw hidden("invalidateMappings()");
    }

    @Override
    public void revoke(Duration timeout) {
        system.revoke(handle, timeout);
    }

    @Override
    public boolean isRevoked() {
        return handle.isRevoked();
    }
}
