package org.dmabuf4j.core.device;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.dmabuf4j.api.ExporterFaultException;
import org.dmabuf4j.api.Rule;

/**
 * A device access in flight: the memory behind a range of DMA addresses, resolved through the IOMMU, with the
 * ownership claims of the bytes it touches. Until {@link #close()}, the translations cannot be removed (an unmap
 * waits), so the memory stays valid. For devices' own work (synchronous DMA, engines).
 */
public final class DeviceAccess implements AutoCloseable {
    private final SimulatedDeviceImpl device;
    private final long stamp;
    private final List<MemorySegment> pieces;
    private final List<Ownership.DeviceClaim> claims;
    private final List<Ownership> owners;
    private final boolean write;
    private final long length;
    private boolean closed;

    DeviceAccess(SimulatedDeviceImpl device, long stamp, List<MemorySegment> pieces, List<Ownership> owners,
            List<Ownership.DeviceClaim> claims, boolean write, long length) {
        this.device = device;
        this.stamp = stamp;
        this.pieces = pieces;
        this.owners = owners;
        this.claims = claims;
        this.write = write;
        this.length = length;
    }

    /**
     * The memory, in DMA address order; valid until {@link #close()}.
     *
     * @return the pieces
     */
    public List<MemorySegment> pieces() {
        return pieces;
    }

    /**
     * The bytes covered.
     *
     * @return the length
     */
    public long length() {
        return length;
    }

    /**
     * Copies the accessed memory into {@code dst} (a device read).
     *
     * @param dst at least {@link #length()} bytes
     * @throws ExporterFaultException (SAFE-1) if the exporter freed the memory
     */
    public void copyTo(MemorySegment dst) {
        long at = 0;
        try {
            for (MemorySegment p : pieces) {
                MemorySegment.copy(p, 0, dst, at, p.byteSize());
                at += p.byteSize();
            }
        } catch (IllegalStateException e) {
            throw freed(e);
        }
    }

    /**
     * Fills the accessed memory with one byte (a device fill).
     *
     * @param value the byte
     * @throws ExporterFaultException (SAFE-1) if the exporter freed the memory
     */
    public void fill(byte value) {
        try {
            for (MemorySegment p : pieces) {
                p.fill(value);
            }
        } catch (IllegalStateException e) {
            throw freed(e);
        }
    }

    /**
     * A closed scope met by a DMA: the exporter freed the memory behind a live translation (SAFE-1). Anything else
     * is rethrown as it is.
     */
    private RuntimeException freed(IllegalStateException e) {
        for (MemorySegment p : pieces) {
            if (!p.scope().isAlive()) {
                String whose = owners.isEmpty() ? "a buffer" : owners.getFirst().describeBuffer();
                return new ExporterFaultException(Rule.SAFE_1, "device '" + device.name() + "' "
                        + (write ? "wrote" : "read") + " " + length + " bytes of " + whose + " through a live"
                        + " translation, but the exporter freed that memory before its release(); nothing was"
                        + " transferred there. Keep the memory until release(), or allocate it from"
                        + " DmaBufSystem.exporterArena()", e);
            }
        }
        return e;
    }

    /**
     * Copies {@code src} into the accessed memory (a device write).
     *
     * @param src at least {@link #length()} bytes
     * @throws ExporterFaultException (SAFE-1) if the exporter freed the memory
     */
    public void copyFrom(MemorySegment src) {
        long at = 0;
        try {
            for (MemorySegment p : pieces) {
                MemorySegment.copy(src, at, p, 0, p.byteSize());
                at += p.byteSize();
            }
        } catch (IllegalStateException e) {
            throw freed(e);
        }
    }

    /** Ends the access: releases the ownership claims and lets unmaps proceed. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < claims.size(); i++) {
            owners.get(i).release(claims.get(i));
        }
        device.endAccess(stamp, write, length);
    }
}
